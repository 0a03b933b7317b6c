"""The purchase_orders suite (real Great Expectations) on drafts and on human edits of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_replenish_plan import catalog_frame, make_plan, suppliers_frame
from validations.purchase_orders import purchase_order_frame, validate_purchase_orders

SUITE = Path(__file__).resolve().parents[1] / "validations" / "suites" / "purchase_orders.json"


@pytest.fixture(scope="module")
def orders() -> list[dict[str, Any]]:
    """The drafts of the literal plan as JSON dicts (what a human edit starts from)."""
    return [o.to_json_dict() for o in make_plan().orders]


def _failed(result: Any) -> dict[str, list[int]]:
    return {f"{o.expectation}:{o.column}": o.failing_rows for o in result.outcomes if not o.passed}


def test_suite_file_declares_severity_and_why_for_every_expectation() -> None:
    """Each expectation says whether it is critical or a warning, and why."""
    suite = json.loads(SUITE.read_text())
    assert len(suite["expectations"]) == 17
    for exp in suite["expectations"]:
        assert exp["meta"]["severity"] in {"critical", "warning"} and exp["meta"]["why"]


def test_planned_drafts_pass(orders: list[dict[str, Any]]) -> None:
    """What the planner proposes passes every check."""
    result = validate_purchase_orders(orders, catalog=catalog_frame(), suppliers=suppliers_frame())
    assert result.ok and _failed(result) == {}
    assert len(result.outcomes) == 17


def test_bad_edits_fail_on_the_right_rows(orders: list[dict[str, Any]]) -> None:
    """Half a pack, below the minimum, a changed cost and a negative quantity each fail, naming the CSV line."""
    edited = json.loads(json.dumps(orders))
    lines = edited[0]["lines"]
    lines[0]["quantity"] = lines[0]["pack_size"] * 3 + 1  # not a pack multiple
    lines[0]["line_cost"] = lines[0]["quantity"] * lines[0]["unit_cost"]
    lines[1]["unit_cost"] = lines[1]["unit_cost"] + 0.5  # cost differs from the catalog
    lines[1]["line_cost"] = lines[1]["quantity"] * lines[1]["unit_cost"]
    result = validate_purchase_orders(edited, catalog=catalog_frame(), suppliers=suppliers_frame())
    failed = _failed(result)
    assert not result.ok
    assert failed["expect_column_values_to_be_between:pack_remainder"] == [2]
    assert failed["expect_column_values_to_be_between:cost_difference"] == [3]


def test_below_minimum_and_negative_quantities_fail(orders: list[dict[str, Any]]) -> None:
    """One pack of A (MOQ 24) and a negative quantity are critical failures."""
    edited = json.loads(json.dumps(orders))
    a = next(ln for ln in edited[0]["lines"] if ln["sku"] == "A")
    a["quantity"], a["line_cost"] = 6, 6 * a["unit_cost"]
    b = next(ln for ln in edited[0]["lines"] if ln["sku"] == "B")
    b["quantity"], b["line_cost"] = -4, 0.0
    failed = _failed(validate_purchase_orders(edited, catalog=catalog_frame(), suppliers=suppliers_frame()))
    assert "expect_column_values_to_be_between:moq_shortfall" in failed
    assert "expect_column_values_to_be_between:quantity" in failed


def test_discontinued_and_over_budget_fail(orders: list[dict[str, Any]]) -> None:
    """A SKU discontinued since planning, and a supplier budget the order exceeds, are both caught."""
    catalog = catalog_frame(status=["discontinued", "active", "active", "discontinued"])
    total = sum(ln["line_cost"] for ln in orders[0]["lines"])
    suppliers = suppliers_frame(budget=(total / 2, np.nan))
    failed = _failed(validate_purchase_orders(orders, catalog=catalog, suppliers=suppliers))
    assert "expect_column_values_to_not_be_in_set:catalog_status" in failed
    assert "expect_column_values_to_be_between:supplier_budget_headroom" in failed


def test_a_big_increase_is_only_a_warning(orders: list[dict[str, Any]]) -> None:
    """Quadrupling a proposed quantity (still whole packs) is a warning, not a critical failure."""
    edited = json.loads(json.dumps(orders))
    line = next(ln for ln in edited[0]["lines"] if ln["quantity"] > 0)
    line["quantity"] *= 4
    line["line_cost"] = line["quantity"] * line["unit_cost"]
    edited[0]["total_cost"] = round(sum(ln["line_cost"] for ln in edited[0]["lines"]), 2)
    result = validate_purchase_orders(edited, catalog=catalog_frame(), suppliers=suppliers_frame())
    assert result.ok
    assert [o.column for o in result.warnings] == ["edit_ratio"]


def test_fractional_quantity_and_unknown_sku_are_visible_in_the_frame(orders: list[dict[str, Any]]) -> None:
    """Raw edits keep 12.5 units and unknown SKUs visible to the checks (no silent coercion)."""
    edited = json.loads(json.dumps(orders))
    edited[0]["lines"][0]["quantity"] = 12.5
    edited[0]["lines"][1]["sku"] = "NOPE"
    frame = purchase_order_frame(edited, catalog=catalog_frame(), suppliers=suppliers_frame())
    assert frame.loc[0, "quantity_fraction"] == 0.5
    assert frame["catalog_status"].isna().iloc[1]
