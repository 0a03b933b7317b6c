"""Rolling-origin backtests: forecast the last ``windows`` blocks of ``h`` periods from data before each block.

Errors are scaled as in M5: RMSSE = sqrt(mean squared error / mean squared one-step change of the history).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Forecast = Callable[[np.ndarray, int, int], np.ndarray]
"""A model run: ``(y up to and including origin, origin index, h) -> n x h units``."""


def rmsse_scale(y: np.ndarray) -> np.ndarray:
    """Per series: mean squared one-step change over the active history (1.0 where there is none or it is 0)."""
    diff = np.diff(y, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        scale = np.nanmean(diff**2, axis=1)
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)


def rmsse(actual: np.ndarray, forecast: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """RMSSE per series over the last axis (or last two), ignoring periods where the actual is NaN."""
    err = (actual - forecast) ** 2
    axes = tuple(range(1, err.ndim))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.sqrt(np.nanmean(err, axis=axes) / scale)


def backtest_origins(last: int, *, h: int, windows: int, min_history: int) -> list[int]:
    """Origins (period indices) of up to ``windows`` consecutive blocks ending at ``last``, oldest first."""
    origins = [last - h * k for k in range(windows, 0, -1)]
    return [o for o in origins if o + 1 >= min_history]


@dataclass
class Backtest:
    """Forecasts and actuals (n x windows x h) per model, with per-series RMSSE and fallback notes."""

    origins: list[int]
    actual: np.ndarray
    scale: np.ndarray
    forecasts: dict[str, np.ndarray] = field(default_factory=dict)
    notes: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, name: str, forecasts: np.ndarray, notes: np.ndarray | None = None) -> None:
        """Record a model's backtest forecasts (n x windows x h) and per-series notes."""
        self.forecasts[name] = forecasts
        if notes is not None:
            self.notes[name] = notes

    def scores(self) -> dict[str, np.ndarray]:
        """RMSSE per series for each model (NaN where a model did not run for a series)."""
        return {name: rmsse(self.actual, f, self.scale) for name, f in self.forecasts.items()}


def start_backtest(y: np.ndarray, *, h: int, windows: int, min_history: int) -> Backtest:
    """An empty backtest over the last ``windows`` blocks of ``h`` periods of ``y`` (n x T)."""
    last = y.shape[1] - 1
    origins = backtest_origins(last, h=h, windows=windows, min_history=min_history)
    actual = np.stack([y[:, o + 1 : o + 1 + h] for o in origins], axis=1) if origins else np.empty((len(y), 0, h))
    scale = rmsse_scale(y[:, : origins[0] + 1]) if origins else np.ones(len(y))
    return Backtest(origins, actual, scale)


def run_local(bt: Backtest, y: np.ndarray, model: Forecast, h: int) -> np.ndarray:
    """n x windows x h forecasts of a local model, one run per origin."""
    if not bt.origins:
        return np.empty((len(y), 0, h))
    return np.stack([model(y[:, : o + 1], o, h) for o in bt.origins], axis=1)
