"""Plain-word reasons with numbers, a confidence grade and risk flags for each planned line.

Risk flags (each also explained in a reason):
``new_item`` (too little history: a human must check the quantity), ``no_forecast``, ``unusual_quantity``
(far above what sold over the same span), ``price_change`` (selling price moved against the catalog),
``cost_change`` (unit cost moved against the last order), ``data_warning`` (input rows of this SKU were
quarantined or warned about), ``budget_cut``, ``shelf_life_cap``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stockgate.domain.drafts import Confidence
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.position import days_of_cover, project_stock, stockout_day

_GRADES: tuple[Confidence, ...] = ("low", "medium", "high")
_LOWERS_ONE_STEP = {"data_warning", "price_change", "cost_change", "shelf_life_cap"}
_FORCES_LOW = {"new_item", "no_forecast", "unusual_quantity"}


@dataclass(frozen=True)
class StockFacts:
    """Cover (days) now and after delivery, and the first stock-out day index if nothing is ordered."""

    cover_now_days: float
    cover_after_days: float
    stockout_index: int | None


def stock_facts(line: PlannedLine) -> StockFacts:
    """Cover now = position against the daily forecast from the first day; after = stock left at delivery plus the
    order, against the forecast from the delivery day (so 0 order still shows what is left then)."""
    demand = line.daily_mean
    cover_now = days_of_cover(line.position, demand)
    start = line.on_hand - line.backorders
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
    return "more than 90 days" if not math.isfinite(value) or value > 90 else f"{value:.0f} days"


def _when(line: PlannedLine, index: int) -> str:
    return f"{line.day(index):%a %d %b} (in {index + 1} days)"


def explain(line: PlannedLine, facts: StockFacts, *, currency: str) -> list[str]:
    """The reasons a manager reads on the briefing card, most important first."""
    due = f" due {line.on_order_due:%d %b}" if line.on_order and line.on_order_due else ""
    reasons = [
        f"Stock now: {line.on_hand:,.0f} on hand + {line.on_order:,.0f} on order{due} - {line.backorders:,.0f} "
        f"backordered = {line.position:,.0f} units, {_days(facts.cover_now_days)} of cover."
    ]
    if facts.stockout_index is not None and facts.stockout_index < len(line.daily_mean):
        reasons.append(f"If nothing is ordered, it runs out around {_when(line, facts.stockout_index)}.")
    else:
        reasons.append(f"If nothing is ordered, stock lasts at least {len(line.daily_mean)} days.")
    if line.has_forecast:
        reasons.append(
            f"Forecast {line.window_mean:,.0f} units over the next {line.window_days} days, until the delivery "
            f"after this one (likely range {line.window_low:,.0f}-{line.window_high:,.0f})."
        )
        reasons.append(
            f"Order up to {line.order_up_to:,.0f} units for a {line.service_level:.0%} service level "
            f"(class {line.service_class}); that needs {max(line.need, 0):,.0f} units."
        )
    reasons.extend(step[0].upper() + step[1:] + "." for step in line.rounding_steps)
    if line.quantity > 0:
        reasons.append(
            f"Order {line.quantity:,} units ({line.quantity * line.unit_cost:,.2f} {currency}); after delivery on "
            f"{line.delivery_date:%a %d %b} cover is {_days(facts.cover_after_days)}."
        )
    return reasons


def unusual_quantity(*, quantity: int, moq: int, recent_daily: float, span_days: int, factor: float) -> bool:
    """True when the order is far above what sold over the same span recently (and not forced by the minimum)."""
    usual = recent_daily * span_days
    return quantity > moq and quantity > factor * max(usual, 1.0)


def relative_change(new: float, old: float | None) -> float:
    """Relative change of ``new`` against ``old`` (0 when there is nothing to compare)."""
    if old is None or not math.isfinite(old) or old <= 0 or not math.isfinite(new):
        return 0.0
    return (new - old) / old
