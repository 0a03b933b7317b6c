"""Purchase-order drafts: corrupted drafts fail with buyer-readable messages; ``stockgate validate --drafts``."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from stockgate.cli.main import app
from stockgate.domain.replenish import PlanConfig
from tests.test_replenish_plan import catalog_frame, make_plan, suppliers_frame
from validations.purchase_orders import validate_purchase_orders
from validations.suites_io import read_suite

CYCLE = PlanConfig(measure="cycle")
"""The figures below were worked out on the cycle-service plan of the literal inputs."""

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


@pytest.fixture(scope="module")
def orders() -> list[dict[str, Any]]:
    """The literal plan's drafts as written to purchase_orders.json, with SUP1's A set to 180 units and B to 56
    (the figures the messages below quote; valid packs and minimums, costs following)."""
    drafts = [o.to_json_dict() for o in make_plan(config=CYCLE).orders]
    return _edit(_edit(drafts, "A", quantity=180), "B", quantity=56)


def _edit(orders: list[dict[str, Any]], target: str, *, retotal: bool = True, **changes: Any) -> list[dict[str, Any]]:
    """A copy with ``changes`` on the line of SKU ``target``; line cost and (``retotal``) order total follow."""
    edited = copy.deepcopy(orders)
    for order in edited:
        for line in order["lines"]:
            if line["sku"] == target:
                line.update(changes)
                if "line_cost" not in changes and isinstance(line["quantity"], int | float):
                    line["line_cost"] = round(line["quantity"] * line["unit_cost"], 2)
        if retotal:
            order["total_cost"] = round(sum(ln["line_cost"] for ln in order["lines"]), 2)
    return edited


def _check(orders: list[dict[str, Any]], **kwargs: Any) -> Any:
    return validate_purchase_orders(orders, catalog=catalog_frame(), suppliers=suppliers_frame(), **kwargs)


def test_planned_drafts_have_no_problems(orders: list[dict[str, Any]]) -> None:
    """The planner's drafts, as JSON dicts or as PurchaseOrder objects, pass with no problem and no message."""
    for drafts in (orders, make_plan(config=CYCLE).orders):
        result = _check(drafts)
        assert result.ok and result.problems == [] and result.failure_message() == ""


def test_total_cost_that_disagrees_with_its_lines_is_critical(orders: list[dict[str, Any]]) -> None:
    """An order whose total_cost is not the sum of its line costs fails once, naming the PO and both amounts."""
    edited = copy.deepcopy(orders)
    po = edited[0]["po_id"]
    edited[0]["total_cost"] = 1.0
    result = _check(edited)
    assert not result.ok
    [problem] = result.problems
    assert (problem.po_id, problem.field, problem.value) == (po, "total_cost", 1.0)
    assert po in problem.message and "1.00 EUR" in problem.message and "320.00 EUR" in problem.message


def test_a_line_listed_twice_is_critical(orders: list[dict[str, Any]]) -> None:
    """The same SKU and location twice on one order fails, naming PO, SKU, location and both quantities."""
    edited = copy.deepcopy(orders)
    edited[0]["lines"].append(copy.deepcopy(edited[0]["lines"][0]))
    edited[0]["total_cost"] = round(sum(ln["line_cost"] for ln in edited[0]["lines"]), 2)
    result = _check(edited)
    assert not result.ok
    [problem] = result.problems
    assert (problem.po_id, problem.sku, problem.location) == (edited[0]["po_id"], "A", "S01")
    assert "2 times" in problem.message and "180, 180" in problem.message


def test_a_quantity_written_as_text_is_critical(orders: list[dict[str, Any]]) -> None:
    """quantity "180" (a string) fails and the message quotes the text."""
    result = _check(_edit(orders, "A", quantity="180", line_cost=180.0))
    assert not result.ok
    [problem] = result.problems
    assert (problem.sku, problem.field) == ("A", "quantity")
    assert 'quantity is the text "180"' in problem.message


def test_message_names_po_sku_location_the_real_quantity_and_the_fix(orders: list[dict[str, Any]]) -> None:
    """40 units of A (packs of 6) is reported as 40 units, not the remainder 4, with the two nearest pack counts."""
    result = _check(_edit(orders, "A", quantity=40))
    [problem] = result.critical_problems
    assert (problem.po_id, problem.sku, problem.location) == (orders[0]["po_id"], "A", "S01")
    assert (problem.field, problem.value) == ("quantity", 40)
    assert "quantity is 40 units, not a whole number of packs of 6" in problem.message
    assert "36 or 42 units" in problem.message
    assert "pack_remainder" not in problem.message and "4.0" not in problem.message


def test_negative_quantity_is_one_critical_problem_and_no_warning(orders: list[dict[str, Any]]) -> None:
    """-12 units is a critical 'below zero' problem; the edit-size warning does not fire on it."""
    result = _check(_edit(orders, "A", quantity=-12))
    assert [(p.severity, p.field) for p in result.problems] == [("critical", "quantity")]
    assert "-12 units, below zero" in result.problems[0].message
    assert result.warnings == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"quantity": 36.5}, "quantity is 36.5 units, not whole units; order whole packs: 36 or 42 units"),
        ({"quantity": 12}, "12 units, below the supplier's minimum order of 24 units"),
        ({"unit_cost": 1.2}, "unit_cost is 1.20 EUR but the catalog unit cost is 1.00 EUR"),
        ({"line_cost": 99.0}, "line_cost is 99.00 EUR but quantity 180 x unit_cost 1.00 EUR is 180.00 EUR"),
        ({"pack_size": 12}, "pack_size 12 (catalog: 6) differ from the catalog"),
        ({"sku": "NOPE"}, "SKU NOPE is not in the catalog"),
        (
            {"sku": "C", "location": "S09", "unit_cost": 3.0, "pack_size": 1, "moq": 0},
            "supplied by SUP2, not by this order's supplier",
        ),
    ],
)
def test_each_rule_names_the_line_field_and_value(
    orders: list[dict[str, Any]], changes: dict[str, Any], expected: str
) -> None:
    """Every line rule gives exactly one critical problem starting with the PO, SKU and location."""
    result = _check(_edit(orders, "A", **changes))
    [problem] = result.critical_problems
    sku, location = changes.get("sku", "A"), changes.get("location", "S01")
    assert problem.message.startswith(f"{orders[0]['po_id']}, SKU {sku} at {location}: ")
    assert expected in problem.message


def test_budgets_name_the_orders_and_amounts(orders: list[dict[str, Any]]) -> None:
    """Over a supplier budget: one problem for the order; over the run budget: one naming every order."""
    suppliers = suppliers_frame(budget=(100.0, math.nan))
    result = validate_purchase_orders(orders, catalog=catalog_frame(), suppliers=suppliers, run_budget=200.0)
    messages = [p.message for p in result.critical_problems]
    assert len(messages) == 2
    assert messages[0].startswith(f"{orders[0]['po_id']} (whole order, 2 lines): the order totals 320.00 EUR")
    assert "220.00 EUR over the budget of 100.00 EUR for supplier SUP1" in messages[0]
    assert all(o["po_id"] in messages[1] for o in orders) and "over the run budget of 200.00 EUR" in messages[1]


def test_failure_message_is_one_paragraph_of_every_critical_problem(orders: list[dict[str, Any]]) -> None:
    """failure_message() starts with the count and lists each critical problem; warnings stay out; limit caps it."""
    edited = _edit(orders, "A", quantity=40)
    edited = _edit(edited, "B", quantity=240)  # whole packs, 4x the proposal: a warning only
    edited[1]["total_cost"] = 5.0
    result = _check(edited)
    text = result.failure_message()
    assert "\n" not in text
    assert text.startswith("The purchase-order drafts cannot go for approval until 2 problems are fixed:")
    assert all(p.message in text for p in result.critical_problems)
    assert "three times" not in text and len(result.warning_problems) == 1
    assert result.failure_message(limit=1).endswith("...and 1 more (the full list is in the validation result).")


def test_every_rule_of_the_suite_has_its_own_wording() -> None:
    """Each expectation in purchase_orders.json is worded for buyers (none falls back to the generic text)."""
    from validations.purchase_orders import LINE_RULES, ORDER_RULES

    for exp in read_suite("purchase_orders").expectations:
        kind, column = exp["type"].removeprefix("expect_"), exp["kwargs"].get("column")
        if kind == "compound_columns_to_be_unique":
            continue
        assert (kind, column) in LINE_RULES or column in ORDER_RULES or column == "run_budget_headroom", exp


def test_docs_describe_the_draft_rules_and_the_command() -> None:
    """docs/validation.md states every draft rule's reason and documents validate --drafts."""
    docs = DOCS.read_text(encoding="utf-8")
    missing = [e["meta"]["why"] for e in read_suite("purchase_orders").expectations if e["meta"]["why"] not in docs]
    assert missing == []
    assert "stockgate validate --data DIR --drafts" in docs and "failure_message()" in docs


# --- the command ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data folder written by the project's generator."""
    out = tmp_path_factory.mktemp("gen") / "data"
    result = runner.invoke(app, ["data", "generate", "--out", str(out), "--series", "8", "--days", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return out


def _drafts_for(data: Path) -> list[dict[str, Any]]:
    """One valid order for the first supplier: its active SKUs at the first location, at their minimum packs."""
    catalog = pd.read_csv(data / "catalog.csv")
    location = str(pd.read_csv(data / "inventory.csv")["location"].iloc[0])
    active = catalog[catalog["status"] != "discontinued"]
    supplier = str(active["supplier_id"].iloc[0])
    lines = []
    for item in active[active["supplier_id"] == supplier].itertuples():
        pack, moq = int(item.pack_size), int(item.moq)
        quantity = pack * max(1, math.ceil(moq / pack))
        cost = float(item.unit_cost)
        line = {"sku": item.sku, "location": location, "quantity": quantity, "pack_size": pack, "moq": moq}
        lines.append(line | {"unit_cost": cost, "line_cost": round(quantity * cost, 2), "proposed_quantity": quantity})
    total = round(sum(ln["line_cost"] for ln in lines), 2)
    return [{"po_id": f"PO-{supplier}-1", "supplier": supplier, "currency": "EUR", "total_cost": total, "lines": lines}]


def test_validate_drafts_passes_good_drafts(generated: Path, tmp_path: Path) -> None:
    """Good drafts (file or the folder holding purchase_orders.json) exit 0 and say OK."""
    (tmp_path / "purchase_orders.json").write_text(json.dumps(_drafts_for(generated)), encoding="utf-8")
    for target in (tmp_path / "purchase_orders.json", tmp_path):
        result = runner.invoke(app, ["validate", "--data", str(generated), "--drafts", str(target)])
        assert result.exit_code == 0, result.output
        assert "OK" in result.output and "0 critical" in result.output


def test_validate_drafts_exits_1_naming_the_line(generated: Path, tmp_path: Path) -> None:
    """A quantity one unit off whole packs exits 1 with the PO, SKU, location and the quantity as written."""
    drafts = _drafts_for(generated)
    line = drafts[0]["lines"][0]
    line["quantity"] += 1
    path = tmp_path / "purchase_orders.json"
    path.write_text(json.dumps(drafts), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(generated), "--drafts", str(path)])
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert (
        f"{drafts[0]['po_id']}, SKU {line['sku']} at {line['location']}: quantity is {line['quantity']} units" in flat
    )
    assert "line_cost is" in flat  # the line cost was left as it was


def test_validate_drafts_refuses_unreadable_files(generated: Path, tmp_path: Path) -> None:
    """A missing or non-JSON drafts file, or --run-budget without --drafts, is a message with exit code 2."""
    bad = tmp_path / "purchase_orders.json"
    bad.write_text("{not json", encoding="utf-8")
    cases = [
        (["--drafts", str(tmp_path / "none.json")], "drafts file not found"),
        (["--drafts", str(bad)], "is not valid JSON"),
        (["--run-budget", "5"], "--run-budget applies only with --drafts"),
    ]
    for args, expected in cases:
        result = runner.invoke(app, ["validate", "--data", str(generated), *args])
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split()) and "Traceback" not in result.output
