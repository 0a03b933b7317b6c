"""Plain-words explanations and confidence grades for briefing cards."""

from __future__ import annotations

import dataclasses

from stockgate.domain.forecast.explain import Facts, confidence, driver_phrase, sentence, top_driver
from tests.forecast_fixtures import fast_forecaster, generated_sales

FACTS = Facts(
    total=410, low=350, high=480, periods=14, unit="days", last_year=347.5, driver="the December peak",
    driver_effect=0.2, model="lgbm", score=0.48, naive_score=1.0, fallback="",
)  # fmt: skip


def test_sentence_reads_like_the_briefing_card() -> None:
    """Total, range, change on last year with its driver, and the backtest gain over naive, in one sentence."""
    assert sentence(FACTS) == (
        "Forecast 410 units over the next 14 days (range 350-480); up 18 % on last year because of the "
        "December peak; this model beat a naive forecast by 52 % in backtests."
    )


def test_sentence_without_last_year_and_worse_than_naive() -> None:
    """Without last year the driver is named alone; a model worse than naive says so; fallbacks are noted."""
    facts = dataclasses.replace(FACTS, last_year=None, score=1.2, fallback="ets failed (x); used seasonal_naive")
    text = sentence(facts)
    assert "main driver: the December peak" in text
    assert "did not beat a naive forecast in backtests (20 % worse)" in text
    assert text.endswith("Note: ets failed (x); used seasonal_naive.")


def test_driver_opposite_to_change_is_not_called_the_cause() -> None:
    """A change on last year is not blamed on a driver that pushes the other way, or on a local model's method."""
    facts = dataclasses.replace(FACTS, driver="the December low", driver_effect=-0.1)
    assert "up 18 % on last year; main driver: the December low" in sentence(facts)
    local = dataclasses.replace(FACTS, total=200, driver="the smoothed recent level", driver_effect=0.0)
    assert "down 42 % on last year; main driver: the smoothed recent level" in sentence(local)


def test_top_driver_picks_largest_explained_group() -> None:
    """Weekday and level effects are ignored; the largest of season, holiday, trend and last year wins."""
    phrase, effect = top_driver({"weekday": 2.0, "season": -0.3, "holiday": 0.1, "recent trend": 0.2}, month=12)
    assert (phrase, effect) == ("the December low", -0.3)
    assert driver_phrase("recent trend", 0.1, month=1) == "rising recent sales"


def test_confidence_grades() -> None:
    """High needs a clear gain over naive and a narrow range; fallbacks, short history or losses are low."""
    assert confidence(FACTS, history=400) == "high"
    assert confidence(dataclasses.replace(FACTS, score=0.9), history=400) == "medium"
    assert confidence(dataclasses.replace(FACTS, score=1.1), history=400) == "low"
    assert confidence(dataclasses.replace(FACTS, fallback="x"), history=400) == "low"
    assert confidence(FACTS, history=20) == "low"


def test_summary_explains_every_series() -> None:
    """Every generated series gets a sentence starting with its forecast total and naming the horizon."""
    fc = fast_forecaster().fit(generated_sales(n_series=8, n_days=450))
    fc.predict(14)
    summary = fc.summary()
    assert (
        summary["explanation"].str.match(r"Forecast [\d,]+ units over the next 14 days \(range [\d,]+-[\d,]+\)").all()
    )
    lgbm = summary[summary["model"] == "lgbm"]
    assert lgbm.empty or lgbm["explanation"].str.contains("peak|low|sales|holiday").all()
