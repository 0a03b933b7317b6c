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
    assert order.summary.startswith("Nothing to order: the supplier SUP1 budget (suppliers file) cut all 2 lines")


def test_an_order_with_a_line_needing_a_person_is_low_whatever_its_value() -> None:
    """A small line flagged unusual_quantity makes the order low, so a min_confidence rule never auto-approves it."""
    big = POLine(sku="a", location="S01", quantity=100, pack_size=1, moq=0, unit_cost=9.0, line_cost=900.0,
                 confidence="high")  # fmt: skip
    odd = POLine(sku="b", location="S01", quantity=5, pack_size=1, moq=0, unit_cost=1.0, line_cost=5.0,
                 confidence="low", flags=["unusual_quantity"])  # fmt: skip
    assert order_confidence([big]) == "high"
    assert order_confidence([big, odd]) == "low"
