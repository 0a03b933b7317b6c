"""Service-level classes: ABC by revenue, XYZ by variability of weekly demand, and the target for each pair.

- ABC: series sorted by revenue (units x price over the last ``lookback_days``); A = the series making the first
  80 % of revenue, B = the next 15 %, C = the rest.
- XYZ: coefficient of variation of weekly units over the same period; X below 0.5, Y below 1.0, Z otherwise.
- The service level of a pair (for example "AX" 0.98) comes from :class:`ServiceLevels`, which a planner can
  configure; the defaults protect the sellers that matter and are predictable, and hold less of the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEFAULT_TARGETS: dict[str, float] = {
    "AX": 0.98,
    "AY": 0.97,
    "AZ": 0.95,
    "BX": 0.96,
    "BY": 0.95,
    "BZ": 0.93,
    "CX": 0.93,
    "CY": 0.92,
    "CZ": 0.90,
}


@dataclass(frozen=True)
class ServiceLevels:
    """Class boundaries and the target service level per class (probability, 0-1)."""

    targets: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    abc_shares: tuple[float, float] = (0.80, 0.95)
    xyz_cv: tuple[float, float] = (0.5, 1.0)
    lookback_days: int = 364
    override: float | None = None

    def target(self, service_class: str) -> float:
        """Target for a class such as "AX"; ``override`` (one level for everything) wins when set."""
        if self.override is not None:
            return self.override
        return float(self.targets.get(service_class, min(self.targets.values())))


def abc_classes(revenue: pd.Series, *, shares: tuple[float, float] = (0.80, 0.95)) -> pd.Series:
    """A/B/C per index label from revenue (currency): A up to ``shares[0]`` of cumulative revenue, B up to
    ``shares[1]``, C the rest (the series crossing a boundary stays in the higher class)."""
    ordered = revenue.fillna(0).clip(lower=0).sort_values(ascending=False, kind="stable")
    total = float(ordered.sum())
    if total <= 0:
        return pd.Series("C", index=revenue.index, dtype="str")
    before = (ordered.cumsum() - ordered) / total
    labels = np.where(before < shares[0], "A", np.where(before < shares[1], "B", "C"))
    return pd.Series(labels, index=ordered.index, dtype="str").reindex(revenue.index)


def xyz_classes(weekly_cv: pd.Series, *, limits: tuple[float, float] = (0.5, 1.0)) -> pd.Series:
    """X/Y/Z per index label from the coefficient of variation of weekly units (NaN counts as Z)."""
    cv = weekly_cv.fillna(np.inf)
    return pd.Series(np.where(cv < limits[0], "X", np.where(cv < limits[1], "Y", "Z")), index=cv.index, dtype="str")


def classify(sales: pd.DataFrame, *, prices: Mapping[str, float], levels: ServiceLevels) -> pd.DataFrame:
    """Per ``unique_id``: revenue, weekly_cv, abc, xyz, service_class and service_level.

    ``sales`` is the long frame ``unique_id, ds, y``; ``prices`` maps unique_id to the selling price used for
    revenue (catalog price).
    """
    recent = sales[sales["ds"] > sales["ds"].max() - pd.Timedelta(days=levels.lookback_days)]
    units = recent.groupby("unique_id")["y"].sum()
    revenue = units * pd.Series(prices, dtype=float).reindex(units.index).fillna(0.0)
    weekly = recent.groupby(["unique_id", pd.Grouper(key="ds", freq="W")])["y"].sum()
    stats = weekly.groupby(level="unique_id").agg(["mean", "std"])
    cv = (stats["std"] / stats["mean"].where(stats["mean"] > 0)).reindex(units.index)
    out = pd.DataFrame({"revenue": revenue, "weekly_cv": cv})
    out["abc"] = abc_classes(out["revenue"], shares=levels.abc_shares)
    out["xyz"] = xyz_classes(out["weekly_cv"], limits=levels.xyz_cv)
    out["service_class"] = out["abc"] + out["xyz"]
    out["service_level"] = [levels.target(c) for c in out["service_class"]]
    return out.rename_axis("unique_id").reset_index()
