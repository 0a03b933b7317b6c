"""Probabilistic forecasts from calibrated backtest residuals, per period and summed over windows.

Demand in a period is modelled as a gamma variable with the point forecast ``f`` as mean and variance
``c * phi_i * f`` (``phi_i``: the series' squared backtest error per unit forecast, shrunk to the pooled value;
``c``: one factor that makes the backtest P10-P90 interval cover 80 %). Errors of one series share a level
error across periods, so a window sum has variance ``g(L) * (sum(phi f) + kappa * ((sum f)^2 - sum f^2))``,
``kappa`` pooled from backtest window sums. ``g(L)`` is calibrated on backtest window sums of length ``L`` itself
(2, 4, 7, 14, 28, 56 periods, interpolated in log length; ``g(1) = c``) so that their P10-P90 covers 80 % and
their P5-P95 90 %: the daily factor ``c`` is not reused for windows, whose errors partly cancel. What a variance
factor cannot fix (a bias, a skew) is then corrected per length by the probability integral transform (PIT) of
those backtest window sums: the window's ``q`` quantile is the gamma's quantile at the level below which a share
``q`` of backtest windows fell (shrunk to ``q`` with the weight of 100 windows). Daily quantiles are untouched and
do not add up to a window quantile; this does not try to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)
WINDOW_LENGTHS = (2, 4, 7, 14, 28, 56)
PIT_GRID = (0.005, 0.01, 0.025, *(round(0.05 * k, 2) for k in range(1, 20)), 0.975, 0.99, 0.995)
PIT_SHRINK = 100.0


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
    """Per-series dispersion ``phi`` (variance per unit of mean), pooled level covariance ``kappa``, daily factor
    ``c``, and for windows of ``window_lengths`` periods their factors ``window_c`` (none: ``c`` for all) and the
    gamma levels ``window_pit`` to use for the levels of ``PIT_GRID`` (none: the level itself)."""

    phi: np.ndarray
    kappa: float
    c: float = 1.0
    window_lengths: tuple[int, ...] = ()
    window_c: tuple[float, ...] = ()
    window_pit: tuple[tuple[float, ...], ...] = ()

    def window_factor(self, length: np.ndarray) -> np.ndarray:
        """Variance factor for windows of ``length`` periods: ``c`` at 1, calibrated values interpolated in log
        length, flat beyond the longest calibrated length."""
        xs = np.log(np.array((1, *self.window_lengths), dtype=float))
        ys = np.array((self.c, *self.window_c), dtype=float)
        return np.interp(np.log(np.maximum(np.asarray(length, dtype=float), 1.0)), xs, ys)

    def window_level(self, q: float, length: np.ndarray) -> np.ndarray:
        """Gamma level giving the calibrated ``q`` quantile of windows of ``length`` periods: ``q`` itself at
        length 1 and without a PIT map, otherwise interpolated in ``q`` and in log length (flat beyond)."""
        length = np.asarray(length, dtype=float)
        if not self.window_pit:
            return np.full(length.shape, q)
        grid = (0.0, *PIT_GRID, 1.0)
        mapped = [float(np.interp(q, grid, (0.0, *levels, 1.0))) for levels in self.window_pit]
        xs = np.log(np.array((1, *self.window_lengths), dtype=float))
        return np.interp(np.log(np.maximum(length, 1.0)), xs, np.array((q, *mapped)))


def gamma_quantiles(mean: np.ndarray, var: np.ndarray, qs: Sequence[float]) -> dict[float, np.ndarray]:
    """Quantiles of a gamma with the given mean and variance (0 where the mean is 0)."""
    mean = np.maximum(np.nan_to_num(mean), 0.0)
    var = np.maximum(np.nan_to_num(var), 1e-12)
    pos = mean > 1e-9
    shape = np.where(pos, mean**2 / var, 1.0)
    scale = np.where(pos, var / np.where(pos, mean, 1.0), 1.0)
    from scipy import stats  # on first use: scipy.stats is slow to import

    return {q: np.where(pos, stats.gamma.ppf(q, shape, scale=scale), 0.0) for q in qs}


def window_quantiles(
    total: np.ndarray, var: np.ndarray, unc: Uncertainty, length: np.ndarray, qs: Sequence[float]
) -> dict[float, np.ndarray]:
    """Calibrated quantiles of window sums with mean ``total`` and variance ``var`` (``window_moments``)."""
    out = {}
    for q in qs:
        levels = unc.window_level(q, length)
        values = np.zeros(len(levels))
        for level in np.unique(levels):
            at = levels == level
            values[at] = gamma_quantiles(total[at], var[at], (level,))[level]
        out[q] = values
    return out


def fit_uncertainty(
    actual: np.ndarray,
    forecast: np.ndarray,
    *,
    shrink: float = 28.0,
    coverage: float = 0.8,
    sample: int = 50_000,
    seed: int = 0,
    window_lengths: Sequence[int] = WINDOW_LENGTHS,
) -> Uncertainty:
    """Fit ``phi``, ``kappa``, ``c`` and the window factors from backtest actuals and forecasts (n x windows x h,
    NaN = no actual)."""
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
    lengths, factors, pits = [], [], []
    for length in window_lengths:
        fitted = _calibrate_window(actual, forecast, ok, phi, kappa, length=length, seed=seed)
        if fitted is not None:
            lengths.append(int(length))
            factors.append(fitted[0])
            pits.append(fitted[1])
    return Uncertainty(phi, kappa, c, tuple(lengths), tuple(factors), tuple(pits))


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


def _window_sums(
    actual: np.ndarray, forecast: np.ndarray, ok: np.ndarray, length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Series index, actual sum, forecast sum and sum of squared forecasts of the backtest windows of ``length``
    periods (back to back from each block's start), only windows with every actual known."""
    n, blocks, h = actual.shape
    k = h // length
    if k == 0:
        return np.empty(0, dtype=int), np.empty(0), np.empty(0), np.empty(0)
    shape = (n, blocks, k, length)
    a = np.where(ok, actual, 0.0)[:, :, : k * length].reshape(shape).sum(axis=3)
    f = np.where(ok, np.maximum(forecast, 0.0), 0.0)[:, :, : k * length].reshape(shape)
    full = ok[:, :, : k * length].reshape(shape).all(axis=3) & (f.sum(axis=3) > 1e-9)
    rows = np.broadcast_to(np.arange(n)[:, None, None], full.shape)
    return rows[full], a[full], f.sum(axis=3)[full], (f**2).sum(axis=3)[full]


def _calibrate_window(
    actual: np.ndarray,
    forecast: np.ndarray,
    ok: np.ndarray,
    phi: np.ndarray,
    kappa: float,
    *,
    length: int,
    seed: int,
    sample: int = 5_000,
    iterations: int = 16,
) -> tuple[float, tuple[float, ...]] | None:
    """Variance factor for backtest window sums of ``length`` periods such that P10-P90 and P5-P95 together cover
    as often as they should (80 % and 90 %; bisection in log factor), and with it the PIT map: the share of those
    windows below each ``PIT_GRID`` level's quantile, shrunk to the level. None with fewer than 50 windows."""
    rows, a, total, squares = _window_sums(actual, forecast, ok, length)
    if len(a) < 50:
        return None
    pick = np.random.default_rng(seed).choice(len(a), size=min(sample, len(a)), replace=False)
    rows, a, total, squares = rows[pick], a[pick], total[pick], squares[pick]
    base = phi[rows] * total + kappa * (total**2 - squares)
    base = np.maximum(base, 1e-12)
    lo, hi = np.log(0.02), np.log(20.0)

    from scipy import stats  # on first use: scipy.stats is slow to import

    def pit(log_factor: float) -> np.ndarray:
        var = np.exp(log_factor) * base
        return np.asarray(stats.gamma.cdf(a, total**2 / var, scale=var / total))

    for _ in range(iterations):
        mid = (lo + hi) / 2
        u = pit(mid)
        inside = np.mean((u >= 0.1) & (u <= 0.9)) - 0.8 + np.mean((u >= 0.05) & (u <= 0.95)) - 0.9
        lo, hi = (mid, hi) if inside < 0 else (lo, mid)
    g = (lo + hi) / 2
    grid = np.array(PIT_GRID)
    weight = len(a) / (len(a) + PIT_SHRINK)
    levels = weight * np.quantile(pit(g), grid) + (1 - weight) * grid
    return float(np.exp(g)), tuple(float(v) for v in np.clip(levels, 1e-4, 1 - 1e-4))


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
    var = unc.window_factor(length) * (unc.phi[rows] * total + unc.kappa * (total**2 - squares))
    return total, var
