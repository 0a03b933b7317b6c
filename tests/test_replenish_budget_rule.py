"""The budget cut rule in a whole plan: the line that would run out before the next delivery keeps its units."""

from __future__ import annotations

import numpy as np

from stockgate.domain.replenish import PlanConfig
from tests.test_replenish_plan import inventory_frame, make_plan, suppliers_frame


def test_budget_cuts_the_line_that_can_wait_not_the_one_about_to_run_out() -> None:
    """Apples last longer without this order than bread, which has none, while bread's bigger order leaves more
    cover after delivery (the old rule cut the most cover after delivery first, i.e. the bread). When SUP1's budget
    binds, the apples order is cut and the bread order, which prevents a stock-out, is kept whole."""
    inventory = inventory_frame(on_hand=(166, 0, 1, 0))
    config = PlanConfig(measure="cycle")  # the rule is the same for every measure; cycle orders for both lines
    free = make_plan(inventory=inventory, config=config)
    lines = {ln.sku: ln for ln in free.lines}
    apples, bread = lines["A"], lines["B"]
    assert apples.quantity > 0 and bread.quantity > 0
    assert apples.service_class == bread.service_class
    budget = apples.quantity * apples.unit_cost + bread.quantity * bread.unit_cost - 5.0
    cut = {
        ln.sku: ln
        for ln in make_plan(
            inventory=inventory, config=config, suppliers=suppliers_frame(budget=(budget, np.nan))
        ).lines
    }
    assert cut["B"].quantity == bread.quantity and "budget_cut" not in cut["B"].flags
    assert cut["A"].quantity < apples.quantity and "budget_cut" in cut["A"].flags
