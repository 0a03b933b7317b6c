"""Forecast snapshots: the machine's daily forecast and the seasonal-naive baseline per SKU, location and day.

A snapshot is what was believed on its as-of date (the last day of sales it saw); actual sales are written into
it later, when the days have passed. Seasonal naive repeats the last ``season_length`` days before the as-of
date (a day without a sales row counts as 0 units).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockgate.domain.contracts import UNIQUE_ID_SEP


def split_unique_id(unique_id: pd.Series) -> pd.DataFrame:
    """``location`` and ``sku`` columns from series ids ``"S01/SKU0001"``."""
    parts = unique_id.astype(str).str.split(UNIQUE_ID_SEP, n=1, expand=True)
    return pd.DataFrame({"location": parts[0], "sku": parts[1]})


def snapshot_rows(*, forecasts: pd.DataFrame, history: pd.DataFrame, season_length: int = 7) -> pd.DataFrame:
    """``sku, location, day, forecast, naive, model`` from the forecaster's rows (``unique_id, ds, forecast``
    [, model]) and the history it saw (``unique_id, ds, y``); units per day."""
    as_of = pd.Timestamp(history["ds"].max()).normalize()
    days = pd.to_datetime(forecasts["ds"]).dt.normalize()
    ahead = (days - as_of).dt.days.clip(lower=1)
    lag = season_length * np.ceil(ahead / season_length).astype(int)
    source_day = days - pd.to_timedelta(lag, unit="D")
    sold = history.assign(ds=pd.to_datetime(history["ds"]).dt.normalize()).groupby(["unique_id", "ds"])["y"].sum()
    index = pd.MultiIndex.from_arrays([forecasts["unique_id"].astype(str), source_day])
    naive = sold.reindex(index).fillna(0.0).to_numpy(dtype=float)
    ids = split_unique_id(forecasts["unique_id"])
    return pd.DataFrame(
        {
            "sku": ids["sku"].to_numpy(),
            "location": ids["location"].to_numpy(),
            "day": days.dt.date.to_numpy(),
            "forecast": forecasts["forecast"].astype(float).clip(lower=0.0).to_numpy(),
            "naive": np.clip(naive, 0.0, None),
            "model": forecasts["model"].astype(str).to_numpy() if "model" in forecasts else None,
        }
    )


def daily_actuals(history: pd.DataFrame, *, wanted: pd.DataFrame) -> pd.DataFrame:
    """Actual units for each wanted ``sku, location, day`` whose location's sales have arrived for that day.

    ``history`` is the long frame ``unique_id, ds, y``. A location's sales have arrived up to its own last sales
    date: a day up to it without a row for a series counts as 0 units; later days (a store whose feed is late)
    are left out, so they get their actual when the feed catches up.
    """
    if wanted.empty or history.empty:
        return pd.DataFrame(columns=["sku", "location", "day", "actual"])
    ids = split_unique_id(history["unique_id"])
    sold = pd.DataFrame(
        {
            "sku": ids["sku"].to_numpy(),
            "location": ids["location"].to_numpy(),
            "day": pd.to_datetime(history["ds"]).dt.normalize().to_numpy(),
            "actual": history["y"].astype(float).to_numpy(),
        }
    )
    arrived = sold.groupby("location")["day"].max()
    first = sold["day"].min()
    days = pd.to_datetime(wanted["day"])
    last = wanted["location"].astype(str).map(arrived)
    known = wanted[(days >= first) & last.notna() & (days <= last)]
    totals = sold.groupby(["sku", "location", "day"])["actual"].sum()
    index = pd.MultiIndex.from_arrays(
        [known["sku"].astype(str), known["location"].astype(str), pd.to_datetime(known["day"])]
    )
    out = known[["sku", "location", "day"]].copy()
    out["actual"] = totals.reindex(index).fillna(0.0).to_numpy(dtype=float)
    return out.reset_index(drop=True)
