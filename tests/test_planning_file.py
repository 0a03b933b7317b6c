"""The planning file configures the plan; the run budget never adds up amounts in different currencies."""

from __future__ import annotations

from pathlib import Path

import pytest

from stockgate.domain.replenish import PlanConfig
from stockgate.domain.replenish.planning_file import parse_planning
from stockgate.errors import ConfigError
from stockgate.services.planning_config import load_planning
from tests.test_replenish_plan import catalog_frame, make_plan, suppliers_frame
from validations.purchase_orders import validate_purchase_orders

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "planning.yaml"


def test_defaults_use_the_lost_sales_fill_rate_and_the_class_targets() -> None:
    config = load_planning(None, currency="EUR")
    assert config.measure == "fill_rate"
    assert config.service.target("AX") == 0.98 and config.service.target("CZ") == 0.90
    assert config.run_budget is None and config.currency == "EUR"


def test_the_documented_example_loads_with_its_values() -> None:
    config = load_planning(EXAMPLE, currency="EUR")
    assert config.run_budget == 25000 and config.run_budget_currency == "EUR"
    assert config.service.abc_shares == (0.80, 0.95)


def test_partial_class_targets_keep_the_other_defaults() -> None:
    config = parse_planning({"service_levels": {"AX": 0.99}, "service_measure": "cycle"}, source="p", currency="USD")
    assert config.service.target("AX") == 0.99 and config.service.target("BY") == 0.95
    assert config.measure == "cycle" and config.run_budget_currency == "USD"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"service_mesure": "cycle"}, ["service_mesure", "not a planning setting", "service_measure"]),
        ({"service_levels": {"AQ": 0.9}}, ["service_levels", "AQ"]),
        ({"service_levels": {"AX": 1.2}}, ["service_levels", "1.2"]),
        ({"abc_shares": [0.9, 0.8]}, ["abc_shares", "increasing"]),
        ({"service_measure": "fillrate"}, ["service_measure", "fill_rate"]),
        ({"run_budget": -5}, ["run_budget"]),
        ({"run_budget_currency": "euro"}, ["run_budget_currency"]),
        (["not", "a", "mapping"], ["must be a YAML mapping"]),
    ],
)
def test_a_wrong_field_is_named_with_the_file(data: object, words: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        parse_planning(data, source="planning.yaml", currency="EUR")
    text = str(info.value) + " " + (info.value.hint or "")
    assert "planning.yaml" in text
    for word in words:
        assert word in text


def test_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_planning(tmp_path / "nope.yaml", currency="EUR")
    broken = tmp_path / "broken.yaml"
    broken.write_text("service_measure: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_planning(broken, currency="EUR")


def test_run_budget_covers_only_orders_in_its_currency() -> None:
    """SUP2 bills in USD: a EUR run budget of 1 cuts the EUR order only, keeps the USD one and says why; the draft
    validation with the same budget passes (the USD order is not added to the EUR total)."""
    suppliers = suppliers_frame()
    suppliers["currency"] = ["EUR", "USD"]
    plan = make_plan(suppliers=suppliers, config=PlanConfig(run_budget=1.0, run_budget_currency="EUR"))
    by_currency = {o.currency: o for o in plan.orders}
    assert by_currency["EUR"].total_cost <= 1.0
    assert by_currency["USD"].total_cost > 1.0
    assert any("SUP2" in note and "USD" in note for note in plan.notes)
    check = validate_purchase_orders(
        plan.orders, catalog=catalog_frame(), suppliers=suppliers, run_budget=1.0, run_budget_currency="EUR"
    )
    assert check.ok, check.failure_message()
    mixed = validate_purchase_orders(plan.orders, catalog=catalog_frame(), suppliers=suppliers, run_budget=1.0)
    assert not mixed.ok


def test_budget_currency_is_upper_cased() -> None:
    assert parse_planning({"run_budget_currency": "usd"}, source="p", currency="EUR").run_budget_currency == "USD"


def test_plan_notes_list_the_uncovered_supplier_and_skipped_items() -> None:
    """The notes artifact names the supplier the run budget cannot cover and the discontinued item left out."""
    from tasks.plan import plan_notes_markdown

    suppliers = suppliers_frame()
    suppliers["currency"] = ["EUR", "USD"]
    plan = make_plan(suppliers=suppliers, config=PlanConfig(run_budget=1.0, run_budget_currency="EUR"))
    text = plan_notes_markdown(plan)
    assert "SUP2" in text and "USD" in text
    assert "Left out" in text and "D" in text
    assert "No budget or currency notes." in plan_notes_markdown(make_plan())
