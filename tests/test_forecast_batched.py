"""Forecasting in batches for planning: the joined forecast, the horizon known up front, accuracy by segment."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from stockgate.domain.forecast.accuracy import accuracy_by_segment, models_chosen
from stockgate.domain.forecast.batched import BatchedForecast
from stockgate.domain.generator import generate_retail_data
from stockgate.domain.replenish import PoissonDemand, plan_replenishment
from stockgate.domain.replenish.horizon import forecast_horizon
from stockgate.domain.replenish.inputs import sales_long
from stockgate.domain.replenish.run import plan_from_inputs
from stockgate.domain.replenish.segments import series_classes
from stockgate.errors import ForecastError
from tests.forecast_fixtures import fast_forecaster, poisson_series


class RecordingDemand:
    """The exact Poisson fake, remembering the longest horizon planning asked it for (periods)."""

    def __init__(self, inner: PoissonDemand) -> None:
        self.inner, self.longest = inner, 0

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        self.longest = max(self.longest, h)
        return self.inner.predict(h, quantiles)

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float]) -> pd.DataFrame:
        self.longest = max(self.longest, int((windows["start"] + windows["length"]).max()))
        return self.inner.predict_window(windows, quantiles)


def test_horizon_known_up_front_is_exactly_what_planning_asks_for() -> None:
    """On generated inputs (shelf lives, lead-time spreads, order days) the horizon equals the planner's longest ask."""
    data = generate_retail_data(n_series=30, n_days=200, seed=5)
    long = sales_long(data.sales)
    cutoff = pd.Timestamp(long["ds"].max()).date()
    demand = RecordingDemand(PoissonDemand({u: 3.0 for u in long["unique_id"].unique()}, cutoff=cutoff))
    plan_replenishment(forecast=demand, sales=long, catalog=data.catalog, inventory=data.inventory,
                       suppliers=data.suppliers)  # fmt: skip
    horizon = forecast_horizon(sales=long, catalog=data.catalog, inventory=data.inventory, suppliers=data.suppliers)
    assert demand.longest > 7 and horizon == demand.longest


def test_batched_forecast_answers_like_each_batch_in_the_callers_order() -> None:
    """Window quantiles come from the batch owning each series, in the order asked; unknown series are refused."""
    sales = poisson_series(4, 150)
    first, second = (fast_forecaster(horizon=10).fit(sales[sales["unique_id"].isin(ids)])
                     for ids in (["S/0", "S/1"], ["S/2", "S/3"]))  # fmt: skip
    joined = BatchedForecast([first, second])
    windows = pd.DataFrame({"unique_id": ["S/3", "S/0", "S/2"], "start": [0, 2, 1], "length": [7, 3, 9]})
    got = joined.predict_window(windows, quantiles=(0.5, 0.95))
    expected = pd.concat([second.predict_window(windows.iloc[[0]], (0.5, 0.95)),
                          first.predict_window(windows.iloc[[1]], (0.5, 0.95)),
                          second.predict_window(windows.iloc[[2]], (0.5, 0.95))], ignore_index=True)  # fmt: skip
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)
    assert joined.horizon == 10 and set(joined.predict(10)["unique_id"]) == {"S/0", "S/1", "S/2", "S/3"}
    assert len(joined.summary()) == 4
    with pytest.raises(ForecastError, match="S/9"):
        joined.predict_window(pd.DataFrame({"unique_id": ["S/9"], "start": [0], "length": [1]}), (0.5,))
    with pytest.raises(ForecastError, match="two forecast batches"):
        BatchedForecast([first, first])


def test_plan_from_a_batched_forecast_carries_the_forecasts_confidence() -> None:
    """Planning with a given forecast that grades itself passes each series' grade on to the order lines."""
    data = generate_retail_data(n_series=12, n_days=200, seed=2)
    long = sales_long(data.sales)
    ids = sorted(long["unique_id"].unique())
    parts = [fast_forecaster(horizon=60).fit(long[long["unique_id"].isin(ids[i::2])]) for i in (0, 1)]
    joined = BatchedForecast(parts)
    plan = plan_from_inputs(sales=data.sales, catalog=data.catalog, inventory=data.inventory,
                            suppliers=data.suppliers, forecast=joined)  # fmt: skip
    grades = dict(zip(joined.summary()["unique_id"], joined.summary()["confidence"], strict=True))
    unflagged = [(ln.unique_id, ln.confidence) for ln in plan.lines if not ln.flags]
    assert unflagged and all(confidence == grades[uid] for uid, confidence in unflagged)
    assert any(grades[uid] != "medium" for uid, _ in unflagged), "without grades every line would be 'medium'"


def test_accuracy_by_segment_and_models_chosen() -> None:
    """Segments by class, model family (fallbacks apart) and confidence; counts and means are right."""
    summary = pd.DataFrame(
        {
            "unique_id": ["a", "b", "c", "d"],
            "model": ["lgbm", "lgbm", "seasonal_naive", "seasonal_naive"],
            "backtest_rmsse": [0.5, 0.7, 1.0, 1.2],
            "naive_rmsse": [1.0, 1.0, 1.0, 1.0],
            "fallback": ["", "", "", "ets failed; used seasonal_naive"],
            "confidence": ["high", "medium", "low", "low"],
        }
    )
    classes = pd.DataFrame({"unique_id": ["a", "b", "c"], "abc": ["A", "A", "C"], "xyz": ["X", "Y", "Y"]})
    table = accuracy_by_segment(summary, segments=classes).set_index(["segment_by", "segment"])
    assert table.loc[("ABC class", "A"), "series"] == 2 and table.loc[("ABC class", "A"), "backtest_rmsse"] == 0.6
    assert table.loc[("ABC class", "unclassified"), "series"] == 1
    assert table.loc[("XYZ class", "Y"), "beats_naive_pct"] == 50.0
    assert table.loc[("model", "seasonal_naive (fallback)"), "low_confidence"] == 1
    assert table.loc[("confidence", "low"), "series"] == 2
    chosen = models_chosen(summary).set_index("model")
    assert chosen.loc["seasonal_naive", "fallbacks"] == 1 and chosen.loc["lgbm", "share_pct"] == 50.0


def test_series_classes_match_the_planners_classes() -> None:
    """Every sold series gets an ABC and an XYZ class; A holds the biggest earners."""
    data = generate_retail_data(n_series=20, n_days=200, seed=4)
    classes = series_classes(sales=data.sales, catalog=data.catalog)
    assert len(classes) == 20 and set(classes["abc"]) <= {"A", "B", "C"} and "A" in set(classes["abc"])
    assert (classes["service_class"] == classes["abc"] + classes["xyz"]).all()
