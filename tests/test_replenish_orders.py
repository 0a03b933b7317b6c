"""Order-level confidence and summary: what a manager reads first on the card."""

from __future__ import annotations

import numpy as np

from stockgate.domain.drafts import POLine
from stockgate.domain.replenish import PlanConfig
from stockgate.domain.replenish.orders import order_confidence
from tests.test_replenish_plan import make_plan, suppliers_frame


def _line(sku: str, cost: float, grade: str, quantity: int = 10) -> POLine:
    return POLine(
        sku=sku, location="S01", quantity=quantity, pack_size=1, moq=0, unit_cost=cost / max(quantity, 1),
        line_cost=cost if quantity else 0.0, confidence=grade,  # type: ignore[arg-type]
    )  # fmt: skip


def test_one_small_doubtful_line_does_not_mark_the_whole_order_low() -> None:
    lines = [_line("a", 900.0, "high"), _line("b", 80.0, "medium"), _line("c", 20.0, "low")]
    assert order_confidence(lines) == "high"


def test_the_grade_holding_half_the_value_decides() -> None:
    lines = [_line("a", 400.0, "high"), _line("b", 300.0, "medium"), _line("c", 300.0, "low")]
    assert order_confidence(lines) == "medium"
    assert order_confidence([*lines, _line("d", 1000.0, "low")]) == "low"


def test_an_order_with_nothing_to_buy_takes_its_lowest_line() -> None:
    lines = [_line("a", 0.0, "high", quantity=0), _line("b", 0.0, "low", quantity=0)]
    assert order_confidence(lines) == "low"


def test_an_order_the_budget_emptied_says_so() -> None:
    plan = make_plan(suppliers=suppliers_frame(budget=(0.0, np.nan)), config=PlanConfig(measure="cycle"))
    order = next(o for o in plan.orders if o.supplier == "SUP1")
    assert order.total_cost == 0
    assert order.summary.startswith("Nothing to order: the budget cut every line")
