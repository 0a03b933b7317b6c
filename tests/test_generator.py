"""The synthetic retail generator: determinism, the data contract, and every realism property it promises."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from stockgate.cli.main import app
from stockgate.domain.calendar import easter_sunday, holiday_calendar
from stockgate.domain.contracts import INPUTS, make_unique_id, parse_order_days
from stockgate.domain.generator import GeneratedData, generate_retail_data, make_config, write_dataset
from stockgate.errors import StockgateError

N_DAYS = 400


@pytest.fixture(scope="module")
def data() -> GeneratedData:
    """A small but complete data set: 100 SKUs at 3 stores over 400 days."""
    return generate_retail_data(n_series=300, n_days=N_DAYS, seed=11, n_locations=3)


@pytest.fixture(scope="module")
def sales(data: GeneratedData) -> pd.DataFrame:
    """Sales joined with the per-series truth (pattern, status, cover class, trend) and the category."""
    frame = data.sales.assign(
        unique_id=[make_unique_id(a, b) for a, b in zip(data.sales.location, data.sales.sku, strict=True)]
    )
    frame = frame.merge(data.profiles.drop(columns=["sku", "location"]), on="unique_id", validate="many_to_one")
    return frame.merge(data.catalog[["sku", "category"]], on="sku", validate="many_to_one")


KIND_CHECKS = {
    "str": pd.api.types.is_string_dtype,
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "date": pd.api.types.is_datetime64_any_dtype,
    "bool": pd.api.types.is_bool_dtype,
}


def test_same_seed_gives_same_data_and_other_seed_differs() -> None:
    """Generation is a pure function of the arguments; another seed gives other sales."""
    a = generate_retail_data(n_series=40, n_days=60, seed=3)
    b = generate_retail_data(n_series=40, n_days=60, seed=3)
    c = generate_retail_data(n_series=40, n_days=60, seed=4)
    for name, frame in a.contract_frames().items():
        pd.testing.assert_frame_equal(frame, b.contract_frames()[name])
    assert not a.sales["units"].equals(c.sales["units"])


@pytest.mark.parametrize("name", list(INPUTS))
def test_frames_follow_the_contract(data: GeneratedData, name: str) -> None:
    """Every input has exactly the contract's columns, in order, with matching kinds and a unique key."""
    frame, spec = data.contract_frames()[name], INPUTS[name]
    assert tuple(frame.columns) == spec.names
    for column in spec.columns:
        values = frame[column.name]
        if column.kind == "int" and not column.required and pd.api.types.is_float_dtype(values):
            values = values.dropna()  # optional whole numbers are float with NaN for empty cells, like the loaders
            assert (values == values.round()).all()
            values = values.astype("int64")
        assert KIND_CHECKS[column.kind](values), (name, column.name, values.dtype)
    assert not frame.duplicated(list(spec.key)).any()
    assert frame[list(spec.required)].notna().all().all()


def test_sales_values_are_sane(data: GeneratedData) -> None:
    """Units are whole numbers, prices positive, promo is a flag, dates end on the last day, SKUs are in the catalog."""
    s = data.sales
    assert np.all(s["units"] == np.round(s["units"])) and (s["price"] > 0).all()
    assert s["promo"].any() and not s["promo"].all()
    assert s["date"].max() == pd.Timestamp(2026, 10, 31) and s["date"].min() == pd.Timestamp(2025, 9, 27)
    assert set(s["sku"]) <= set(data.catalog["sku"])


def test_intermittent_and_lumpy_sellers_have_many_zero_days(sales: pd.DataFrame) -> None:
    """Intermittent and lumpy series are mostly zeros; smooth sellers mostly sell; lumpy days are big."""
    zero_share = sales.groupby("pattern")["units"].apply(lambda u: (u == 0).mean())
    assert zero_share["intermittent"] > 0.6 and zero_share["lumpy"] > 0.7 and zero_share["smooth"] < 0.4
    lumpy = sales[(sales["pattern"] == "lumpy") & (sales["units"] > 0)]
    assert lumpy["units"].mean() > 3


def test_returns_appear_as_rare_negative_units(data: GeneratedData) -> None:
    """Some days have negative net units (returns), but under 2 % of rows."""
    share = (data.sales["units"] < 0).mean()
    assert 0 < share < 0.02


def test_new_items_start_late_and_are_marked_new(data: GeneratedData, sales: pd.DataFrame) -> None:
    """SKUs with status new have sales rows only in the last part of the history."""
    new = set(data.catalog.loc[data.catalog["status"] == "new", "sku"])
    assert new
    first = sales[sales["sku"].isin(new)].groupby("sku")["date"].min()
    assert (first > sales["date"].min() + pd.Timedelta(days=N_DAYS // 2)).all()


def test_discontinued_items_stop_selling(data: GeneratedData, sales: pd.DataFrame) -> None:
    """Discontinued SKUs sold before their stop date and have zero units afterwards, before the last day."""
    gone = sales[sales["status"] == "discontinued"]
    assert not gone.empty
    after = gone[gone["date"] > gone["last_demand_date"]]
    assert not after.empty and (after["units"] == 0).all()
    assert (gone.groupby("sku")["last_demand_date"].max() < sales["date"].max()).all()
    assert gone.loc[gone["date"] <= gone["last_demand_date"], "units"].sum() > 0


def test_promotions_cut_price_and_lift_demand(data: GeneratedData, sales: pd.DataFrame) -> None:
    """On promo days the price is below the catalog price and smooth sellers sell clearly more."""
    regular = sales["sku"].map(data.catalog.set_index("sku")["price"])
    assert (sales.loc[sales["promo"], "price"] < regular[sales["promo"]]).all()
    smooth = sales[(sales["pattern"] == "smooth") & (sales["status"] == "active")]
    means = smooth.groupby("promo")["units"].mean()
    assert means[True] > 1.3 * means[False]


def test_weekly_pattern_and_christmas_are_visible(sales: pd.DataFrame) -> None:
    """Saturdays sell more than Mondays, the week before Christmas more than November, Christmas day nothing."""
    smooth = sales[sales["pattern"] == "smooth"]
    by_day = smooth.groupby(smooth["date"].dt.day_of_week)["units"].mean()
    assert by_day[5] > 1.2 * by_day[0]
    december = smooth[(smooth["date"].dt.month == 12) & smooth["date"].dt.day.between(17, 23)]
    november = smooth[(smooth["date"].dt.month == 11) & (smooth["date"].dt.day < 20)]
    assert december["units"].mean() > 1.2 * november["units"].mean()
    assert (sales.loc[(sales["date"].dt.month == 12) & (sales["date"].dt.day == 25), "units"] == 0).all()


def test_yearly_seasonality_and_trends_are_visible(sales: pd.DataFrame) -> None:
    """Garden sells far more in May than in November; growing series grow faster than shrinking ones."""
    by_month = sales[sales["category"] == "garden"].groupby(sales["date"].dt.month)["units"].mean()
    assert by_month[5] > 2 * by_month[11]
    steady = sales[(sales["pattern"] == "smooth") & (sales["status"] == "active")]
    early = steady[steady["date"] < steady["date"].min() + pd.Timedelta(days=90)].groupby("unique_id")["units"].mean()
    late = steady[steady["date"] > steady["date"].max() - pd.Timedelta(days=90)].groupby("unique_id")["units"].mean()
    growth = (late / early).dropna()
    trend = steady.groupby("unique_id")["trend"].first().reindex(growth.index)
    assert growth[trend > 0.2].median() > 1.3 * growth[trend < -0.2].median()


def test_stock_outs_censor_sales(data: GeneratedData, sales: pd.DataFrame) -> None:
    """Inside a stock-out stretch nothing sells after its first day; series out of stock at the end hold none."""
    assert len(data.stockouts) > 10
    idx = sales.set_index(["unique_id", "date"])["units"]
    so = data.stockouts
    for uid, start, end in zip(so["unique_id"], so["start"], so["end"], strict=True):
        days = pd.date_range(pd.Timestamp(start) + pd.Timedelta(days=1), pd.Timestamp(end))
        assert (idx.loc[[(uid, d) for d in days]] <= 0).all(), (uid, start)
    out = data.profiles.loc[data.profiles["cover_class"] == "out", ["sku", "location"]]
    assert not out.empty
    assert (data.inventory.merge(out)["on_hand"] == 0).all()


def test_suppliers_differ_and_catalog_orders_in_packs(data: GeneratedData) -> None:
    """Several suppliers with different lead times; MOQ is a multiple of the pack size; cost below price."""
    sup, cat = data.suppliers, data.catalog
    assert len(sup) >= 3 and sup["lead_time_mean_days"].nunique() >= 3
    assert sup["lead_time_mean_days"].max() > 3 * sup["lead_time_mean_days"].min()
    assert set(cat["supplier_id"]) <= set(sup["supplier_id"])
    assert ((cat["moq"] % cat["pack_size"]) == 0).all() and (cat["pack_size"] >= 1).all()
    assert (cat["unit_cost"] < cat["price"]).all() and (cat["unit_cost"] > 0).all()
    assert cat["name"].str.contains(" ").all() and cat["category"].nunique() >= 5
    assert sup["order_days"].map(parse_order_days).map(len).nunique() >= 2
    assert sup["approver_group"].nunique() >= 2 and (sup["lead_time_std_days"] > 0).all()


def test_inventory_snapshot_is_plausible(data: GeneratedData) -> None:
    """The snapshot is dated the last sales day; some series are short, some overstocked; orders respect packs."""
    inv = data.inventory.merge(data.profiles, on=["sku", "location"])
    inv = inv.merge(data.catalog.drop(columns=["status"]), on="sku")
    assert (inv["snapshot_date"] == data.sales["date"].max()).all()
    selling = inv[inv["status"] != "discontinued"]
    rate, on_hand, cls = selling["recent_demand"], selling["on_hand"], selling["cover_class"]
    assert (on_hand[cls == "low"] <= np.ceil(3 * rate[cls == "low"])).all()
    assert (on_hand[cls == "over"] >= np.floor(45 * rate[cls == "over"])).all()
    assert (on_hand[cls == "over"] > 5 * on_hand[cls == "low"].median()).mean() > 0.8
    ordered = inv[inv["on_order"] > 0]
    assert not ordered.empty and ((ordered["on_order"] % ordered["pack_size"]) == 0).all()
    assert (ordered["on_order"] >= ordered["moq"]).all() and (ordered["on_order_due"] > ordered["snapshot_date"]).all()
    assert inv.loc[inv["on_order"] == 0, "on_order_due"].isna().all()


def test_holiday_calendar_knows_the_moving_feasts() -> None:
    """Easter and Black Friday fall on the right days; the frame has ds (datetime) and holiday columns."""
    assert easter_sunday(2025) == date(2025, 4, 20) and easter_sunday(2026) == date(2026, 4, 5)
    cal = holiday_calendar(date(2025, 1, 1), date(2025, 12, 31))
    assert list(cal.columns) == ["ds", "holiday"] and cal["ds"].dtype == "datetime64[ns]"
    named = dict(zip(cal["holiday"], cal["ds"].dt.date, strict=True))
    assert named["black_friday"] == date(2025, 11, 28) and named["easter_sunday"] == date(2025, 4, 20)
    assert (cal["holiday"] == "pre_christmas").sum() == 7


@settings(max_examples=15, deadline=None)
@given(
    n_series=st.integers(1, 60), n_days=st.integers(28, 90), seed=st.integers(0, 2**32), locations=st.integers(1, 12)
)
def test_any_small_size_gives_a_consistent_data_set(n_series: int, n_days: int, seed: int, locations: int) -> None:
    """For any size, every series has a snapshot, a catalog SKU and sales up to the last day, and keys are unique."""
    n_locations = min(locations, n_series)
    d = generate_retail_data(n_series=n_series, n_days=n_days, seed=seed, n_locations=n_locations)
    assert len(d.inventory) == n_series and len(d.catalog) == -(-n_series // n_locations)
    assert not d.sales.duplicated(["sku", "location", "date"]).any() and np.isfinite(d.sales["units"]).all()
    assert (d.sales.groupby(["sku", "location"])["date"].max() == d.sales["date"].max()).all()
    assert d.sales.groupby(["sku", "location"]).ngroups == n_series


def test_weekly_output_sums_whole_weeks() -> None:
    """freq W dates rows by Monday and each week's units equal the sum of the daily units of that week."""
    daily = generate_retail_data(n_series=12, n_days=70, seed=8)
    weekly = generate_retail_data(n_series=12, n_days=70, seed=8, freq="W")
    assert (weekly.sales["date"].dt.day_of_week == 0).all()
    assert weekly.inventory["snapshot_date"].iloc[0] == pd.Timestamp(2026, 10, 25)  # the Sunday before 31 Oct
    assert weekly.sales.groupby(["sku", "location"]).size().max() == 10
    direct = generate_retail_data(n_series=12, n_days=70, seed=8, end=date(2026, 10, 25))
    week = direct.sales["date"] - pd.to_timedelta(direct.sales["date"].dt.day_of_week, unit="D")
    sums = direct.sales.groupby(["sku", "location", week])["units"].sum().reset_index(drop=True)
    assert np.allclose(weekly.sales["units"].to_numpy(), sums.to_numpy())
    assert not daily.sales["date"].equals(weekly.sales["date"])


def test_start_argument_sets_the_first_day() -> None:
    """``start`` fixes the first sales day and the last day follows from ``n_days``."""
    d = generate_retail_data(n_series=5, n_days=30, seed=1, start=date(2024, 2, 1))
    assert d.sales["date"].max() == pd.Timestamp(2024, 3, 1)
    assert d.inventory["snapshot_date"].iloc[0] == pd.Timestamp(2024, 3, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_series": 0}, "series must be"),
        ({"n_days": 5}, "days must be at least"),
        ({"seed": -1}, "seed must be"),
        ({"n_locations": 50}, "locations must be"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    """Out-of-range sizes raise StockgateError naming the argument."""
    args: dict[str, Any] = {"n_series": 10, "n_days": 60, "seed": 1, **kwargs}
    with pytest.raises(StockgateError, match=message):
        make_config(**args)


def _digests(files: dict[str, Path]) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_writer_is_byte_identical_for_the_same_seed(tmp_path: Path, fmt: str) -> None:
    """Two runs with the same arguments write the same bytes."""
    kw: dict[str, Any] = {"n_series": 30, "n_days": 60, "seed": 9, "fmt": fmt, "include_truth": True}
    a = write_dataset(out_dir=tmp_path / "a", **kw)
    b = write_dataset(out_dir=tmp_path / "b", **kw)
    assert set(a.files) == {"sales", "catalog", "inventory", "suppliers", "profiles", "stockouts"}
    assert _digests(a.files) == _digests(b.files)


def test_chunked_parquet_equals_in_memory(tmp_path: Path) -> None:
    """Streaming 2,100 series in blocks writes exactly the frames generated in memory."""
    kw: dict[str, Any] = {"n_series": 2100, "n_days": 35, "seed": 2}
    summary = write_dataset(out_dir=tmp_path, fmt="parquet", **kw)
    memory = generate_retail_data(**kw)
    for name, frame in memory.contract_frames().items():
        pd.testing.assert_frame_equal(pd.read_parquet(summary.files[name]), frame)
    assert summary.rows["sales"] == len(memory.sales)


def test_csv_round_trips_to_the_in_memory_frames(tmp_path: Path) -> None:
    """CSV files read back (dates parsed) equal the in-memory frames; empty cells are missing values."""
    summary = write_dataset(out_dir=tmp_path, n_series=50, n_days=40, seed=4, fmt="csv")
    memory = generate_retail_data(n_series=50, n_days=40, seed=4)
    sales = pd.read_csv(summary.files["sales"], parse_dates=["date"], dtype={"promo": bool})
    pd.testing.assert_frame_equal(sales, memory.sales, check_dtype=False)
    assert summary.files["sales"].read_text(encoding="utf-8").splitlines()[1].endswith((",0", ",1"))
    inv = pd.read_csv(summary.files["inventory"], parse_dates=["snapshot_date", "on_order_due"])
    inv = inv.astype({"snapshot_date": "datetime64[ns]", "on_order_due": "datetime64[ns]"})
    pd.testing.assert_frame_equal(inv, memory.inventory, check_dtype=False)


def test_failed_write_leaves_the_folder_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If generation fails half-way, no input file and no staging folder is left behind."""
    import stockgate.domain.generator.writer as writer

    def broken(context: object) -> object:
        raise RuntimeError("disk full")
        yield

    monkeypatch.setattr(writer, "iter_blocks", broken)
    with pytest.raises(RuntimeError):
        write_dataset(out_dir=tmp_path, n_series=10, n_days=30, seed=1)
    assert list(tmp_path.iterdir()) == []


def test_cli_generates_a_folder_and_prints_a_summary(tmp_path: Path) -> None:
    """`stockgate data generate` writes the four inputs and reports rows and time."""
    args = ["data", "generate", "--out", str(tmp_path), "--series", "20", "--days", "30", "--seed", "5"]
    result = CliRunner().invoke(app, [*args, "--format", "parquet", "--locations", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n}.parquet" for n in sorted(INPUTS)]
    assert "sales" in result.output and "Wrote 4 files" in result.output
    assert pd.read_parquet(tmp_path / "inventory.parquet")["location"].nunique() == 2


def test_cli_refuses_bad_arguments_and_occupied_folders(tmp_path: Path) -> None:
    """Bad sizes and a folder that already holds inputs end with a clear message and exit code 2."""
    runner = CliRunner()
    bad = runner.invoke(app, ["data", "generate", "--out", str(tmp_path), "--series", "0"])
    assert bad.exit_code == 2 and "series must be between 1" in bad.output
    (tmp_path / "sales.csv").write_text("sku\n", encoding="utf-8")
    busy = runner.invoke(app, ["data", "generate", "--out", str(tmp_path), "--series", "5", "--days", "30"])
    assert busy.exit_code == 2 and "--overwrite" in busy.output
    assert (tmp_path / "sales.csv").read_text(encoding="utf-8") == "sku\n"
