"""``stockgate plan --data DIR --out DIR``: purchase-order drafts from a data folder, without Prefect.

Loads the four inputs and checks them with the input suites, as the weekly flow does (``validations.inputs``):
a critical failure stops with the file, column and rows before anything is written to ``--out``; rows a warning
rule sets aside are left out, and the SKUs that warnings touch get the ``data_warning`` flag. Then forecasts,
plans, validates the drafts with the ``purchase_orders`` suite, and writes ``purchase_orders.json``,
``purchase_order_lines.csv``, ``charts/`` and the input-check files under ``validation/``. Exit code 1 when a
draft fails a critical check (the files are still written, with ``validation.json`` saying what failed).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stockgate.cli.common import console, handle_errors

if TYPE_CHECKING:
    from stockgate.adapters.sources import InputBundle
    from validations.report import InputValidationReport

INPUT_CHECKS_DIR = "validation"
"""Folder of ``--out`` that receives the input checks' result, summary, Data Docs and set-aside rows."""

ServiceMeasureOption = Annotated[
    str | None,
    typer.Option(
        "--service-measure",
        help="fill_rate: share of demand served when unmet demand is lost (default, from the planning file); "
        "cycle: chance of no stock-out per cycle; fill_rate_backorder: share served when unmet demand waits.",
    ),
]


@handle_errors
def plan(
    data: Annotated[Path, typer.Option("--data", help="Folder with sales, catalog, inventory and suppliers.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for purchase_orders.json, the CSV and charts/.")],
    service_measure: ServiceMeasureOption = None,
    service_level: Annotated[
        float | None, typer.Option(help="One target for every item (0.5-0.999) instead of the ABC/XYZ classes.")
    ] = None,
    run_budget: Annotated[
        float | None, typer.Option(help="Spending limit for the whole run, in the planning file's budget currency.")
    ] = None,
    charts: Annotated[bool, typer.Option(help="Render one PNG chart per line.")] = True,
) -> None:
    """Draft purchase orders, one per supplier, each line with its reasons, confidence and flags."""
    from stockgate.adapters.sources import load_inputs
    from stockgate.domain.replenish.run import plan_from_inputs
    from stockgate.errors import ConfigError, ValidationFailed
    from stockgate.presentation.plan_files import write_plan
    from stockgate.services.history import previous_unit_costs
    from stockgate.services.planning_config import load_planning
    from stockgate.settings import get_settings
    from validations.purchase_orders import validate_purchase_orders

    if service_measure is not None and service_measure not in ("cycle", "fill_rate", "fill_rate_backorder"):
        raise ConfigError(
            f"--service-measure must be cycle, fill_rate or fill_rate_backorder, not '{service_measure}'."
        )
    if service_level is not None and not 0.5 <= service_level <= 0.999:
        raise ConfigError(f"--service-level must be between 0.5 and 0.999, not {service_level}.")
    settings = get_settings()
    config = _config(load_planning(settings.planning_file, currency=settings.currency),
                     measure=service_measure, level=service_level, run_budget=run_budget)  # fmt: skip
    bundle = load_inputs(data, currency=settings.currency)
    report, warnings = check_inputs(bundle)
    _keep_input_checks(report, out / INPUT_CHECKS_DIR)
    clean = report.cleaned
    result = plan_from_inputs(
        sales=clean.sales,
        catalog=clean.catalog,
        inventory=clean.inventory,
        suppliers=clean.suppliers,
        freq=clean.freq,
        config=config,
        warnings=warnings,
        previous_costs=previous_unit_costs(settings),  # the cost-change flag, when a ledger exists
    )
    written = write_plan(result, out, charts=charts)
    _print_input_warnings(report, warnings, out / INPUT_CHECKS_DIR)
    check = validate_purchase_orders(
        result.orders,
        catalog=clean.catalog,
        suppliers=clean.suppliers,
        run_budget=config.run_budget,
        run_budget_currency=config.run_budget_currency,
    )
    _write_validation(out / "validation.json", check)
    _print_summary(result, written)
    if not check.ok:
        raise ValidationFailed(
            f"The drafts fail critical checks: {check.failure_message()}",
            hint=f"Every check with its rows: {out / 'validation.json'}.",
        )


def _config(base: Any, *, measure: str | None, level: float | None, run_budget: float | None) -> Any:
    """The planning file's configuration with this run's command-line overrides."""
    from dataclasses import replace

    service = base.service if level is None else replace(base.service, override=level)
    return replace(
        base,
        service=service,
        measure=measure or base.measure,
        run_budget=base.run_budget if run_budget is None else run_budget,
    )


def check_inputs(bundle: InputBundle) -> tuple[InputValidationReport, dict[str, list[str]]]:
    """The weekly flow's input checks: the report (``cleaned`` lacks the set-aside rows) and the warnings per SKU.

    Runs in a temporary folder, so nothing reaches ``--out`` when a critical rule fails: ``ValidationFailed``
    (exit 1) then names file, column, rows and the fix, and the folder it names is kept for the full result.
    """
    from validations.inputs import validate_inputs

    report = validate_inputs(bundle, out_dir=Path(tempfile.mkdtemp(prefix="stockgate-plan-inputs-")))
    report.raise_for_critical()
    return report, bundle.warnings_by_sku(report.warnings)  # as tasks.inputs.warnings_by_sku, without Prefect


def _keep_input_checks(report: InputValidationReport, target: Path) -> None:
    """Move the input checks' files from their temporary folder to ``target``, with the paths inside updated."""
    from validations.inputs import RESULT_FILE, SUMMARY_FILE

    if target.is_dir():
        shutil.rmtree(target)  # the previous run's checks: set-aside files left there would mislead
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(report.out_dir, target)
    for name, old, new in (
        (SUMMARY_FILE, str(report.out_dir), str(target)),
        (RESULT_FILE, json.dumps(str(report.out_dir))[1:-1], json.dumps(str(target))[1:-1]),
    ):
        path = target / name
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _print_input_warnings(report: InputValidationReport, warnings: dict[str, list[str]], checks_dir: Path) -> None:
    """A short note: each warning rule that failed, where the rows set aside went, how many SKUs carry the flag."""
    from validations.inputs import QUARANTINE_DIR
    from validations.report import outcome_line

    for name, outcome in report.warnings:
        console.print(
            f"input warning: {name} {outcome_line(report.checks[name].file, outcome)}", highlight=False, soft_wrap=True
        )
    for name, count in report.quarantined.items():
        if count:
            aside = checks_dir / QUARANTINE_DIR / f"{name}.csv"
            console.print(
                f"Set aside {count} {name} row(s), not used for planning: {aside}", highlight=False, soft_wrap=True
            )
    if warnings:
        console.print(f"{len(warnings)} SKU(s) with data warnings: their lines carry the data_warning flag.")


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
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    console.print(f"Wrote {written['orders']} and {written['lines']}.")
