"""load_sales on the public formats by flags alone: Kaggle store-item, Walmart weekly, M5 wide, contract, Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stockgate.adapters.sources import SalesMapping, load_sales
from stockgate.adapters.sources.mapping import make_ids
from stockgate.errors import InputError
from tests.sources_fixtures import KAGGLE_CSV, SALES_CSV, WALMART_CSV, m5_files, write

KAGGLE = SalesMapping(id_cols=("store", "item"), date_col="date", target_col="sales")
WALMART = SalesMapping(id_cols=("Store", "Dept"), date_col="Date", target_col="Weekly_Sales")


def test_kaggle_store_item_long_file(tmp_path: Path) -> None:
    """date,store,item,sales maps to unique_id store/item, ds, y, daily, with the original id columns kept."""
    sales = load_sales(write(tmp_path / "train.csv", KAGGLE_CSV), mapping=KAGGLE)
    assert list(sales.frame.columns) == ["unique_id", "ds", "y", "store", "item"]
    assert sales.frame["unique_id"].unique().tolist() == ["1/1", "2/1"]
    assert sales.frame["y"].tolist() == [13, 11, 14, 12, 10, 9]
    assert sales.frame["ds"].dtype == "datetime64[ns]"
    assert (sales.freq, sales.n_series, sales.id_cols) == ("D", 2, ("store", "item"))


def test_walmart_weekly_file_infers_friday_weeks(tmp_path: Path) -> None:
    """Store,Dept,Date,Weekly_Sales (dated Fridays) is weekly W-FRI; decimals and extra columns are fine."""
    sales = load_sales(write(tmp_path / "walmart.csv", WALMART_CSV), mapping=WALMART)
    assert sales.freq == "W-FRI"
    assert sales.frame["unique_id"].unique().tolist() == ["1/1", "1/2"]
    assert sales.frame["y"].iloc[1] == pytest.approx(46039.49)
    assert list(sales.frame.columns) == ["unique_id", "ds", "y", "Store", "Dept"]


def test_m5_wide_with_calendar_and_tab_prices(tmp_path: Path) -> None:
    """M5 d_1..d_N (CRLF) melt to calendar dates, prices join by store, item and week; leading zero days go."""
    sales_file, calendar, prices = m5_files(tmp_path)
    mapping = SalesMapping(format="m5", calendar=calendar, prices=prices)
    sales = load_sales(sales_file, mapping=mapping)
    hobbies = sales.frame[sales.frame["unique_id"] == "CA_1/HOBBIES_1_001"]
    assert hobbies["ds"].dt.strftime("%Y-%m-%d").tolist() == ["2011-01-31", "2011-02-01"]
    assert hobbies["y"].tolist() == [2, 1]
    assert hobbies["price"].tolist() == [9.58, 9.58]
    foods = sales.frame[sales.frame["unique_id"] == "CA_1/FOODS_3_090"]
    assert foods["y"].tolist() == [5, 0, 7, 3]
    assert sales.freq == "D"
    assert any("leading zero days" in note for note in sales.notes)


def test_m5_without_prices_has_no_price_column(tmp_path: Path) -> None:
    """Prices are optional for M5: without them the frame has no price column."""
    sales_file, calendar, _ = m5_files(tmp_path)
    sales = load_sales(sales_file, mapping=SalesMapping(format="m5", calendar=calendar))
    assert "price" not in sales.frame.columns
    assert sales.n_series == 2


def test_m5_needs_its_calendar(tmp_path: Path) -> None:
    """--format m5 without --calendar says to add it."""
    sales_file, _, _ = m5_files(tmp_path)
    with pytest.raises(InputError, match="--calendar"):
        load_sales(sales_file, mapping=SalesMapping(format="m5"))


def test_wide_file_read_as_long_suggests_m5_format(tmp_path: Path) -> None:
    """A wide d_1..d_N file read as long tells the user to use --format m5."""
    sales_file, _, _ = m5_files(tmp_path)
    with pytest.raises(InputError, match="--format m5"):
        load_sales(sales_file)


def test_contract_sales_file_with_default_mapping(tmp_path: Path) -> None:
    """sku,location,date,units loads without flags: unique_id location/sku, price and promo kept."""
    sales = load_sales(write(tmp_path / "sales.csv", SALES_CSV))
    assert list(sales.frame.columns) == ["unique_id", "ds", "y", "price", "promo", "location", "sku"]
    assert sales.frame["unique_id"].unique().tolist() == ["S01/SKU1", "S01/SKU2"]
    assert sales.frame["promo"].tolist() == [False, True, False, False]


def test_data_folder_reads_its_sales_file(tmp_path: Path) -> None:
    """A contract data folder given as source reads its sales.csv."""
    write(tmp_path / "sales.csv", SALES_CSV)
    assert load_sales(tmp_path).n_series == 2


def test_parquet_long_file(tmp_path: Path) -> None:
    """A Parquet file with Kaggle columns (integers for ids) loads like the CSV."""
    frame = pd.read_csv(write(tmp_path / "train.csv", KAGGLE_CSV))
    frame.to_parquet(tmp_path / "train.parquet")
    from_parquet = load_sales(tmp_path / "train.parquet", mapping=KAGGLE).frame
    pd.testing.assert_frame_equal(from_parquet, load_sales(tmp_path / "train.csv", mapping=KAGGLE).frame)


def test_weekly_freq_given_sums_days_into_full_weeks(tmp_path: Path) -> None:
    """--freq W-MON on daily data sums Monday..Sunday weeks and leaves out incomplete edge weeks."""
    days = pd.date_range("2026-03-01", "2026-03-16", freq="D")  # Sunday .. Monday
    rows = "\n".join(f"A,S1,{day:%Y-%m-%d},1" for day in days)
    sales = load_sales(write(tmp_path / "s.csv", "sku,location,date,units\n" + rows + "\n"), freq="W-MON")
    assert sales.freq == "W-MON"
    assert sales.frame["ds"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-02", "2026-03-09"]
    assert sales.frame["y"].tolist() == [7.0, 7.0]
    assert any("incomplete week" in note for note in sales.notes)


def test_freq_that_does_not_fit_the_dates_is_refused(tmp_path: Path) -> None:
    """Weekly Friday data given --freq D is refused, naming the inferred frequency."""
    with pytest.raises(InputError, match="W-FRI"):
        load_sales(write(tmp_path / "walmart.csv", WALMART_CSV), mapping=WALMART, freq="D")


def test_unknown_freq_is_refused(tmp_path: Path) -> None:
    """--freq fortnightly is not a frequency."""
    with pytest.raises(InputError, match="not a frequency"):
        load_sales(write(tmp_path / "train.csv", KAGGLE_CSV), mapping=KAGGLE, freq="fortnightly")


def test_make_ids_joins_id_values_in_order() -> None:
    """Series ids join the id columns with '/' per row, whatever the row order."""
    frame = pd.DataFrame({"store": ["2", "1", "2"], "item": ["9", "9", "8"]})
    assert make_ids(frame, ("store", "item")).tolist() == ["2/9", "1/9", "2/8"]
