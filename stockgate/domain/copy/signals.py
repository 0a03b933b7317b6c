"""Per-SKU numbers behind copy candidates, summed over locations: stock, forecast demand, recent sales, prices.

All functions take contract frames (see stockgate.domain.contracts) and return frames indexed by ``sku``.
Units are units; demand is per week; days are calendar days.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from stockgate.domain.contracts import UNIQUE_ID_SEP


def period_days(freq: str) -> int:
    """Calendar days per period: ``"D"`` -> 1, ``"W-MON"`` -> 7."""
    return 7 if freq.upper().startswith("W") else 1


def stock_by_sku(inventory: pd.DataFrame) -> pd.DataFrame:
    """``on_hand``, ``on_order`` and ``stock_units`` (on hand + on order - backorders) per SKU, over locations."""
    inv = inventory.assign(
        on_order=inventory.get("on_order", 0.0),
        backorders=inventory.get("backorders", 0.0),
    ).fillna({"on_order": 0.0, "backorders": 0.0})
    grouped = inv.groupby("sku")[["on_hand", "on_order", "backorders"]].sum()
    grouped["stock_units"] = grouped["on_hand"] + grouped["on_order"] - grouped["backorders"]
    return grouped


def weekly_demand_by_sku(forecast: pd.DataFrame, *, freq: str) -> pd.Series:
    """Mean forecast demand per week per SKU over the forecast horizon (column ``forecast``), over locations."""
    if "sku" in forecast.columns:
        sku = forecast["sku"].astype(str)
    else:
        sku = forecast["unique_id"].astype(str).str.rsplit(UNIQUE_ID_SEP, n=1).str[-1]
    per_period = forecast.assign(sku=sku).groupby(["sku", "ds"])["forecast"].sum().clip(lower=0)
    mean_per_period = per_period.groupby(level="sku").mean()
    return (mean_per_period * 7 / period_days(freq)).rename("weekly_demand")


def period_units(sales: pd.DataFrame, *, as_of: date, days: int, freq: str) -> pd.Series:
    """Units per period (summed over rows) over the ``days`` days ending on ``as_of``; missing days count 0.

    Daily data gets every calendar day; weekly data gets the week dates present in the window.
    """
    end = pd.Timestamp(as_of)
    start = end - pd.Timedelta(days=days - 1)
    window = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    per_date = window.groupby("date")["units"].sum()
    if period_days(freq) == 1:
        return per_date.reindex(pd.date_range(start, end, freq="D"), fill_value=0.0)
    return per_date.sort_index()


def window_units(sales: pd.DataFrame, *, start: date, end: date) -> pd.Series:
    """Units sold per SKU from ``start`` to ``end`` inclusive, over locations."""
    mask = (sales["date"] >= pd.Timestamp(start)) & (sales["date"] <= pd.Timestamp(end))
    return sales[mask].groupby("sku")["units"].sum()


def recent_price_by_sku(sales: pd.DataFrame, *, as_of: date, days: int) -> pd.Series:
    """Median selling price per SKU over the last ``days`` days, promotion days and days without sales left out."""
    if "price" not in sales.columns:
        return pd.Series(dtype=float, name="price")
    start = pd.Timestamp(as_of) - pd.Timedelta(days=days - 1)
    recent = sales[(sales["date"] >= start) & (sales["date"] <= pd.Timestamp(as_of)) & (sales["units"] > 0)]
    if "promo" in recent.columns:
        recent = recent[~recent["promo"].fillna(False).astype(bool)]
    return recent.dropna(subset=["price"]).groupby("sku")["price"].median()


def longest_zero_run(values: list[float]) -> tuple[int, int]:
    """Length and end index (exclusive) of the longest run of zeros; ``(0, 0)`` when there is none."""
    best, best_end, run = 0, 0, 0
    for i, value in enumerate(values):
        run = run + 1 if value <= 0 else 0
        if run > best:
            best, best_end = run, i + 1
    return best, best_end
