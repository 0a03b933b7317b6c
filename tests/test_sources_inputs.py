"""load_inputs: a contract data folder read into typed frames with line numbers and the inferred frequency."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stockgate.adapters.sources import InputBundle, load_inputs
from stockgate.domain.contracts import INPUTS
from stockgate.errors import InputError
from tests.sources_fixtures import SALES_CSV, contract_folder


def test_contract_folder_loads_with_contract_columns_and_types(tmp_path: Path) -> None:
    """Every input has exactly the contract columns plus _row, with the contract's dtypes."""
    bundle = load_inputs(contract_folder(tmp_path))
    assert isinstance(bundle, InputBundle)
    for name, spec in INPUTS.items():
        frame = bundle.frame(name)
        assert list(frame.columns) == [*spec.names, "_row"]
        assert frame["_row"].dtype == "int64"
    assert bundle.sales["date"].dtype == "datetime64[ns]"
    assert bundle.sales["sku"].dtype == "str"
    assert bundle.sales["units"].dtype == "float64"
    assert bundle.sales["promo"].dtype == "bool"
    assert bundle.catalog["pack_size"].dtype == "int64"


def test_row_numbers_are_file_lines(tmp_path: Path) -> None:
    """_row is the line in the file: the header is line 1, so the first data row is 2."""
    bundle = load_inputs(contract_folder(tmp_path))
    assert bundle.sales["_row"].tolist() == [2, 3, 4, 5]
    assert bundle.suppliers["_row"].tolist() == [2]


def test_optional_columns_get_defaults(tmp_path: Path) -> None:
    """Absent or empty optional columns are filled: promo False, on_order 0, std 0, currency from the caller."""
    bundle = load_inputs(contract_folder(tmp_path), currency="SEK")
    assert bundle.sales["promo"].tolist() == [False, True, False, False]
    assert bundle.inventory["on_order"].tolist() == [24.0, 0.0]
    assert bundle.inventory["backorders"].tolist() == [0.0, 0.0]
    assert pd.isna(bundle.inventory["on_order_due"].iloc[1])
    assert bundle.suppliers["lead_time_std_days"].tolist() == [0.0]
    assert bundle.suppliers["currency"].tolist() == ["SEK"]
    assert pd.isna(bundle.catalog["shelf_life_days"].iloc[1])


def test_all_blank_date_column_loads_as_missing_dates(tmp_path: Path) -> None:
    """Nothing on order anywhere: an entirely empty on_order_due column is no error, just no dates."""
    header = "snapshot_date,sku,location,on_hand,on_order,on_order_due\n"
    inventory = header + "2026-03-03,SKU1,S01,40,0,\n2026-03-03,SKU2,S01,10,,\n"
    bundle = load_inputs(contract_folder(tmp_path, inventory=inventory), currency="SEK")
    assert bundle.inventory["on_order_due"].isna().all()
    assert str(bundle.inventory["on_order_due"].dtype) == "datetime64[ns]"


def test_files_and_daily_freq_are_reported(tmp_path: Path) -> None:
    """The bundle names the file read for each input and infers daily frequency from the sales dates."""
    bundle = load_inputs(contract_folder(tmp_path))
    assert bundle.files["sales"] == tmp_path / "sales.csv"
    assert bundle.freq == "D"


def test_weekly_sales_infer_anchored_weekly_freq(tmp_path: Path) -> None:
    """Sales dated every Monday give freq W-MON."""
    weekly = "sku,location,date,units\nSKU1,S01,2026-03-02,3\nSKU1,S01,2026-03-09,4\nSKU2,S01,2026-03-23,1\n"
    assert load_inputs(contract_folder(tmp_path, sales=weekly)).freq == "W-MON"


def test_parquet_input_is_read_with_row_index_plus_one(tmp_path: Path) -> None:
    """A sales.parquet is read like the CSV, with _row = row index + 1."""
    folder = contract_folder(tmp_path)
    frame = load_inputs(folder).sales.drop(columns="_row")
    (folder / "sales.csv").unlink()
    frame.to_parquet(folder / "sales.parquet")
    bundle = load_inputs(folder)
    assert bundle.files["sales"].suffix == ".parquet"
    assert bundle.sales["_row"].tolist() == [1, 2, 3, 4]
    pd.testing.assert_frame_equal(bundle.sales.drop(columns="_row"), frame)


def test_duplicate_rows_are_kept_for_validation(tmp_path: Path) -> None:
    """Duplicate (sku, location, date) rows are not dropped: the validation suites judge them."""
    duplicated = SALES_CSV + "SKU1,S01,2026-03-02,3,4.99,0\n"
    bundle = load_inputs(contract_folder(tmp_path, sales=duplicated))
    assert len(bundle.sales) == 5
    assert bundle.sales.duplicated(["sku", "location", "date"]).sum() == 1


def test_missing_input_file_names_the_expected_names(tmp_path: Path) -> None:
    """A folder without catalog.csv/.parquet fails naming the folder and both accepted names."""
    folder = contract_folder(tmp_path)
    (folder / "catalog.csv").unlink()
    with pytest.raises(InputError, match=r"catalog\.csv or catalog\.parquet") as info:
        load_inputs(folder)
    assert str(folder) in str(info.value)


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    """A data folder that does not exist fails with its path."""
    with pytest.raises(InputError, match="data folder not found"):
        load_inputs(tmp_path / "nope")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_generator_output_loads_in_both_formats(tmp_path: Path, fmt: str) -> None:
    """The project's generator output loads: every row, contract dtypes, daily freq, no notes to show."""
    from stockgate.domain.generator import write_dataset

    summary = write_dataset(out_dir=tmp_path, n_series=20, n_days=60, seed=3, fmt=fmt)  # type: ignore[arg-type]
    bundle = load_inputs(tmp_path)
    assert len(bundle.sales) == summary.rows["sales"]
    assert bundle.files["sales"].suffix == f".{fmt}"
    assert bundle.freq == "D"
    assert bundle.sales["date"].dtype == "datetime64[ns]" and bundle.sales["sku"].dtype == "str"
    assert bundle.catalog["pack_size"].dtype == "int64"
    assert bundle.notes == []
    first_row = 2 if fmt == "csv" else 1
    assert bundle.sales["_row"].iloc[0] == first_row


def test_generator_weekly_output_infers_monday_weeks(tmp_path: Path) -> None:
    """Weekly generator output (totals dated by their Monday) is inferred as W-MON."""
    from stockgate.domain.generator import write_dataset

    write_dataset(out_dir=tmp_path, n_series=10, n_days=70, seed=4, freq="W")
    assert load_inputs(tmp_path).freq == "W-MON"
