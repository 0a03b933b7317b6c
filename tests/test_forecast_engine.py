"""The Forecaster end to end on generated and literal data: every shape of series the issue lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockgate.domain.forecast import Forecaster
from stockgate.domain.forecast.candidates import final_forecast
from stockgate.errors import ColumnError, ForecastError
from tests.forecast_fixtures import fast_forecaster, generated_sales, poisson_series

COLUMNS = ["unique_id", "ds", "forecast", "p10", "p50", "p90", "model"]


def _check_output(out: pd.DataFrame, n_series: int, h: int) -> None:
    assert list(out.columns) == COLUMNS
    assert len(out) == n_series * h
    assert out.groupby("unique_id").size().eq(h).all()
    assert not out[["forecast", "p10", "p50", "p90"]].isna().any().any()
    assert (out[["forecast", "p10", "p50", "p90"]] >= 0).all().all()
    assert (out["p10"] <= out["p50"] + 1e-9).all() and (out["p50"] <= out["p90"] + 1e-9).all()


def test_many_generated_series_daily() -> None:
    """Generated daily sales (returns, intermittent sellers, late starts) give complete, ordered forecasts."""
    sales = generated_sales(n_series=12, n_days=500)
    fc = fast_forecaster().fit(sales)
    out = fc.predict(14)
    _check_output(out, 12, 14)
    assert out["ds"].min() == sales["ds"].max() + pd.Timedelta(days=1)
    summary = fc.summary()
    assert list(summary.columns) == [
        "unique_id", "model", "backtest_rmsse", "naive_rmsse", "fallback", "confidence", "explanation",
    ]  # fmt: skip
    assert summary["backtest_rmsse"].notna().all() and summary["naive_rmsse"].notna().all()
    assert set(summary["confidence"]) <= {"high", "medium", "low"}


def test_weekly_frequency() -> None:
    """Weekly sales forecast weekly periods dated like the input weeks."""
    sales = generated_sales(n_series=6, n_days=728, freq="W")
    fc = fast_forecaster(freq="W-MON").fit(sales)
    out = fc.predict(8)
    _check_output(out, 6, 8)
    step = out.loc[out["unique_id"] == out["unique_id"].iloc[0], "ds"].diff().dropna()
    assert (step == pd.Timedelta(days=7)).all()
    assert out["ds"].min() == sales["ds"].max() + pd.Timedelta(days=7)
    assert "weeks" in fc.summary()["explanation"].iloc[0]


def test_single_series() -> None:
    """A single series is forecast (the global model then has only that series to learn from)."""
    sales = poisson_series(1, 400)
    out = fast_forecaster().fit(sales).predict(7)
    _check_output(out, 1, 7)
    assert out["forecast"].mean() == pytest.approx(6.0, rel=0.3)


def test_gaps_late_start_early_stop_and_returns() -> None:
    """Missing days count as no sales, a late starter is forecast from its own history, a stopped seller fades,
    and net returns (negative units) do not make forecasts negative."""
    sales = poisson_series(4, 400, rate=10)
    ids = sales["unique_id"]
    gaps = (ids == "S/0") & (sales["ds"].dt.day % 5 == 0)
    late = (ids == "S/1") & (sales["ds"] < pd.Timestamp("2024-11-01"))
    stopped = (ids == "S/2") & (sales["ds"] > pd.Timestamp("2024-10-01"))
    sales = sales[~(gaps | late | stopped)].copy()
    sales.loc[sales.index[sales["unique_id"] == "S/3"][-3:], "y"] = -4.0
    fc = fast_forecaster().fit(sales)
    out = fc.predict(7)
    _check_output(out, 4, 7)
    mean = out.groupby("unique_id")["forecast"].mean()
    assert mean["S/2"] < 1.0
    assert mean["S/1"] > 3.0
    assert fc.panel is not None and fc.panel.negatives.tolist() == [0, 0, 0, 3]


def test_cutoff_ignores_later_rows() -> None:
    """``cutoff`` trains on data up to that date and forecasts the periods right after it."""
    sales = poisson_series(2, 300)
    out = fast_forecaster().fit(sales, cutoff="2024-09-30").predict(5)
    assert out["ds"].min() == pd.Timestamp("2024-10-01")


def test_model_choice_prefers_intermittent_method_for_lumpy_seller() -> None:
    """On many smooth sellers and sporadic ones, the choice is recorded per series with its backtest error."""
    rng = np.random.default_rng(1)
    smooth = poisson_series(6, 420, rate=20)
    days = pd.date_range("2024-01-01", periods=420)
    lumpy = pd.DataFrame({"unique_id": np.repeat(["L/0", "L/1"], 420), "ds": np.tile(days, 2),
                          "y": (rng.random(840) < 0.08) * rng.integers(1, 6, 840)})  # fmt: skip
    fc = fast_forecaster(models=("lgbm", "intermittent", "seasonal_naive")).fit(pd.concat([smooth, lumpy]))
    fc.predict(14)
    summary = fc.summary().set_index("unique_id")
    assert set(summary.loc[["L/0", "L/1"], "model"]) <= {"croston", "sba", "tsb", "lgbm", "seasonal_naive"}
    assert (summary["backtest_rmsse"] <= summary["naive_rmsse"] + 1e-9).sum() >= 6
    assert (summary.loc[[f"S/{i}" for i in range(6)], "model"] != "seasonal_naive").all()


def test_global_model_failure_is_recorded_not_silent() -> None:
    """A LightGBM that cannot train is left out with a run note; series use the next best model."""
    from stockgate.domain.forecast import LGBMConfig

    fc = Forecaster(lgbm=LGBMConfig(extra={"objective": "no-such-objective"}), models=("lgbm", "seasonal_naive"))
    fc.fit(poisson_series(3, 200)).predict(7)
    assert fc.trained is not None
    assert any("LightGBM could not be backtested" in note for note in fc.trained.notes)
    assert set(fc.summary()["model"]) == {"seasonal_naive"}


def test_final_fit_failure_falls_back_with_reason() -> None:
    """A chosen ETS that cannot fit at forecast time falls back to seasonal naive and records why."""
    y = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    mean, notes = final_forecast(y, np.array(["ets"], dtype=object), h=3, season_length=7, lgbm=None, refit=False)
    assert "ets failed" in notes[0] and "used seasonal_naive" in notes[0]
    assert mean.shape == (1, 3)


def test_bad_input_is_a_clear_error() -> None:
    """A frame without ``y`` raises a ColumnError naming it; predict before fit raises ForecastError."""
    with pytest.raises(ColumnError, match="'y'"):
        Forecaster().fit(pd.DataFrame({"unique_id": ["a"], "ds": ["2024-01-01"], "units": [1]}))
    with pytest.raises(ForecastError, match="fit"):
        Forecaster().predict(3)


def test_weekly_data_with_daily_freq_is_refused() -> None:
    """Weekly dates forecast as daily would invent six empty days a week: a clear error names the fix."""
    sales = generated_sales(n_series=2, n_days=200, freq="W")
    with pytest.raises(ForecastError, match="freq='W-MON'"):
        Forecaster(freq="D").fit(sales)


def test_price_and_promotion_columns_become_features() -> None:
    """Price and promo columns reach the global model as features known at the cutoff."""
    from stockgate.domain.forecast.features import FEATURES

    sales = generated_sales(n_series=10, n_days=450, exog=True)
    assert sales["promo"].sum() > 0
    fc = fast_forecaster().fit(sales)
    _check_output(fc.predict(7), 10, 7)
    assert fc.panel is not None and set(fc.panel.exog) == {"price", "promo"}
    assert fc.trained is not None and fc.trained.lgbm is not None
    rows = fc.trained.lgbm.rows(fc.panel.y, origin=fc.panel.y.shape[1] - 1, h=7)
    price = rows.x[:, FEATURES.index("price_rel")]
    assert np.isfinite(price).mean() > 0.5 and np.nanmax(np.abs(price - 1)) > 0.01


def test_history_too_short_for_a_backtest() -> None:
    """Ten days of history still give a forecast: seasonal naive, graded low, saying there was no backtest."""
    sales = poisson_series(2, 10)
    fc = fast_forecaster().fit(sales)
    _check_output(fc.predict(7), 2, 7)
    summary = fc.summary()
    assert set(summary["model"]) == {"seasonal_naive"} and set(summary["confidence"]) == {"low"}
    assert summary["explanation"].str.contains("too little history for a backtest").all()
