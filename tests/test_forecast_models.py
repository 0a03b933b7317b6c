"""Local models, backtest scoring and per-series selection on tiny literal arrays."""

from __future__ import annotations

import numpy as np
import pytest

from stockgate.domain.forecast.backtest import backtest_origins, rmsse, rmsse_scale
from stockgate.domain.forecast.models import croston, sba, seasonal_naive, tsb
from stockgate.domain.forecast.models.ets import ets
from stockgate.domain.forecast.selection import choose


def test_seasonal_naive_repeats_last_season() -> None:
    """Seasonal naive repeats the last ``season_length`` values for the whole horizon."""
    y = np.array([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], dtype=float)
    assert seasonal_naive(y, h=5, season_length=3).tolist() == [[8, 9, 10, 8, 9]]


def test_seasonal_naive_fills_missing_with_mean() -> None:
    """A series shorter than a season gets its mean where the last season has no data."""
    y = np.array([[np.nan, np.nan, 4.0, 2.0]])
    assert seasonal_naive(y, h=4, season_length=4).tolist() == [[3, 3, 4, 2]]


def test_croston_and_sba_on_a_regular_pattern() -> None:
    """Demand of 4 every second period gives Croston 2 per period and SBA 5 % less (alpha 0.1)."""
    y = np.array([[0, 4, 0, 4, 0, 4, 0, 4]], dtype=float)
    y[0, 0] = 0
    c = croston(y, h=3)
    assert c.shape == (1, 3)
    assert c[0, 0] == pytest.approx(4 / (2 - 0.1 * 0**1), rel=0.05)
    assert sba(y, h=1)[0, 0] == pytest.approx(c[0, 0] * 0.95)


def test_tsb_fades_after_demand_stops() -> None:
    """TSB forecasts less for a seller whose demand stopped than for one still selling."""
    selling = np.array([[0, 3, 0, 3, 0, 3, 0, 3, 0, 3, 0, 3]], dtype=float)
    stopped = np.array([[0, 3, 0, 3, 0, 3, 0, 0, 0, 0, 0, 0]], dtype=float)
    assert tsb(stopped, h=1)[0, 0] < 0.8 * tsb(selling, h=1)[0, 0]
    assert croston(np.zeros((1, 5)), h=2).tolist() == [[0.0, 0.0]]


def test_ets_fallback_is_recorded() -> None:
    """ETS on a series too short to fit falls back to seasonal naive and says why."""
    y = np.array([[1.0, 2.0, 3.0, 4.0], [np.nan] * 4])
    result = ets(y, h=2, season_length=7)
    assert all("used seasonal_naive" in note for note in result.fallback)
    assert result.forecast.shape == (2, 2)


def test_rmsse_scale_and_score() -> None:
    """RMSSE divides the forecast error by the mean squared one-step change of the history."""
    history = np.array([[1.0, 3.0, 1.0, 3.0]])
    scale = rmsse_scale(history)
    assert scale.tolist() == [4.0]
    assert rmsse(np.array([[2.0, 2.0]]), np.array([[4.0, 0.0]]), scale).tolist() == [1.0]


def test_backtest_origins_stop_at_min_history() -> None:
    """Rolling origins are consecutive blocks ending at the last period, dropping those with too little history."""
    assert backtest_origins(99, h=10, windows=3, min_history=20) == [69, 79, 89]
    assert backtest_origins(25, h=10, windows=3, min_history=14) == [15]


def test_choose_keeps_overall_best_unless_clearly_beaten() -> None:
    """A series leaves the overall best model only when another beats it by more than the margin."""
    scores = {
        "lgbm": np.array([0.50, 0.50, 0.50, np.nan]),
        "ets": np.array([0.49, 0.30, 0.90, 0.70]),
        "seasonal_naive": np.array([1.0, 1.0, 1.0, 0.80]),
    }
    choice = choose(scores, n=4, margin=0.05)
    assert choice.default == "lgbm"
    assert choice.model.tolist() == ["lgbm", "ets", "lgbm", "ets"]
    assert choice.score.tolist() == [0.50, 0.30, 0.50, 0.70]
    assert choice.naive_score.tolist() == [1.0, 1.0, 1.0, 0.80]
