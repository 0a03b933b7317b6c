"""The whole plan on tiny literal inputs with the exact Poisson fake: orders, dates, flags, reasons, budgets."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from stockgate.domain.replenish import PlanConfig, PoissonDemand, ServiceLevels, plan_replenishment
from stockgate.errors import PlanningError

CUTOFF = date(2026, 11, 20)  # a Friday
MEANS = {"A": 20.0, "B": 5.0, "C": 2.0, "D": 3.0}


def sales_frame(
    days: int = 120, means: dict[str, float] = MEANS, locations: tuple[str, ...] = ("S01",)
) -> pd.DataFrame:
    """Poisson sales history per location/SKU ending at CUTOFF (long frame unique_id, ds, y, price)."""
    rng = np.random.default_rng(0)
    dates = pd.date_range(end=pd.Timestamp(CUTOFF), periods=days)
    rows = [
        (f"{loc}/{sku}", d, float(rng.poisson(mu)), 2.0)
        for loc in locations
        for sku, mu in means.items()
        for d in dates
    ]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y", "price"])


def catalog_frame(**changes: list[object]) -> pd.DataFrame:
    """Four SKUs: A and B from SUP1 (packs), C from SUP2 (shelf life 5 days), D discontinued."""
    frame = pd.DataFrame(
        {
            "sku": ["A", "B", "C", "D"],
            "name": ["Apples", "Bread", "Cream", "Dates"],
            "category": ["fresh"] * 4,
            "supplier_id": ["SUP1", "SUP1", "SUP2", "SUP2"],
            "unit_cost": [1.0, 2.5, 3.0, 4.0],
            "price": [2.0, 2.0, 2.0, 2.0],
            "pack_size": [6, 4, 1, 1],
            "moq": [24, 8, 0, 0],
            "shelf_life_days": [np.nan, np.nan, 5.0, np.nan],
            "status": ["active", "active", "active", "discontinued"],
            "_row": [2, 3, 4, 5],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def inventory_frame(on_hand: tuple[float, ...] = (10, 4, 1, 0)) -> pd.DataFrame:
    """Snapshot at CUTOFF; A has 24 on order due Monday."""
    return pd.DataFrame(
        {
            "snapshot_date": pd.Timestamp(CUTOFF),
            "sku": ["A", "B", "C", "D"],
            "location": "S01",
            "on_hand": list(on_hand),
            "backorders": 0.0,
            "on_order": [24.0, 0, 0, 0],
            "on_order_due": [pd.Timestamp("2026-11-23"), pd.NaT, pd.NaT, pd.NaT],
            "_row": [2, 3, 4, 5],
        }
    )


def suppliers_frame(budget: tuple[float, float] = (np.nan, np.nan)) -> pd.DataFrame:
    """SUP1 orders Mon/Thu with lead time 3±1; SUP2 orders Tue with lead time 5."""
    return pd.DataFrame(
        {
            "supplier_id": ["SUP1", "SUP2"],
            "name": ["One Foods", "Two Dairy"],
            "lead_time_mean_days": [3.0, 5.0],
            "lead_time_std_days": [1.0, 0.0],
            "review_period_days": [3, 7],
            "order_days": ["Mon,Thu", "Tue"],
            "budget": list(budget),
            "currency": ["EUR", "EUR"],
            "approver_group": ["ops", "ops"],
            "_row": [2, 3],
        }
    )


def fake_forecast(means: dict[str, float] = MEANS) -> PoissonDemand:
    """Exact Poisson demand with the same means as the history."""
    return PoissonDemand({f"S01/{sku}": mu for sku, mu in means.items()}, cutoff=CUTOFF)


def make_plan(**kwargs: object):  # type: ignore[no-untyped-def]
    """A plan of the literal inputs; keyword arguments replace any input or option."""
    args: dict[str, object] = {
        "forecast": fake_forecast(),
        "sales": sales_frame(),
        "catalog": catalog_frame(),
        "inventory": inventory_frame(),
        "suppliers": suppliers_frame(),
    }
    args.update(kwargs)
    return plan_replenishment(**args)  # type: ignore[arg-type]


def test_one_order_per_supplier_on_its_order_day_with_delivery_after_lead_time() -> None:
    """SUP1 orders Monday 23 Nov and delivers 3 days later; SUP2 orders Tuesday 24 Nov and delivers 5 days later."""
    plan = make_plan()
    by_supplier = {o.supplier: o for o in plan.orders}
    assert set(by_supplier) == {"SUP1", "SUP2"}
    assert (by_supplier["SUP1"].order_date, by_supplier["SUP1"].delivery_date) == (
        date(2026, 11, 23),
        date(2026, 11, 26),
    )
    assert (by_supplier["SUP2"].order_date, by_supplier["SUP2"].delivery_date) == (
        date(2026, 11, 24),
        date(2026, 11, 29),
    )
    assert by_supplier["SUP1"].po_id == "PO-SUP1-20261123"


def test_discontinued_items_are_never_ordered() -> None:
    """D is discontinued: no line, and the plan says why."""
    plan = make_plan()
    assert all(line.sku != "D" for order in plan.orders for line in order.lines)
    assert any("D at S01: discontinued" in note for note in plan.skipped)


def test_quantities_follow_packs_minimums_and_the_shelf_life_cap() -> None:
    """Every line is a pack multiple and at least the MOQ; C (5-day shelf life) orders at most what sells in time."""
    plan = make_plan()
    lines = {line.sku: line for order in plan.orders for line in order.lines}
    for line in lines.values():
        assert line.quantity % line.pack_size == 0 and (line.quantity == 0 or line.quantity >= line.moq)
        assert line.line_cost == pytest.approx(line.quantity * line.unit_cost)
    # C: sells 2/day; order Tue 24 Nov + 5 days lead + 5 days shelf = 14 days of demand from Sat 21 Nov.
    assert lines["C"].quantity <= 14 * 2.0 - 1
    assert "shelf_life_cap" in lines["C"].flags


def test_a_covered_position_orders_nothing() -> None:
    """With plenty on hand, no line is proposed at all."""
    plan = make_plan(inventory=inventory_frame(on_hand=(5000, 5000, 5000, 0)))
    assert plan.orders == []


def test_reasons_carry_the_numbers_a_manager_needs() -> None:
    """Reasons give stock cover, the stock-out date if nothing is ordered, the window forecast with range, rounding."""
    plan = make_plan()
    line = next(ln for o in plan.orders for ln in o.lines if ln.sku == "A")
    text = " ".join(line.reasons)
    assert "Stock now: 10 units on hand, enough for less than a day." in text
    assert "Already on order: 24 units arriving Mon 23 Nov (in 3 days)" in text
    assert "runs out around" in text
    assert "likely range" in text and "Forecast" in text
    assert "packs of 6" in text
    assert line.facts["stockout_date"] is not None and line.facts["cover_after_days"] is not None
    assert line.facts["forecast_low"] < line.facts["forecast_window"] < line.facts["forecast_high"]


def test_supplier_budget_cuts_lowest_priority_lines_and_flags_them() -> None:
    """A 100 EUR budget for SUP1 binds: the total fits, cut lines are flagged 'budget_cut' with a reason."""
    plan = make_plan(suppliers=suppliers_frame(budget=(100.0, np.nan)))
    order = next(o for o in plan.orders if o.supplier == "SUP1")
    assert order.total_cost <= 100.0
    cut = [ln for ln in order.lines if "budget_cut" in ln.flags]
    assert cut and all(any("budget" in r for r in ln.reasons) for ln in cut)
    assert "budget_cut" in order.flags


def test_run_budget_binds_across_suppliers() -> None:
    """A run budget of 50 EUR caps the sum of all orders."""
    plan = make_plan(config=PlanConfig(run_budget=50.0))
    assert sum(o.total_cost for o in plan.orders) <= 50.0


def test_new_items_and_data_warnings_lower_confidence_and_are_flagged() -> None:
    """A new item is flagged for a person with low confidence; a data warning lowers the forecast's grade."""
    catalog = catalog_frame(status=["active", "new", "active", "discontinued"])
    plan = make_plan(catalog=catalog, forecast_confidence={"S01/A": "high"}, warnings={"A": ["3 rows quarantined"]})
    lines = {ln.sku: ln for o in plan.orders for ln in o.lines}
    assert "new_item" in lines["B"].flags and lines["B"].confidence == "low"
    assert "data_warning" in lines["A"].flags and lines["A"].confidence == "medium"
    assert "3 rows quarantined" in " ".join(plan.orders[0].warnings)


def test_cost_and_price_changes_are_flagged() -> None:
    """A unit cost 20 % above the last order and a selling price far from the catalog raise flags."""
    sales = sales_frame()
    sales.loc[sales["unique_id"] == "S01/A", "price"] = 3.0
    plan = make_plan(sales=sales, previous_costs={("SUP1", "A"): 0.8, ("SUP2", "A"): 1.0})
    line = next(ln for o in plan.orders for ln in o.lines if ln.sku == "A")
    assert {"cost_change", "price_change"} <= set(line.flags)


def test_higher_service_means_more_stock() -> None:
    """A 99 % target orders at least as much as an 80 % target on every line."""
    low = make_plan(config=PlanConfig(service=ServiceLevels(override=0.8)))
    high = make_plan(config=PlanConfig(service=ServiceLevels(override=0.99)))
    q = lambda plan: {ln.sku: ln.quantity for o in plan.orders for ln in o.lines}  # noqa: E731
    assert all(q(high)[sku] >= qty for sku, qty in q(low).items())


def test_fill_rate_measure_holds_less_than_cycle_service() -> None:
    """At the same 95 % target, the lost-sales fill-rate level is below the cycle-service level."""
    cycle = make_plan(config=PlanConfig(service=ServiceLevels(override=0.95), measure="cycle"))
    fill = make_plan(config=PlanConfig(service=ServiceLevels(override=0.95), measure="fill_rate"))
    level = lambda plan: next(ln.facts["order_up_to"] for o in plan.orders for ln in o.lines if ln.sku == "A")  # noqa: E731
    assert level(fill) < level(cycle)


def test_unknown_sku_in_inventory_is_a_planning_error_naming_the_row() -> None:
    """An inventory SKU missing from the catalog stops the plan with the row number and a fix."""
    inventory = inventory_frame()
    inventory.loc[1, "sku"] = "ZZZ"
    with pytest.raises(PlanningError, match=r"inventory rows \[3\].*ZZZ"):
        make_plan(inventory=inventory)


def test_bad_order_days_name_the_supplier_row() -> None:
    """A misspelt weekday says which row and column to fix."""
    suppliers = suppliers_frame()
    suppliers.loc[0, "order_days"] = "Mon,Thx"
    with pytest.raises(PlanningError, match="suppliers row 2, column 'order_days'"):
        make_plan(suppliers=suppliers)


def test_json_shape_has_the_fields_the_file_promises() -> None:
    """to_json_dict gives po_id, supplier, total_cost, currency and lines with the promised keys."""
    data = make_plan().orders[0].to_json_dict()
    assert {"po_id", "supplier", "total_cost", "currency", "lines"} <= set(data)
    keys = {
        "sku",
        "location",
        "quantity",
        "pack_size",
        "moq",
        "unit_cost",
        "line_cost",
        "confidence",
        "flags",
        "reasons",
    }
    assert keys <= set(data["lines"][0])
