"""The order-up-to level: demand over lead time plus review period, at a service level, from forecast quantiles.

Daily quantiles do not add up to window quantiles, so the level is read from the forecaster's quantiles of demand
SUMMED over the protection window (``predict_window``). When the supplier's lead-time spread is known, the window
distribution is a mixture over a few lead-time scenarios, each a window of a different length.

Three service measures (units: the order-up-to level is in units of stock position):

- ``cycle``: the probability of no stock-out in a replenishment cycle; level = the alpha-quantile of demand over
  order offset + lead time + review period.
- ``fill_rate_backorder``: the share of demand served from stock when unmet demand waits (backorders); level =
  the smallest S whose expected shortage per cycle, E[(D_{L+R} - S)+] - E[(D_L - S)+], is at most (1 - beta) x
  expected demand per cycle.
- ``fill_rate``: the same share when unmet demand is lost (shops); simulated in ``lost_sales`` because the
  backorder formula overshoots there (see that module).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

ServiceMeasure = Literal["cycle", "fill_rate", "fill_rate_backorder"]

GRID_SIZE = 40
"""Number of equally weighted quantile levels used to describe a window distribution."""


def quantile_grid(extra: Sequence[float] = ()) -> list[float]:
    """Mid-point levels (0.0125, 0.0375, ..., 0.9875) plus any service levels, sorted and unique."""
    mids = [(j + 0.5) / GRID_SIZE for j in range(GRID_SIZE)]
    return sorted({round(q, 6) for q in [*mids, *extra]})


@dataclass(frozen=True)
class WindowDemand:
    """Distribution of demand summed over a window: increasing quantile ``levels`` and their ``values`` (units)."""

    levels: np.ndarray
    values: np.ndarray
    mean: float

    @classmethod
    def from_quantiles(cls, levels: Sequence[float], values: Sequence[float], mean: float) -> WindowDemand:
        """Build from a quantile row; values are made non-negative and non-decreasing (crossing repaired)."""
        lv = np.asarray(levels, dtype=float)
        order = np.argsort(lv)
        vals = np.maximum.accumulate(np.maximum(np.asarray(values, dtype=float)[order], 0.0))
        return cls(levels=lv[order], values=vals, mean=max(float(mean), 0.0))

    def quantile(self, level: float) -> float:
        """The ``level`` quantile (units), interpolated between grid levels."""
        return float(np.interp(level, self.levels, self.values))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """P(D <= x) interpolated on the grid (0 below the first value, 1 above the last)."""
        xp = self.values + np.arange(len(self.values)) * 1e-9
        return np.interp(x, xp, self.levels, left=0.0, right=1.0)

    def expected_excess(self, level: float) -> float:
        """E[(D - level)+] in units, by the mid-point rule over the equally weighted grid."""
        mids = np.asarray(quantile_grid())
        q = np.interp(mids, self.levels, self.values)
        return float(np.mean(np.maximum(q - level, 0.0)))


def mix(parts: Sequence[WindowDemand], weights: Sequence[float]) -> WindowDemand:
    """The mixture of window distributions (lead-time scenarios) with the given probabilities."""
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    if len(parts) == 1:
        return parts[0]
    xs = np.unique(np.concatenate([p.values for p in parts]))
    cdf = sum(wk * p.cdf(xs) for wk, p in zip(w, parts, strict=True))
    levels = parts[0].levels
    xp = np.asarray(cdf) + np.arange(len(xs)) * 1e-12
    values = np.interp(levels, xp, xs)
    mean = float(sum(wk * p.mean for wk, p in zip(w, parts, strict=True)))
    return WindowDemand.from_quantiles(list(levels), list(values), mean)


def lead_time_scenarios(mean_days: float, std_days: float, *, n: int = 15) -> list[tuple[int, float]]:
    """Whole-day lead times with probabilities: one scenario if the spread is unknown (0) or ``n`` <= 1; else the
    normal N(mean, std) rounded to whole days over mean +- 3 std (tails folded into the end days), in at most ``n``
    equally spaced days (a wider step for wide spreads).

    Rounding the whole distribution keeps its variance; rounding a few normal slices does not (4 +- 1 days as five
    slices rounds to 3, 3, 4, 5, 5: variance 0.8 instead of 1.08, and too little protection).
    """
    if std_days <= 0 or n <= 1:
        return [(max(round(mean_days), 0), 1.0)]
    lo = max(math.floor(mean_days - 3 * std_days), 0)
    hi = max(math.ceil(mean_days + 3 * std_days), lo)
    step = max(1, math.ceil((hi - lo + 1) / n))
    days = np.arange(lo, hi + 1, step)
    edges = np.concatenate([[-np.inf], (days[:-1] + days[1:]) / 2, [np.inf]])
    from scipy import stats  # on first use: scipy.stats is slow to import

    probs = np.diff(stats.norm.cdf((edges - mean_days) / std_days))
    return [(int(d), float(p)) for d, p in zip(days, probs, strict=True) if p > 1e-9]


def order_up_to(
    *,
    protection: WindowDemand,
    before_delivery: WindowDemand | None,
    service_level: float,
    measure: ServiceMeasure = "cycle",
) -> float:
    """The order-up-to level S (units of inventory position) for one SKU at one location.

    ``protection`` is demand from now to the delivery after this one (offset + lead time + review period);
    ``before_delivery`` is demand from now until this order arrives (offset + lead time), needed for fill rate.
    """
    if measure == "fill_rate":
        raise ValueError("measure 'fill_rate' (lost sales) is computed by lost_sales.lost_sales_order_up_to")
    if measure == "cycle" or before_delivery is None:
        return protection.quantile(service_level)
    allowed = (1.0 - service_level) * max(protection.mean - before_delivery.mean, 0.0)
    lo, hi = 0.0, float(protection.values[-1])
    for _ in range(40):
        mid = (lo + hi) / 2
        if protection.expected_excess(mid) - before_delivery.expected_excess(mid) <= allowed:
            hi = mid
        else:
            lo = mid
    return hi
