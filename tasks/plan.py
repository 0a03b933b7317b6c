"""Prefect tasks for replenishment planning: plan, validate the drafts, write them and publish artifacts.

Thin wrappers: the numbers come from ``stockgate.domain.replenish``; the checks from ``validations``; the files
from ``stockgate.presentation.plan_files``; the last approved unit costs (for the cost-change flag) from the ledger
the settings name. Only the file-writing task retries.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import task

from stockgate.domain.drafts import PurchaseOrder
from stockgate.domain.replenish.demand import DemandForecast
from stockgate.domain.replenish.planner import Plan, PlanConfig
from stockgate.domain.replenish.run import plan_from_inputs
from stockgate.presentation.plan_files import order_lines_frame, write_plan
from stockgate.services.history import previous_unit_costs
from stockgate.services.planning_config import load_planning
from stockgate.settings import get_settings
from tasks.artifacts import publish_markdown, publish_table
from validations.purchase_orders import validate_purchase_orders

log = logging.getLogger(__name__)


@task(name="plan-replenishment")
def plan_orders(
    *,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    suppliers: pd.DataFrame,
    freq: str = "D",
    config: PlanConfig | None = None,
    warnings: Mapping[str, Sequence[str]] | None = None,
    forecast: DemandForecast | None = None,
    previous_costs: Mapping[tuple[str, str], float] | None = None,
) -> Plan:
    """Purchase-order drafts from the contract's frames; publishes a table of the drafts.

    ``previous_costs`` (unit cost per supplier id and SKU on the last approved order) defaults to the ledger's;
    ``config`` to the planning file the settings name (``STOCKGATE_PLANNING_FILE``), else the defaults."""
    settings = get_settings()
    if previous_costs is None:
        previous_costs = previous_unit_costs(settings)
    if config is None:
        config = load_planning(settings.planning_file, currency=settings.currency)
    plan = plan_from_inputs(
        sales=sales,
        catalog=catalog,
        inventory=inventory,
        suppliers=suppliers,
        freq=freq,
        config=config,
        warnings=warnings,
        forecast=forecast,
        previous_costs=previous_costs,
    )
    publish_table("purchase-orders", _order_rows(plan.orders), "Purchase-order drafts, one per supplier.")
    publish_markdown("purchase-order-notes", plan_notes_markdown(plan), "What the plan left out or could not do.")
    for note in plan.notes:
        log.warning("Plan note: %s", note)
    return plan


def plan_notes_markdown(plan: Plan) -> str:
    """The plan's notes (budgets it could not apply) and the items it left out, as a short markdown list."""
    parts = ["# Plan notes", ""]
    parts += [f"- {note}" for note in plan.notes] or ["- No budget or currency notes."]
    if plan.skipped:
        parts += ["", f"## Left out ({len(plan.skipped)})", ""] + [f"- {item}" for item in plan.skipped[:50]]
        if len(plan.skipped) > 50:
            parts.append(f"- ... and {len(plan.skipped) - 50} more")
    return "\n".join(parts) + "\n"


@task(name="validate-purchase-orders")
def validate_orders(
    orders: Sequence[PurchaseOrder],
    *,
    catalog: pd.DataFrame,
    suppliers: pd.DataFrame,
    run_budget: float | None = None,
    run_budget_currency: str | None = None,
) -> Any:
    """Run the ``purchase_orders`` suite; publishes the outcome. Returns the SuiteResult (``.ok``)."""
    result = validate_purchase_orders(
        orders, catalog=catalog, suppliers=suppliers, run_budget=run_budget, run_budget_currency=run_budget_currency
    )
    rows = [
        {"check": o.expectation, "column": o.column, "severity": o.severity, "passed": o.passed, "rows": o.failing_rows}
        for o in result.outcomes
    ]
    publish_table("purchase-orders-validation", rows, "Checks on the purchase-order drafts.")
    return result


@task(name="write-purchase-orders", retries=2, retry_delay_seconds=5)
def write_orders(plan: Plan, out_dir: Path, *, charts: bool = True) -> dict[str, Path]:
    """Write purchase_orders.json, purchase_order_lines.csv and charts/; publishes the lines as markdown."""
    written = write_plan(plan, out_dir, charts=charts)
    lines = order_lines_frame(plan.orders).drop(columns=["reasons", "chart"])
    publish_markdown("purchase-order-lines", _markdown(lines), f"Lines written to {written['lines']}.")
    return written


def _markdown(frame: pd.DataFrame) -> str:
    """A GitHub-style markdown table (no extra dependency)."""
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _order_rows(orders: Sequence[PurchaseOrder]) -> list[dict[str, Any]]:
    return [
        {
            "po_id": o.po_id,
            "supplier": o.supplier_name or o.supplier,
            "lines": len(o.lines),
            "total_cost": o.total_cost,
            "currency": o.currency,
            "delivery_date": o.delivery_date,
            "confidence": o.confidence,
            "flags": o.flags,
            "summary": o.summary,
        }
        for o in orders
    ]
