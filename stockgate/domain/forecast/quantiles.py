"""Probabilistic forecasts from calibrated backtest residuals, per period and summed over windows.

Demand in a period is modelled as a gamma variable with the point forecast ``f`` as mean and variance
``c * phi_i * f`` (``phi_i``: the series' squared backtest error per unit forecast, shrunk to the pooled value;
``c``: one factor that makes the backtest P10-P90 interval cover 80 %). Errors of one series share a level
error across periods, so a window sum has variance ``sum(v) + kappa * ((sum f)^2 - sum f^2)``, ``kappa`` pooled
from backtest window sums. Daily quantiles therefore do not add up to a window quantile, and this does not try to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)


def quantile_column(q: float) -> str:
    """Column name of a quantile: ``0.1 -> "p10"``, ``0.975 -> "p97.5"``."""
    if not 0 < q < 1:
        raise ValueError(f"quantile {q} is not between 0 and 1 (exclusive); use for example 0.9")
    return f"p{round(q * 100, 6):g}"


def with_defaults(quantiles: Sequence[float]) -> list[float]:
    """The requested quantiles plus P10, P50 and P90, sorted, without duplicates."""
    return sorted({round(float(q), 6) for q in (*DEFAULT_QUANTILES, *quantiles)})


@dataclass(frozen=True)
class Uncertainty:
    """Per-series dispersion ``phi`` (variance per unit of mean), pooled level covariance ``kappa``, factor ``c``."""

    phi: np.ndarray
    kappa: float
    c: float = 1.0


def gamma_quantiles(mean: np.ndarray, var: np.ndarray, qs: Sequence[float]) -> dict[float, np.ndarray]:
    """Quantiles of a gamma with the given mean and variance (0 where the mean is 0)."""
    mean = np.maximum(np.nan_to_num(mean), 0.0)
    var = np.maximum(np.nan_to_num(var), 1e-12)
    pos = mean > 1e-9
    shape = np.where(pos, mean**2 / var, 1.0)
    scale = np.where(pos, var / np.where(pos, mean, 1.0), 1.0)
    return {q: np.where(pos, stats.gamma.ppf(q, shape, scale=scale), 0.0) for q in qs}


def fit_uncertainty(
    actual: np.ndarray,
    forecast: np.ndarray,
    *,
    shrink: float = 28.0,
    coverage: float = 0.8,
    sample: int = 50_000,
    seed: int = 0,
) -> Uncertainty:
    """Fit ``phi``, ``kappa`` and ``c`` from backtest actuals and forecasts (n x windows x h, NaN = no actual)."""
    n = actual.shape[0]
    ok = np.isfinite(actual) & np.isfinite(forecast)
    if not ok.any():
        return Uncertainty(np.ones(n), 0.0)
    err2 = np.where(ok, (actual - forecast) ** 2, 0.0)
    f = np.where(ok, np.maximum(forecast, 0.0), 0.0)
    pooled = max(err2.sum() / max(f.sum(), 1e-9), 1e-6)
    count = ok.reshape(n, -1).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(
            f.reshape(n, -1).sum(axis=1) > 0, err2.reshape(n, -1).sum(axis=1) / f.reshape(n, -1).sum(axis=1), pooled
        )
    phi = (count * raw + shrink * pooled) / (count + shrink)
    kappa = _level_covariance(actual, forecast, ok, phi)
    c = _calibrate(actual, forecast, ok, phi, coverage=coverage, sample=sample, seed=seed)
    return Uncertainty(phi, kappa, c)


def _level_covariance(actual: np.ndarray, forecast: np.ndarray, ok: np.ndarray, phi: np.ndarray) -> float:
    f = np.where(ok, np.maximum(forecast, 0.0), 0.0)
    e = np.where(ok, actual - forecast, 0.0)
    excess = e.sum(axis=2) ** 2 - (phi[:, None] * f.sum(axis=2))
    pairs = f.sum(axis=2) ** 2 - (f**2).sum(axis=2)
    return float(max(excess.sum() / max(pairs.sum(), 1e-9), 0.0))


def _calibrate(
    actual: np.ndarray,
    forecast: np.ndarray,
    ok: np.ndarray,
    phi: np.ndarray,
    *,
    coverage: float,
    sample: int,
    seed: int,
) -> float:
    idx = np.argwhere(ok & (forecast > 1e-9))
    if len(idx) < 50:
        return 1.0
    idx = idx[np.random.default_rng(seed).choice(len(idx), size=min(sample, len(idx)), replace=False)]
    a, f, p = actual[tuple(idx.T)], forecast[tuple(idx.T)], phi[idx[:, 0]]
    lo, hi = (1 - coverage) / 2, (1 + coverage) / 2
    grid = np.exp(np.linspace(np.log(0.3), np.log(4.0), 25))
    cover = []
    for c in grid:
        q = gamma_quantiles(f, c * p * f, (lo, hi))
        cover.append(np.mean((a >= q[lo]) & (a <= q[hi])))
    return float(grid[int(np.argmin(np.abs(np.array(cover) - coverage)))])


def daily_quantiles(mean: np.ndarray, unc: Uncertainty, qs: Sequence[float]) -> dict[float, np.ndarray]:
    """Quantiles per series and period (n x h) of demand in that period."""
    return gamma_quantiles(mean, unc.c * unc.phi[:, None] * np.maximum(mean, 0.0), qs)


def window_moments(
    mean: np.ndarray, unc: Uncertainty, rows: np.ndarray, start: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of demand summed over periods ``start..start+length-1`` of series ``rows``."""
    cum = np.hstack([np.zeros((mean.shape[0], 1)), np.cumsum(np.maximum(mean, 0.0), axis=1)])
    cum2 = np.hstack([np.zeros((mean.shape[0], 1)), np.cumsum(np.maximum(mean, 0.0) ** 2, axis=1)])
    end = start + length
    total = cum[rows, end] - cum[rows, start]
    squares = cum2[rows, end] - cum2[rows, start]
    var = unc.c * (unc.phi[rows] * total + unc.kappa * (total**2 - squares))
    return total, var
