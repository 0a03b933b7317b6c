"""Inventory position and projected stock, in units.

Inventory position = on hand + on order due within the horizon - backorders. An open order due after the
horizon (the end of the protection window) cannot help this cycle and is left out; an open order without a due
date is assumed to arrive in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd


def inventory_position(
    *, on_hand: float, backorders: float = 0.0, on_order: float = 0.0, on_order_due: date | None, horizon_end: date
) -> float:
    """Units available to cover demand up to ``horizon_end`` (inclusive), before any new order."""
    due_in_time = on_order_due is None or pd.isna(on_order_due) or on_order_due <= horizon_end
    return float(on_hand) + (float(on_order) if due_in_time else 0.0) - float(backorders)


def project_stock(
    *, start: float, daily_demand: Sequence[float] | np.ndarray, arrivals: dict[int, float] | None = None
) -> np.ndarray:
    """End-of-day stock for each day, from ``start`` units; ``arrivals`` maps a day index to units arriving.

    Arrivals come in at the start of their day. Stock can go negative (unmet demand) so that the chart shows how
    deep a shortage would be.
    """
    demand = np.asarray(daily_demand, dtype=float)
    inflow = np.zeros(len(demand))
    for day, units in (arrivals or {}).items():
        if 0 <= day < len(demand):
            inflow[day] += units
    return start + np.cumsum(inflow - demand)


def stockout_day(projected: np.ndarray) -> int | None:
    """Index of the first day whose projected end-of-day stock is below zero, or None if it never is."""
    below = np.flatnonzero(projected < 0)
    return int(below[0]) if below.size else None


def days_of_cover(units: float, daily_demand: Sequence[float] | np.ndarray) -> float:
    """How many days ``units`` last against the given daily demand (fractional; inf if demand is zero)."""
    demand = np.asarray(daily_demand, dtype=float)
    if units <= 0:
        return 0.0
    cum = np.cumsum(demand)
    if cum.size == 0 or cum[-1] <= units:
        avg = float(demand.mean()) if demand.size and demand.mean() > 0 else 0.0
        return float("inf") if avg == 0 else len(demand) + (units - (cum[-1] if cum.size else 0.0)) / avg
    day = int(np.searchsorted(cum, units, side="right"))
    before = cum[day - 1] if day > 0 else 0.0
    return day + (units - before) / demand[day]
