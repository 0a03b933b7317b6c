"""The inventory bench's stand-in forecaster (NOT Stockgate's), used with ``--forecaster simple`` or when the
package's forecaster cannot be imported: recent level x weekday profile x last year's seasonal ratio, normal window
quantiles with a dispersion and level error calibrated on a backtest before each cutoff."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from stockgate.domain.replenish.demand import quantile_column


class SimpleForecaster:
    """Bench-only stand-in forecaster (NOT Stockgate's): level x weekday profile x yearly ratio, normal quantiles."""

    model = "simple-seasonal"

    def __init__(self, matrix: np.ndarray, dates: pd.DatetimeIndex, ids: Sequence[str]) -> None:
        self.y, self.dates, self.ids = matrix, dates, list(ids)
        self.phi, self.kappa2 = self._calibrate()

    def _means(self, y: np.ndarray, h: int) -> np.ndarray:
        """Daily means (series x h) for the h days after the last column of ``y``."""
        t, w0 = y.shape[1], self.dates[0].weekday()
        level = y[:, -28:].mean(axis=1, keepdims=True)
        recent = y[:, -56:]
        weekday = (w0 + np.arange(t - 56, t)) % 7
        prof = np.stack([recent[:, weekday == k].mean(axis=1) for k in range(7)], axis=1)
        prof_h = (prof / recent.mean(axis=1, keepdims=True))[:, (w0 + t + np.arange(h)) % 7]
        ratios = []
        for lag in (364, 728):
            if t - lag - 28 >= 0 and h + 4 <= lag:
                base = y[:, t - lag - 28 : t - lag].mean(axis=1, keepdims=True)
                fut = np.stack([y[:, t - lag + j - 3 : t - lag + j + 4].mean(axis=1) for j in range(h)], axis=1)
                ratios.append(fut / np.maximum(base, 1e-9))
        yearly = np.mean(ratios, axis=0) if ratios else np.ones((y.shape[0], h))
        return np.maximum(level * prof_h * yearly, 0.0)

    def _calibrate(self) -> tuple[float, float]:
        """Daily dispersion and squared relative level error of 14-day sums, from 8 weekly origins before the cutoff."""
        t = self.y.shape[1]
        phis, rel = [], []
        for k in range(1, 9):
            origin = t - 14 - 7 * k
            m = self._means(self.y[:, :origin], 14)
            a = self.y[:, origin : origin + 14]
            phis.append(np.mean((a - m) ** 2) / np.mean(m))
            ms, as_ = m.sum(axis=1), a.sum(axis=1)
            rel.append(((as_ - ms) ** 2 - np.mean(phis) * ms) / ms**2)
        return float(np.mean(phis)), max(float(np.mean(rel)), 0.0)

    def _window_sd(self, mean: np.ndarray) -> np.ndarray:
        return np.sqrt(self.phi * mean + self.kappa2 * mean**2)

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Daily means and normal quantiles."""
        m = self._means(self.y, h)
        out = pd.DataFrame({"unique_id": np.repeat(self.ids, h), "forecast": m.ravel()})
        out["ds"] = np.tile(pd.date_range(self.dates[-1] + pd.Timedelta(days=1), periods=h), len(self.ids))
        for q in quantiles:
            out[quantile_column(q)] = np.maximum(m.ravel() + stats.norm.ppf(q) * self._window_sd(m.ravel()), 0)
        return out

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float]) -> pd.DataFrame:
        """Quantiles of window sums: normal with variance phi x mean + kappa^2 x mean^2."""
        h = int((windows["start"] + windows["length"]).max())
        cum = np.concatenate([np.zeros((len(self.ids), 1)), np.cumsum(self._means(self.y, h), axis=1)], axis=1)
        row = pd.Index(self.ids).get_indexer(windows["unique_id"])
        s, n = windows["start"].to_numpy(), windows["length"].to_numpy()
        out = windows[["unique_id", "start", "length"]].copy()
        out["mean"] = cum[row, s + n] - cum[row, s]
        sd = self._window_sd(out["mean"].to_numpy())
        for q in quantiles:
            out[quantile_column(q)] = np.maximum(out["mean"] + stats.norm.ppf(q) * sd, 0)
        return out
