"""Budgets per supplier and per run, and the rule for what gets cut first when a budget binds.

THE CUT RULE (documented in docs/replenishment.md): while the lines cost more than the budget, take the line
with the lowest priority and take whole packs off it, just enough to fit, or all of it if what would remain is
below its minimum order; then the next line. Priority, lowest first:
1. lines that can wait: without this order their stock lasts until the delivery of the NEXT order (the planner
   measures it on busy, P90 days), so cutting them is unlikely to cost a sale before the buyer can order again;
   lines that could run out before that come later;
2. service class: C before B before A, and within a letter Z before Y before X (the least important, least
   predictable sellers are cut first);
3. then the line whose stock lasts longest if nothing is ordered (days until it runs out);
4. then the most expensive line (fewer lines touched), then the key, for a stable order.
Every line that loses units is reported, so the planner can flag it ``budget_cut``. A budget of zero cuts all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BudgetLine:
    """What the cut rule needs to know about one line (quantity in units, cost per unit in currency)."""

    key: str
    quantity: int
    pack_size: int
    moq: int
    unit_cost: float
    service_class: str = "CZ"
    days_until_stockout: float = math.inf
    next_delivery_days: float = 0.0

    @property
    def can_wait(self) -> bool:
        """True when the stock lasts beyond the next order's delivery without this order."""
        return self.days_until_stockout >= self.next_delivery_days

    @property
    def cost(self) -> float:
        """Line cost in currency."""
        return self.quantity * self.unit_cost


_ABC_RANK = {"C": 0, "B": 1, "A": 2}
_XYZ_RANK = {"Z": 0, "Y": 1, "X": 2}


def cut_priority(line: BudgetLine) -> tuple[int, int, int, float, float, str]:
    """Sort key: the line cut FIRST sorts first (see the module docstring); unknown classes count as C and Z."""
    code = line.service_class.upper() + "  "
    abc, xyz = code[0], code[1]
    lasts = min(line.days_until_stockout, 1e9)
    return (0 if line.can_wait else 1, _ABC_RANK.get(abc, 0), _XYZ_RANK.get(xyz, 0), -lasts, -line.cost, line.key)


def cut_to_budget(lines: Sequence[BudgetLine], *, budget: float | None) -> dict[str, int]:
    """New quantities (units) by key so that the total cost is at most ``budget``; only changed lines are returned."""
    if budget is None or not math.isfinite(budget):
        return {}
    quantities = {line.key: line.quantity for line in lines}
    excess = sum(line.cost for line in lines) - budget
    changed: dict[str, int] = {}
    for line in sorted((ln for ln in lines if ln.quantity > 0), key=cut_priority):
        if excess <= 1e-9:
            break
        new_qty = _reduced_quantity(line, excess)
        excess -= (quantities[line.key] - new_qty) * line.unit_cost
        changed[line.key] = new_qty
    return changed


def _reduced_quantity(line: BudgetLine, excess: float) -> int:
    """Quantity after taking off whole packs worth at least ``excess``; zero if below the minimum order."""
    pack_cost = line.pack_size * line.unit_cost
    if pack_cost <= 0:
        return line.quantity
    packs = math.ceil(excess / pack_cost - 1e-12)
    new_qty = line.quantity - packs * line.pack_size
    return 0 if new_qty < max(line.moq, 1) else new_qty
