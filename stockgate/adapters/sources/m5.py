"""The M5 wide format: one row per item and store, one column per day ``d_1..d_N``, dated by ``calendar.csv``.

Weekly prices (``sell_prices``: ``store_id, item_id, wm_yr_wk, sell_price``) are joined through the calendar's
``wm_yr_wk``. M5 lists items before they were stocked: leading zero days before an item's first sale are left
out, and a note says how many.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from stockgate.adapters.sources.convert import coerce
from stockgate.adapters.sources.files import header_names, read_table
from stockgate.adapters.sources.sales_types import MAP_WITH, SalesMapping
from stockgate.errors import ColumnError, InputError

_DAY = re.compile(r"^d_\d+$")
PRICE_KEYS = ("store_id", "item_id")


def read_m5(
    path: Path, mapping: SalesMapping, *, encoding: str | None, max_bytes: int
) -> tuple[pd.DataFrame, list[str]]:
    """Long raw rows (id columns, date, units [+ price], ``_row``) from an M5 wide file, named per ``mapping``."""
    if mapping.calendar is None:
        raise InputError("the M5 format needs its calendar.", file=str(path), hint="Add --calendar calendar.csv.")
    days = [name for name in header_names(path, encoding=encoding) if _DAY.match(name.strip())]
    if not days:
        raise ColumnError("no day columns d_1, d_2, ... found.", file=str(path), hint="Is this an M5 wide file?")
    ids = list(dict.fromkeys([*mapping.ids, *(PRICE_KEYS if mapping.prices else ())]))
    columns = {**dict.fromkeys(ids, "str"), **dict.fromkeys(days, "float")}
    wide = read_table(path, columns=columns, encoding=encoding, max_bytes=max_bytes, map_with=MAP_WITH)
    wide_frame = coerce(wide.frame, dict.fromkeys(ids, "str"), file=str(path))
    calendar = _read_calendar(mapping.calendar, days, encoding=encoding, max_bytes=max_bytes)
    long, dropped = _melt(wide_frame, ids, days, calendar)
    notes = [*wide.notes, f"{path.name}: left out {dropped} leading zero days before items' first sale."]
    if mapping.prices is not None:
        long = _join_prices(long, mapping.prices, encoding=encoding, max_bytes=max_bytes)
    long = long.rename(columns={"date": mapping.date_col, "units": mapping.target_col})
    if mapping.price_col and "price" in long.columns:
        long = long.rename(columns={"price": mapping.price_col})
    return long, notes


def _read_calendar(path: Path, days: list[str], *, encoding: str | None, max_bytes: int) -> pd.DataFrame:
    kinds = {"d": "str", "date": "date"}
    raw = read_table(path, columns=kinds, optional={"wm_yr_wk": "int"}, encoding=encoding, max_bytes=max_bytes)
    calendar = coerce(raw.frame, {**kinds, "wm_yr_wk": "int"}, file=str(path)).set_index("d")
    missing = [day for day in days if day not in calendar.index]
    if missing:
        raise InputError(
            f"{len(missing)} day column(s) of the sales file have no date in the calendar (first: {missing[0]}).",
            file=str(path),
            column="d",
            hint="Use the calendar that belongs to the sales file.",
        )
    return calendar.loc[days]


def _melt(wide: pd.DataFrame, ids: list[str], days: list[str], calendar: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Wide to long, series by series; drops each series' days before its first non-zero sale."""
    values = wide[days].to_numpy(dtype="float64")
    started = np.maximum.accumulate(np.nan_to_num(values, nan=0.0) != 0, axis=1).ravel()
    n_series, n_days = values.shape
    keep = started | np.repeat(~started.reshape(n_series, n_days).any(axis=1), n_days)
    series = np.repeat(np.arange(n_series), n_days)[keep]
    long = pd.DataFrame({column: wide[column].to_numpy()[series] for column in ids})
    long["date"] = np.tile(calendar["date"].to_numpy(), n_series)[keep]
    long["units"] = values.ravel()[keep]
    if "wm_yr_wk" in calendar.columns:
        long["wm_yr_wk"] = np.tile(calendar["wm_yr_wk"].to_numpy(), n_series)[keep]
    long["_row"] = wide["_row"].to_numpy()[series]
    return long, int((~keep).sum())


def _join_prices(long: pd.DataFrame, path: Path, *, encoding: str | None, max_bytes: int) -> pd.DataFrame:
    if "wm_yr_wk" not in long.columns:
        raise ColumnError("the calendar has no wm_yr_wk column to join prices.", column="wm_yr_wk")
    kinds = {"store_id": "str", "item_id": "str", "wm_yr_wk": "int", "sell_price": "float"}
    raw = read_table(path, columns=kinds, encoding=encoding, max_bytes=max_bytes)
    prices = coerce(raw.frame, kinds, file=str(path)).drop(columns="_row")
    prices = prices.drop_duplicates(["store_id", "item_id", "wm_yr_wk"]).rename(columns={"sell_price": "price"})
    joined = long.merge(prices, on=["store_id", "item_id", "wm_yr_wk"], how="left", validate="many_to_one")
    return joined.drop(columns="wm_yr_wk")
