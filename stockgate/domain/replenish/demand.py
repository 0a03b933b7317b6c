"""What planning needs from a forecast, as a small Protocol, and an honest fake with exact answers.

The real ``stockgate.domain.forecast.Forecaster`` satisfies :class:`DemandForecast`. :class:`PoissonDemand` is a
tiny model whose demand is Poisson with known daily means, so its window quantiles are exact: tests and examples
use it instead of a mock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol

import numpy as np
import pandas as pd


class DemandForecast(Protocol):
    """A fitted demand forecast: per-period quantiles and quantiles of demand summed over windows."""

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Rows ``unique_id, ds, forecast, pNN...`` for the ``h`` periods after the cutoff (units per period)."""
        ...

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float]) -> pd.DataFrame:
        """Rows ``unique_id, start, length, mean, pNN...``: demand summed over periods start..start+length-1."""
        ...


def quantile_column(q: float) -> str:
    """Column name of a quantile, as the forecaster names it: 0.1 -> ``p10``, 0.975 -> ``p97.5``."""
    return f"p{round(q * 100, 6):g}"


class PoissonDemand:
    """Demand that is Poisson with known daily means per series; window quantiles are exact.

    ``means`` maps ``unique_id`` to one mean (units/day) or a sequence of daily means starting at the first
    forecast day (the last value repeats beyond its end). ``cutoff`` is the last day of history.
    """

    model = "poisson"

    def __init__(self, means: Mapping[str, float | Sequence[float]], *, cutoff: date) -> None:
        self.means = {uid: np.atleast_1d(np.asarray(m, dtype=float)) for uid, m in means.items()}
        self.cutoff = cutoff

    def daily_means(self, unique_id: str, start: int, length: int) -> np.ndarray:
        """Mean demand of periods start..start+length-1 (units per day)."""
        m = self.means[unique_id]
        idx = np.minimum(np.arange(start, start + length), len(m) - 1)
        return m[idx] if length > 0 else np.zeros(0)

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Daily means and exact Poisson quantiles for ``h`` days after the cutoff."""
        from scipy import stats  # on first use: scipy.stats is slow to import

        rows = []
        for uid in self.means:
            mu = self.daily_means(uid, 0, h)
            frame = pd.DataFrame({"unique_id": uid, "ds": self._dates(h), "forecast": mu})
            for q in quantiles:
                frame[quantile_column(q)] = stats.poisson.ppf(q, mu)
            rows.append(frame.assign(model=self.model))
        return pd.concat(rows, ignore_index=True)

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float]) -> pd.DataFrame:
        """Exact quantiles of the summed demand (a sum of Poisson variables is Poisson)."""
        from scipy import stats

        out = windows[["unique_id", "start", "length"]].copy()
        out["mean"] = [
            float(self.daily_means(uid, int(s), int(n)).sum())
            for uid, s, n in zip(out["unique_id"], out["start"], out["length"], strict=True)
        ]
        for q in quantiles:
            out[quantile_column(q)] = stats.poisson.ppf(q, out["mean"].to_numpy())
        return out

    def _dates(self, h: int) -> pd.DatetimeIndex:
        return pd.date_range(pd.Timestamp(self.cutoff + timedelta(days=1)), periods=h, freq="D")
