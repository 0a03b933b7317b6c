"""Quantiles per period and over windows: naming, ordering, and calibration on data with a known distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from stockgate.domain.forecast.quantiles import (
    Uncertainty,
    daily_quantiles,
    fit_uncertainty,
    gamma_quantiles,
    quantile_column,
    window_moments,
    window_quantiles,
)
from tests.forecast_fixtures import fast_forecaster, poisson_series


def test_quantile_column_names() -> None:
    """0.1 -> p10, 0.5 -> p50, 0.975 -> p97.5; values outside (0, 1) are refused."""
    assert [quantile_column(q) for q in (0.1, 0.5, 0.9, 0.975, 0.05)] == ["p10", "p50", "p90", "p97.5", "p5"]
    with pytest.raises(ValueError, match="between 0 and 1"):
        quantile_column(1.5)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.0, 500.0), st.floats(0.05, 20.0))
def test_gamma_quantiles_are_ordered(mean: float, dispersion: float) -> None:
    """Any mean and dispersion give non-negative quantiles in increasing order."""
    q = gamma_quantiles(np.array([mean]), np.array([dispersion * max(mean, 1e-9)]), (0.05, 0.1, 0.5, 0.9, 0.95))
    values = [float(q[k][0]) for k in (0.05, 0.1, 0.5, 0.9, 0.95)]
    assert all(v >= 0 for v in values)
    assert values == sorted(values)


def _simulate(n: int, windows: int, h: int, rate: np.ndarray, shock_sd: float, seed: int) -> np.ndarray:
    """Actuals: Poisson(rate x level shock), one shock per series and window (shared by its periods)."""
    rng = np.random.default_rng(seed)
    shock = rng.lognormal(-(shock_sd**2) / 2, shock_sd, size=(n, windows, 1)) if shock_sd else 1.0
    return rng.poisson(rate[:, None, None] * shock * np.ones((n, windows, h))).astype(float)


def test_window_quantiles_match_known_poisson_sum_not_sum_of_daily_quantiles() -> None:
    """With i.i.d. Poisson days, the 7-day P10/P90 match Poisson(7 x rate) and differ from summed daily quantiles."""
    n, h, rate = 400, 7, np.full(400, 8.0)
    actual = _simulate(n, 4, h, rate, 0.0, seed=1)
    unc = fit_uncertainty(actual, np.full(actual.shape, 8.0))
    assert unc.kappa < 0.01 and 0.85 < unc.c * unc.phi.mean() < 1.15
    mean = np.full((n, h), 8.0)
    total, var = window_moments(mean, unc, np.arange(n), np.zeros(n, dtype=int), np.full(n, h))
    window = gamma_quantiles(total, var, (0.1, 0.9))
    truth = stats.poisson(56)
    assert window[0.9][0] == pytest.approx(truth.ppf(0.9), abs=2.5)
    assert window[0.1][0] == pytest.approx(truth.ppf(0.1), abs=2.5)
    daily = daily_quantiles(mean, unc, (0.1, 0.9))
    assert daily[0.9].sum(axis=1)[0] > window[0.9][0] + 8
    assert daily[0.1].sum(axis=1)[0] < window[0.1][0] - 8
    future = _simulate(n, 1, h, rate, 0.0, seed=2).sum(axis=2)[:, 0]
    assert 0.75 <= np.mean((future >= window[0.1]) & (future <= window[0.9])) <= 0.85


def test_window_quantiles_widen_for_shared_level_errors() -> None:
    """When a level error is shared by the periods of a window, kappa > 0 keeps window intervals calibrated."""
    n, h = 600, 14
    rate = np.random.default_rng(0).uniform(5, 40, n)
    actual = _simulate(n, 3, h, rate, 0.2, seed=3)
    forecast = np.broadcast_to(rate[:, None, None], actual.shape).copy()
    unc = fit_uncertainty(actual, forecast)
    assert unc.kappa > 0.01
    total, var = window_moments(forecast[:, 0, :], unc, np.arange(n), np.zeros(n, dtype=int), np.full(n, h))
    window = gamma_quantiles(total, var, (0.1, 0.9))
    future = _simulate(n, 1, h, rate, 0.2, seed=4).sum(axis=2)[:, 0]
    assert 0.74 <= np.mean((future >= window[0.1]) & (future <= window[0.9])) <= 0.86
    no_shared = Uncertainty(unc.phi, 0.0, unc.c)
    narrow = gamma_quantiles(*window_moments(forecast[:, 0, :], no_shared, np.arange(n), np.zeros(n, dtype=int),
                                             np.full(n, h)), (0.1, 0.9))  # fmt: skip
    assert np.mean((future >= narrow[0.1]) & (future <= narrow[0.9])) < 0.74


def test_predict_window_from_the_forecaster() -> None:
    """predict_window sums periods start..start+length-1; its P90 is below the sum of daily P90s."""
    fc = fast_forecaster().fit(poisson_series(5, 400, rate=10))
    daily = fc.predict(14, quantiles=(0.1, 0.5, 0.9, 0.95))
    assert {"p95"} <= set(daily.columns)
    windows = pd.DataFrame({"unique_id": ["S/0", "S/1"], "start": [0, 7], "length": [7, 7]})
    out = fc.predict_window(windows, quantiles=(0.95,))
    assert list(out.columns) == ["unique_id", "start", "length", "mean", "p10", "p50", "p90", "p95"]
    first = daily[daily["unique_id"] == "S/0"].head(7)
    assert out["mean"].iloc[0] == pytest.approx(first["forecast"].sum())
    assert out["p90"].iloc[0] < first["p90"].sum()
    assert (out["p10"] <= out["p50"]).all() and (out["p90"] <= out["p95"]).all()


def test_backtest_intervals_are_calibrated_on_poisson_data() -> None:
    """On Poisson data the forecaster's P10-P90 covers roughly 80 % of later actual days."""
    sales = poisson_series(30, 430, rate=12, seed=5)
    cutoff = pd.Timestamp("2024-01-01") + pd.Timedelta(days=401)
    out = fast_forecaster().fit(sales, cutoff=cutoff).predict(28)
    merged = out.merge(sales, on=["unique_id", "ds"])
    coverage = np.mean((merged["y"] >= merged["p10"]) & (merged["y"] <= merged["p90"]))
    assert 0.7 <= coverage <= 0.9


def _paired_days(n: int, windows: int, h: int, rate: float, seed: int) -> np.ndarray:
    """Actuals where each pair of days sells Poisson(2 x rate), all of it on one day of the pair, chosen at random:
    a day's variance is rate + rate^2, but any window of whole pairs is exactly Poisson(length x rate)."""
    rng = np.random.default_rng(seed)
    pairs = rng.poisson(2 * rate, size=(n, windows, h // 2)).astype(float)
    first = rng.integers(0, 2, size=pairs.shape).astype(float)
    return np.stack([pairs * first, pairs * (1 - first)], axis=3).reshape(n, windows, h)


def test_window_factor_is_calibrated_on_windows_not_reused_from_days() -> None:
    """Known answer: days far wider than Poisson, windows of whole pairs exactly Poisson(L x rate). The window
    quantiles match Poisson(L x rate); reusing the daily factor (the former behaviour) makes them far too wide;
    daily quantiles keep the daily factor."""
    n, h, rate = 400, 28, 6.0
    actual = _paired_days(n, 4, h, rate, seed=7)
    unc = fit_uncertainty(actual, np.full(actual.shape, rate))
    assert unc.window_lengths == (2, 4, 7, 14, 28)  # 56 is longer than the backtest blocks
    assert unc.c * unc.phi.mean() > 1 + rate  # days: wide (half of them sell nothing), so c is large
    assert unc.kappa < 0.01
    mean = np.full((n, h), rate)
    for length in (4, 14):
        total, var = window_moments(mean, unc, np.arange(n), np.zeros(n, dtype=int), np.full(n, length))
        window = gamma_quantiles(total, var, (0.1, 0.9, 0.95))
        truth = stats.poisson(length * rate)
        for q in (0.1, 0.9, 0.95):
            assert window[q][0] == pytest.approx(truth.ppf(q), abs=0.08 * length * rate)
        future = _paired_days(n, 1, length, rate, seed=8).sum(axis=2)[:, 0]
        assert 0.74 <= np.mean((future >= window[0.1]) & (future <= window[0.9])) <= 0.86
        daily_factor = Uncertainty(unc.phi, unc.kappa, unc.c)  # no window factors: c reused for windows
        wide = gamma_quantiles(*window_moments(mean, daily_factor, np.arange(n), np.zeros(n, dtype=int),
                                               np.full(n, length)), (0.1, 0.9))  # fmt: skip
        assert np.mean((future >= wide[0.1]) & (future <= wide[0.9])) > 0.95
    one = window_moments(mean, unc, np.arange(n), np.zeros(n, dtype=int), np.ones(n, dtype=int))
    daily = daily_quantiles(mean, unc, (0.9,))[0.9][:, 0]
    np.testing.assert_allclose(gamma_quantiles(*one, (0.9,))[0.9], daily)  # a 1-day window is a day


def test_window_quantiles_correct_a_biased_forecast_from_backtest_windows() -> None:
    """Known answer: the forecast is 15 % too high in the backtest and after it; window quantiles (calibrated on
    backtest window sums, PIT map) match the true Poisson(7 x rate) sum, not the forecast's; daily ones do not move."""
    n, h, rate = 500, 28, 8.0
    actual = _simulate(n, 4, h, np.full(n, rate), 0.0, seed=11)
    forecast = np.full(actual.shape, rate * 1.15)
    unc = fit_uncertainty(actual, forecast)
    mean, length = np.full((n, h), rate * 1.15), np.full(n, 7)
    total, var = window_moments(mean, unc, np.arange(n), np.zeros(n, dtype=int), length)
    window = window_quantiles(total, var, unc, length, (0.1, 0.5, 0.95))
    truth = stats.poisson(7 * rate)
    for q in (0.1, 0.5, 0.95):
        assert window[q][0] == pytest.approx(truth.ppf(q), abs=2.5)
    future = _simulate(n, 1, 7, np.full(n, rate), 0.0, seed=12).sum(axis=2)[:, 0]
    assert 0.03 <= np.mean(future > window[0.95]) <= 0.08
    uncorrected = gamma_quantiles(total, var, (0.95,))[0.95]
    assert np.mean(future > uncorrected) < 0.02
    assert unc.window_level(0.95, np.array([1]))[0] == 0.95  # a 1-day window keeps the daily level
    plain = Uncertainty(unc.phi, unc.kappa, unc.c)
    np.testing.assert_allclose(daily_quantiles(mean, unc, (0.9,))[0.9], daily_quantiles(mean, plain, (0.9,))[0.9])
