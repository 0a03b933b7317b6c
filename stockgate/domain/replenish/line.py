"""One planned line: every number behind a purchase-order line, kept for reasons, charts and validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from stockgate.domain.drafts import Confidence, POLine
from stockgate.domain.replenish.rounding import RoundingStep


@dataclass
class PlannedLine:
    """One SKU at one location for one supplier (units, days, currency of the supplier)."""

    unique_id: str
    sku: str
    location: str
    name: str
    supplier_id: str
    pack_size: int
    moq: int
    unit_cost: float
    first_day: date
    order_date: date
    delivery_date: date
    review_days: int
    on_hand: float
    on_order: float
    on_order_due: date | None
    backorders: float
    position: float
    service_class: str = "CZ"
    service_level: float = 0.9
    history_days: int = 0
    has_forecast: bool = True
    window_mean: float = 0.0
    window_low: float = 0.0
    window_high: float = 0.0
    order_up_to: float = 0.0
    reorder_point: float = 0.0
    need: float = 0.0
    lost_before_delivery: float = 0.0
    quantity: int = 0
    proposed_before_budget: int = 0
    rounding_steps: list[RoundingStep | str] = field(default_factory=list)  # a str is said as one sentence
    daily_mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    daily_low: np.ndarray = field(default_factory=lambda: np.zeros(0))
    daily_high: np.ndarray = field(default_factory=lambda: np.zeros(0))
    history: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    confidence: Confidence = "medium"
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def window_days(self) -> int:
        """Days from the first planning day to the delivery after this one (the protection window)."""
        return (self.delivery_date - self.first_day).days + self.review_days

    @property
    def delivery_index(self) -> int:
        """Index of the delivery day in the daily forecast (0 = first planning day)."""
        return (self.delivery_date - self.first_day).days

    def arrivals(self, *, with_order: bool) -> dict[int, float]:
        """Units arriving by day index: the open order on its due date, and this order on its delivery date."""
        out: dict[int, float] = {}
        if self.on_order > 0:
            due = self.on_order_due or self.first_day
            out[max((due - self.first_day).days, 0)] = self.on_order
        if with_order and self.quantity > 0:
            out[self.delivery_index] = out.get(self.delivery_index, 0.0) + self.quantity
        return out

    def day(self, index: int) -> date:
        """The calendar date of a day index."""
        return self.first_day + timedelta(days=index)

    def add_flag(self, flag: str) -> None:
        """Add a risk flag once."""
        if flag not in self.flags:
            self.flags.append(flag)

    def to_po_line(self, *, facts: dict[str, float | int | str | None]) -> POLine:
        """The shared ``POLine`` with cost, confidence, flags, reasons and the numbers behind them."""
        return POLine(
            sku=self.sku,
            location=self.location,
            name=self.name,
            quantity=self.quantity,
            pack_size=self.pack_size,
            moq=self.moq,
            unit_cost=self.unit_cost,
            line_cost=round(self.quantity * self.unit_cost, 2),
            proposed_quantity=self.quantity,
            confidence=self.confidence,
            flags=list(self.flags),
            reasons=list(self.reasons),
            facts=facts,
        )
