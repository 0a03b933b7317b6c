"""``stockgate plan --data DIR --out DIR``: purchase-order drafts from a data folder, without Prefect.

Loads the four inputs, forecasts, plans, validates the drafts with the ``purchase_orders`` suite, and writes
``purchase_orders.json``, ``purchase_order_lines.csv`` and ``charts/``. Exit code 1 when a draft fails a
critical check (the files are still written, with ``validation.json`` saying what failed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from stockgate.cli.common import console, handle_errors

ServiceMeasureOption = Annotated[
    str,
    typer.Option(
        "--service-measure",
        help="cycle: chance of no stock-out per cycle; fill_rate: share of demand served (lost sales); "
        "fill_rate_backorder: the same when unmet demand waits.",
    ),
]


@handle_errors
def plan(
    data: Annotated[Path, typer.Option("--data", help="Folder with sales, catalog, inventory and suppliers.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for purchase_orders.json, the CSV and charts/.")],
    service_measure: ServiceMeasureOption = "cycle",
    service_level: Annotated[
        float | None, typer.Option(help="One target for every item (0.5-0.999) instead of the ABC/XYZ classes.")
    ] = None,
    run_budget: Annotated[float | None, typer.Option(help="Spending limit for the whole run, in currency.")] = None,
    charts: Annotated[bool, typer.Option(help="Render one PNG chart per line.")] = True,
) -> None:
    """Draft purchase orders, one per supplier, each line with its reasons, confidence and flags."""
    from stockgate.adapters.sources import load_inputs
    from stockgate.domain.replenish.classes import ServiceLevels
    from stockgate.domain.replenish.planner import PlanConfig
    from stockgate.domain.replenish.run import plan_from_inputs
    from stockgate.errors import ConfigError, ValidationFailed
    from stockgate.presentation.plan_files import write_plan
    from stockgate.services.history import previous_unit_costs
    from stockgate.settings import get_settings
    from validations.purchase_orders import validate_purchase_orders

    if service_measure not in ("cycle", "fill_rate", "fill_rate_backorder"):
        raise ConfigError(
            f"--service-measure must be cycle, fill_rate or fill_rate_backorder, not '{service_measure}'."
        )
    if service_level is not None and not 0.5 <= service_level <= 0.999:
        raise ConfigError(f"--service-level must be between 0.5 and 0.999, not {service_level}.")
    settings = get_settings()
    bundle = load_inputs(data, currency=settings.currency)
    config = PlanConfig(
        service=ServiceLevels(override=service_level),
        measure=service_measure,  # type: ignore[arg-type]
        run_budget=run_budget,
        currency=settings.currency,
    )
    result = plan_from_inputs(
        sales=bundle.sales,
        catalog=bundle.catalog,
        inventory=bundle.inventory,
        suppliers=bundle.suppliers,
        freq=bundle.freq,
        config=config,
        previous_costs=previous_unit_costs(settings),  # the cost-change flag, when a ledger exists
    )
    written = write_plan(result, out, charts=charts)
    check = validate_purchase_orders(
        result.orders, catalog=bundle.catalog, suppliers=bundle.suppliers, run_budget=run_budget
    )
    _write_validation(out / "validation.json", check)
    _print_summary(result, written)
    if not check.ok:
        failed = "; ".join(f"{o.expectation} on {o.column} rows {o.failing_rows[:5]}" for o in check.critical_failures)
        raise ValidationFailed(f"The drafts fail critical checks: {failed}. See {out / 'validation.json'}.")


def _write_validation(path: Path, check: Any) -> None:
    outcomes = [
        {
            "expectation": o.expectation,
            "column": o.column,
            "severity": o.severity,
            "passed": o.passed,
            "failing_rows": [int(r) for r in o.failing_rows],
            "description": o.description,
        }
        for o in check.outcomes
    ]
    path.write_text(json.dumps({"ok": bool(check.ok), "outcomes": outcomes}, indent=2) + "\n", encoding="utf-8")


def _print_summary(result: Any, written: dict[str, Path]) -> None:
    from rich.table import Table

    table = Table(title="Purchase-order drafts")
    for col in ("PO", "supplier", "lines", "total", "confidence", "flags"):
        table.add_column(col)
    for order in result.orders:
        table.add_row(
            order.po_id,
            order.supplier_name or order.supplier,
            str(sum(1 for ln in order.lines if ln.quantity > 0)),
            f"{order.total_cost:,.2f} {order.currency}",
            order.confidence,
            ", ".join(order.flags),
        )
    console.print(table)
    for note in result.skipped[:10]:
        console.print(f"skipped: {note}")
    console.print(f"Wrote {written['orders']} and {written['lines']}.")
