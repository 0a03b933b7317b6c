"""Plain-word reasons with numbers, a confidence grade and risk flags for each planned line.

Risk flags (each also explained in a reason):
``new_item`` (too little history: a human must check the quantity), ``no_forecast``, ``unusual_quantity``
(far above what sold recently over the same span), ``price_change`` (selling price moved against the catalog),
``cost_change`` (unit cost moved against the last order), ``data_warning`` (input rows of this SKU were
quarantined or warned about), ``budget_cut``, ``shelf_life_cap``.

Stock sentences keep what is on the shelf now apart from what is still on its way: the cover now is what is on
hand, an open order is named with its arrival day and the days it adds, and the stock-out day says whether it
comes before that order arrives. Rounding steps are worded from their numbers (``rounding.describe``); ``number``
and ``count`` live in ``wording`` and are imported here too, for older callers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stockgate.domain.drafts import Confidence
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.position import days_of_cover, project_stock, stockout_day
from stockgate.domain.replenish.rounding import describe
from stockgate.domain.replenish.wording import count, number, sentence

_GRADES: tuple[Confidence, ...] = ("low", "medium", "high")
_LOWERS_ONE_STEP = {"data_warning", "price_change", "cost_change", "shelf_life_cap"}
_FORCES_LOW = {"new_item", "no_forecast", "unusual_quantity"}


@dataclass(frozen=True)
class StockFacts:
    """Cover (days) of the stock on hand now and after delivery, and the first stock-out day if nothing is ordered."""

    cover_now_days: float
    cover_after_days: float
    stockout_index: int | None


def stock_facts(line: PlannedLine) -> StockFacts:
    """Cover now = on hand less backorders against the daily forecast from the first day (an open order counts only
    from the day it arrives); after = stock left at delivery plus the order, against the forecast from the delivery
    day (so 0 order still shows what is left then). The stock-out day counts open orders on their due day."""
    demand = line.daily_mean
    start = line.on_hand - line.backorders
    cover_now = days_of_cover(start, demand)
    without = project_stock(start=start, daily_demand=demand, arrivals=line.arrivals(with_order=False))
    d = min(line.delivery_index, len(demand))
    at_delivery = max(float(without[d - 1]) if d > 0 else start, 0.0)
    cover_after = days_of_cover(at_delivery + line.quantity, demand[d:])
    return StockFacts(cover_now, cover_after, stockout_day(without))


def grade_confidence(base: Confidence, flags: Sequence[str]) -> Confidence:
    """Forecast confidence, lowered one step per kind of doubt, and 'low' for new items or odd quantities."""
    if _FORCES_LOW.intersection(flags):
        return "low"
    step = _GRADES.index(base) - len(_LOWERS_ONE_STEP.intersection(flags))
    return _GRADES[max(step, 0)]


def _days(value: float) -> str:
    """Days of cover in words: 'about 12 days', 'more than 90 days', 'less than a day'."""
    if not math.isfinite(value) or value > 90:
        return "more than 90 days"
    if value <= 0:
        return "0 days"
    return "less than a day" if value < 1 else f"about {count(math.floor(value + 0.5), 'day')}"


def _when(line: PlannedLine, index: int) -> str:
    return f"{line.day(index):%a %d %b} (in {count(index + 1, 'day')})"


def _due_index(line: PlannedLine) -> int | None:
    """Day index an open order arrives (0 if it has no due date or is overdue), None without an open order."""
    if line.on_order <= 0:
        return None
    return max((line.on_order_due - line.first_day).days, 0) if line.on_order_due else 0


def _stock_now(line: PlannedLine, facts: StockFacts) -> str:
    start = line.on_hand - line.backorders
    held = f"{count(line.on_hand, 'unit')} on hand"
    if line.backorders:
        held += f" - {number(line.backorders)} backordered = {count(start, 'unit')}"
    if start <= 0:
        return f"Stock now: {held}, out of stock."
    return f"Stock now: {held}, enough for {_days(facts.cover_now_days)}."


def _open_order(line: PlannedLine) -> list[str]:
    due = _due_index(line)
    if due is None:
        return []
    units = count(line.on_order, "unit")
    adds = _days(days_of_cover(line.on_order, line.daily_mean[due:]))
    if line.on_order_due is None:
        return [f"Already on order: {units} without a due date, counted as arriving now; they add {adds}."]
    counted = math.isclose(line.position, line.on_hand - line.backorders + line.on_order, abs_tol=1e-9)
    late = "" if counted else " (too late to count for this order)"
    return [f"Already on order: {units} arriving {_when(line, due)}{late}; they add {adds} of sales."]


def _stockout(line: PlannedLine, facts: StockFacts) -> str:
    due, index, horizon = _due_index(line), facts.stockout_index, len(line.daily_mean)
    if index is None or index >= horizon:
        return f"If nothing is ordered, stock lasts at least {count(horizon, 'day')}."
    before_open = due is not None and index < due
    if line.on_hand - line.backorders <= 0 and index == 0:
        return "If nothing is ordered, it stays out of stock" + (
            " until the open order arrives." if before_open else "."
        )
    return f"If nothing is ordered, it runs out around {_when(line, index)}" + (
        ", before the open order arrives." if before_open else "."
    )


def _forecast(line: PlannedLine) -> str:
    mean, low, high = line.window_mean, line.window_low, line.window_high
    span = f"over the next {count(line.window_days, 'day')}, until the delivery after this one"
    said = f"Forecast {count(mean, 'unit')} {span}"
    if number(mean) != number(high) and mean > high:  # skewed: rare, lumpy sales put the mean above the P90
        likely = ", so most likely none" if high < 0.5 else ""
        return (
            f"Forecast {count(mean, 'unit')} on average {span}. It sells rarely and in bursts: 9 times in 10 at most "
            f"{count(high, 'unit')}{likely}, and the odd bigger sale lifts the average above that."
        )
    if number(low) == number(high):
        return f"{said}." if number(low) == number(mean) else f"{said} (most likely {number(low)})."
    return f"{said} (likely range {number(low)}-{number(high)})."


def _rounding(line: PlannedLine) -> list[str]:
    """The rounding, minimum, shelf-life and budget steps in plain words; a step that changes nothing is left out."""
    said = (sentence(step) if isinstance(step, str) else describe(step) for step in line.rounding_steps)
    return [text for text in said if text]


def explain(line: PlannedLine, facts: StockFacts, *, currency: str) -> list[str]:
    """The reasons a manager reads on the briefing card, most important first."""
    reasons = [_stock_now(line, facts), *_open_order(line), _stockout(line, facts)]
    if line.has_forecast:
        reasons.append(_forecast(line))
        reasons.append(
            f"Order up to {count(line.order_up_to, 'unit')} for a {line.service_level:.0%} service level "
            f"(class {line.service_class}); that needs {count(max(line.need, 0), 'unit')}."
        )
    reasons.extend(_rounding(line))
    if line.quantity > 0:
        reasons.append(
            f"Order {count(line.quantity, 'unit')} ({line.quantity * line.unit_cost:,.2f} {currency}); after "
            f"delivery on {line.delivery_date:%a %d %b} stock lasts {_days(facts.cover_after_days)}."
        )
    return reasons


def unusual_quantity(*, quantity: int, moq: int, usual: float, factor: float) -> bool:
    """True when the order is far above the ``usual`` units sold over the same span (and not forced by the minimum)."""
    return quantity > moq and quantity > factor * max(usual, 1.0)


def relative_change(new: float, old: float | None) -> float:
    """Relative change of ``new`` against ``old`` (0 when there is nothing to compare)."""
    if old is None or not math.isfinite(old) or old <= 0 or not math.isfinite(new):
        return 0.0
    return (new - old) / old
