"""Plain-words explanations and a confidence grade per series, for briefing cards and approval policies.

Drivers come from LightGBM contributions (log scale, averaged over the forecast periods and grouped by what the
features stand for) or, for local models, from what the model does. Example sentence:
"Forecast 410 units over the next 14 days (range 350-480); up 18 % on last year because of the December peak;
this model beat a naive forecast by 52 % in backtests."
"""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass

import numpy as np

EXPLAINED_GROUPS = ("season", "holiday", "recent trend", "last year", "price", "promotion")
"""Driver groups worth a sentence; weekday, level and horizon effects average out over a window."""

LOCAL_DRIVERS = {
    "ets": "the smoothed recent level and weekly pattern",
    "croston": "the average rate of recent sporadic sales",
    "sba": "the average rate of recent sporadic sales",
    "tsb": "the recent rate and chance of a sale",
    "seasonal_naive": "a repeat of the last season",
}


def driver_phrase(group: str, value: float, *, month: int) -> str:
    """Words for one driver group and its signed effect (log scale), e.g. ``"the December peak"``."""
    up = value > 0
    name = pycal.month_name[month]
    return {
        "season": f"the {name} peak" if up else f"the {name} low",
        "holiday": "holidays in the period" if up else "holiday closures in the period",
        "recent trend": "rising recent sales" if up else "falling recent sales",
        "last year": "strong sales at this time last year" if up else "weak sales at this time last year",
        "price": "the current lower price" if up else "the current higher price",
        "promotion": "a running promotion" if up else "the end of a promotion",
    }[group]


def top_driver(groups: dict[str, float], *, month: int) -> tuple[str, float]:
    """The explained group with the largest absolute effect, as words, and its signed effect."""
    name = max(EXPLAINED_GROUPS, key=lambda g: abs(groups.get(g, 0.0)))
    return driver_phrase(name, groups.get(name, 0.0), month=month), groups.get(name, 0.0)


@dataclass(frozen=True)
class Facts:
    """What one sentence says about one series."""

    total: float
    low: float
    high: float
    periods: int
    unit: str
    last_year: float | None
    driver: str
    driver_effect: float
    model: str
    score: float
    naive_score: float
    fallback: str


def skill(score: float, naive_score: float) -> float:
    """Relative improvement over seasonal naive in backtests (0.52 = 52 % lower RMSSE); NaN if unknown."""
    if not (np.isfinite(score) and np.isfinite(naive_score)) or naive_score <= 0:
        return float("nan")
    return 1.0 - score / naive_score


def _change(facts: Facts) -> str:
    if facts.last_year is None or facts.last_year <= 0:
        return f"main driver: {facts.driver}"
    pct = 100 * (facts.total / facts.last_year - 1)
    if abs(pct) < 2:
        return f"about the same as last year; main driver: {facts.driver}"
    direction = "up" if pct > 0 else "down"
    agrees = facts.driver_effect != 0 and (pct > 0) == (facts.driver_effect > 0)
    link = "because of" if agrees else "; main driver:"
    return f"{direction} {abs(pct):.0f} % on last year {link} {facts.driver}".replace(" ;", ";")


def _backtest(facts: Facts) -> str:
    gain = skill(facts.score, facts.naive_score)
    if not np.isfinite(gain):
        return "there was too little history for a backtest"
    if facts.model == "seasonal_naive":
        return "no model beat a naive forecast in backtests, so the naive forecast is used"
    if gain > 0:
        return f"this model beat a naive forecast by {100 * gain:.0f} % in backtests"
    return f"this model did not beat a naive forecast in backtests ({-100 * gain:.0f} % worse)"


def sentence(facts: Facts) -> str:
    """The briefing-card sentence for one series."""
    text = (
        f"Forecast {facts.total:,.0f} units over the next {facts.periods} {facts.unit} "
        f"(range {facts.low:,.0f}-{facts.high:,.0f}); {_change(facts)}; {_backtest(facts)}."
    )
    if facts.fallback:
        text += f" Note: {facts.fallback}."
    return text


def confidence(facts: Facts, *, history: int) -> str:
    """'high', 'medium' or 'low' from backtest skill, interval width, fallbacks and length of history."""
    gain = skill(facts.score, facts.naive_score)
    width = (facts.high - facts.low) / facts.total if facts.total > 0 else np.inf
    if facts.fallback or not np.isfinite(gain) or history < 2 * facts.periods or width > 1.0:
        return "low"
    if facts.model != "seasonal_naive" and gain < 0:
        return "low"
    return "high" if gain >= 0.2 and width <= 0.5 else "medium"
