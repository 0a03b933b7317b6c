"""Ask the forecast for what planning needs: window quantiles per lead-time scenario, and daily paths.

Window starts count forecast periods after the sales cutoff (start 0 = the day after the last sale), so a stock
snapshot taken after the last sale shifts every window by the gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stockgate.domain.replenish.demand import DemandForecast, quantile_column
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.orders import SupplierTerms
from stockgate.domain.replenish.policy import ServiceMeasure, WindowDemand, lead_time_scenarios, mix, order_up_to

if TYPE_CHECKING:
    from stockgate.domain.replenish.lost_sales import DailyMeans, Schedule


@dataclass(frozen=True)
class WindowRequest:
    """The windows of one line: protection (to the delivery after this one), before delivery, shelf life, and the
    supplier's order schedule from this order (for the lost-sales simulation)."""

    start: int
    protection: list[tuple[int, float]]
    before_delivery: list[tuple[int, float]]
    shelf: int | None
    schedule: Schedule | None = None
    offset: int = 0


def request_for(
    line: PlannedLine, *, terms: SupplierTerms, cutoff: date, scenarios: int, shelf_life_days: float | None
) -> WindowRequest:
    """Window lengths (days) and probabilities for one line, with lead-time scenarios when the spread is known."""
    from stockgate.domain.replenish.lost_sales import Schedule  # on first use: it loads scipy

    start = max((line.first_day - cutoff).days - 1, 0)
    offset = (line.order_date - line.first_day).days
    leads = lead_time_scenarios(terms.lead_time_mean_days, terms.lead_time_std_days, n=scenarios)
    shelf = None if shelf_life_days is None else offset + terms.lead_time_days + int(shelf_life_days)
    return WindowRequest(
        start=start,
        protection=[(offset + lt + line.review_days, p) for lt, p in leads],
        before_delivery=[(max(offset + lt, 1), p) for lt, p in leads],
        shelf=shelf,
        schedule=Schedule(*terms.review_schedule(line.order_date)),
        offset=offset,
    )


def windows_frame(requests: dict[str, WindowRequest]) -> pd.DataFrame:
    """Every distinct (unique_id, start, length) the requests need, for one ``predict_window`` call."""
    rows: set[tuple[str, int, int]] = set()
    for uid, req in requests.items():
        lengths = [n for n, _ in req.protection + req.before_delivery] + ([req.shelf] if req.shelf else [])
        rows.update((uid, req.start, n) for n in lengths)
    return pd.DataFrame(sorted(rows), columns=["unique_id", "start", "length"])


def most_likely(scenarios: list[tuple[int, float]]) -> int:
    """The window length of the most likely lead-time scenario."""
    return max(scenarios, key=lambda s: s[1])[0]


def protection_level(
    table: WindowTable,
    unique_id: str,
    req: WindowRequest,
    *,
    service_level: float,
    measure: ServiceMeasure,
    daily_means: DailyMeans | None = None,
) -> tuple[float, WindowDemand, WindowDemand]:
    """(order-up-to level, protection window, before-delivery window) for one line and measure; ``daily_means``
    (units/day from the window start) give the lost-sales simulation its weekday pattern."""
    protection = table.mixture(unique_id, req.start, req.protection)
    before = table.mixture(unique_id, req.start, req.before_delivery)
    if measure != "fill_rate":
        level = order_up_to(protection=protection, before_delivery=before, service_level=service_level, measure=measure)
        return level, protection, before
    from stockgate.domain.replenish.lost_sales import lost_sales_order_up_to, series_seed  # loads scipy

    long_days, short_days = most_likely(req.protection), most_likely(req.before_delivery)
    level = lost_sales_order_up_to(
        short=table.get(unique_id, req.start, short_days),
        long=table.get(unique_id, req.start, long_days),
        long_days=long_days,
        leads=req.before_delivery,
        review_days=long_days - short_days,
        target=service_level,
        seed=series_seed(unique_id),
        daily_means=daily_means,
        schedule=req.schedule,
        offset=req.offset,
    )
    return level, protection, before


class WindowTable:
    """Window distributions looked up by (unique_id, start, length) from a ``predict_window`` result."""

    def __init__(self, result: pd.DataFrame, quantiles: Sequence[float]) -> None:
        self.levels = list(quantiles)
        cols = [quantile_column(q) for q in self.levels]
        keys = zip(result["unique_id"], result["start"].astype(int), result["length"].astype(int), strict=True)
        values = result[cols].to_numpy(dtype=float)
        means = result["mean"].to_numpy(dtype=float)
        self.rows = {k: (values[i], means[i]) for i, k in enumerate(keys)}
        self.ids = {k[0] for k in self.rows}

    def has(self, unique_id: str) -> bool:
        """True when the forecast covers this series."""
        return unique_id in self.ids

    def get(self, unique_id: str, start: int, length: int) -> WindowDemand:
        """The distribution of one window."""
        values, mean = self.rows[(unique_id, start, length)]
        return WindowDemand.from_quantiles(self.levels, values, mean)

    def mixture(self, unique_id: str, start: int, scenarios: list[tuple[int, float]]) -> WindowDemand:
        """Mixture over lead-time scenarios (length, probability)."""
        parts = [self.get(unique_id, start, n) for n, _ in scenarios]
        return mix(parts, [p for _, p in scenarios])


def daily_paths(
    forecast: DemandForecast, *, starts: dict[str, int], horizon: int, at_least: int = 1
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per series: daily mean, P10 and P90 (units/day) from its start period for ``horizon`` days (the forecast
    is asked for at least ``at_least`` periods)."""
    frame = forecast.predict(max(max(starts.values(), default=0) + horizon, at_least), quantiles=(0.1, 0.9))
    lo, hi = quantile_column(0.1), quantile_column(0.9)
    out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for uid, grp in frame.sort_values(["unique_id", "ds"]).groupby("unique_id", sort=False):
        if uid not in starts:
            continue
        s = starts[str(uid)]
        cut = grp.iloc[s : s + horizon]
        mean, low, high = (np.maximum(cut[c].to_numpy(dtype=float), 0.0) for c in ("forecast", lo, hi))
        out[str(uid)] = (mean, low, high)
    return out
