"""Exponential smoothing per series with statsmodels, guarded: a fit that fails or explodes falls back.

The form is additive error, damped additive trend and additive season (weekly for daily data); history is cut to
the last ``max_history`` periods because older data cannot change a smoothed level and costs time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from stockgate.domain.forecast.models.seasonal_naive import seasonal_naive


@dataclass(frozen=True)
class LocalResult:
    """Forecasts (n x h, units per period) and, per series, why a fallback was used ('' when none)."""

    forecast: np.ndarray
    fallback: np.ndarray


def _fit_one(series: np.ndarray, h: int, season_length: int) -> np.ndarray:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = "add" if season_length > 1 and len(series) >= 2 * season_length + 2 else None
    model = ETSModel(
        series,
        error="add",
        trend="add",
        damped_trend=True,
        seasonal=seasonal,
        seasonal_periods=season_length if seasonal else None,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False, maxiter=200)
    forecast = np.asarray(fitted.forecast(h), dtype=float)
    top = max(float(np.max(series)), 1.0)
    if not np.all(np.isfinite(forecast)) or np.max(np.abs(forecast)) > 10 * top:
        raise FloatingPointError(f"forecast left the range of the history (max {np.max(np.abs(forecast)):.3g})")
    return np.maximum(forecast, 0.0)


def ets(y: np.ndarray, *, h: int, season_length: int, max_history: int = 730) -> LocalResult:
    """Damped-trend seasonal ETS per series; series that fail fall back to seasonal naive, with the reason."""
    out = np.zeros((y.shape[0], h))
    reasons = np.full(y.shape[0], "", dtype=object)
    for i, row in enumerate(y):
        series = row[~np.isnan(row)][-max_history:]
        try:
            if len(series) < 10:
                raise ValueError(f"only {len(series)} periods of history")
            out[i] = _fit_one(series, h, season_length)
        except Exception as exc:  # statsmodels raises many types; every one is recorded, never silent
            reasons[i] = f"ets failed ({type(exc).__name__}: {str(exc)[:80]}); used seasonal_naive"
            out[i] = seasonal_naive(row[None, :], h=h, season_length=season_length)[0]
    return LocalResult(out, reasons)
