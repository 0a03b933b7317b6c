"""``stockgate validate``: check a data folder with the input suites, or purchase-order drafts against it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from stockgate.cli.common import console, err_console, handle_errors
from stockgate.errors import InputError, ValidationFailed

if TYPE_CHECKING:
    from validations.purchase_orders import DraftValidation
    from validations.report import InputValidationReport

DRAFTS_FILE = "purchase_orders.json"


@handle_errors
def validate(
    data: Annotated[
        Path,
        typer.Option("--data", help="Data folder holding sales, catalog, inventory and suppliers (.csv/.parquet)."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the full result, Data Docs and quarantined rows (default DATA/validation)."
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Date treated as today for 'not in the future' rules, YYYY-MM-DD.")
    ] = None,
    drafts: Annotated[
        Path | None,
        typer.Option(
            "--drafts",
            help=f"Check purchase-order drafts ({DRAFTS_FILE}, or the plan folder holding it) against the catalog "
            "and suppliers of --data, instead of checking the input files.",
        ),
    ] = None,
    run_budget: Annotated[
        float | None,
        typer.Option("--run-budget", help="With --drafts: the most all orders together may cost.", min=0),
    ] = None,
) -> None:
    """Validate the input files with the Great Expectations suites under validations/suites/.

    Prints a short summary naming failing rows by file and row number, writes the full result, Data Docs and
    quarantined warning rows to the out folder. Exits 0 when no critical rule failed, 1 when one did.
    With --drafts, checks purchase-order drafts instead and prints one line per problem (PO, SKU, location,
    field and value, and the fix); exits 1 when a critical rule failed.
    """
    from stockgate.adapters.sources import load_inputs
    from validations.inputs import validate_inputs

    if drafts is not None:
        validate_drafts(data, drafts, run_budget=run_budget)
        return
    if run_budget is not None:
        raise InputError("--run-budget applies only with --drafts.", hint="Add --drafts PATH or leave it out.")
    day = _parse_day(today)
    bundle = load_inputs(data)
    report = validate_inputs(bundle, out_dir=out or data / "validation", today=day)
    print_report(report)
    if not report.ok:
        err_console.print("[bold red]Critical data-quality rules failed[/]: fix the rows above and run again.")
        raise typer.Exit(code=ValidationFailed.exit_code)


def validate_drafts(data: Path, drafts: Path, *, run_budget: float | None = None) -> None:
    """Check the drafts at ``drafts`` against ``data``'s catalog and suppliers; print; exit 1 on a critical rule."""
    from stockgate.adapters.sources import load_inputs
    from validations.purchase_orders import validate_purchase_orders

    path, orders = read_drafts(drafts)
    bundle = load_inputs(data)
    result = validate_purchase_orders(orders, catalog=bundle.catalog, suppliers=bundle.suppliers, run_budget=run_budget)
    print_draft_result(path, len(orders), result)
    if not result.ok:
        err_console.print(
            "[bold red]The drafts fail critical checks[/]: fix the lines above before asking for approval.",
            highlight=False,
        )
        raise typer.Exit(code=ValidationFailed.exit_code)


def read_drafts(path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The orders of a purchase_orders.json (``path`` or ``path/purchase_orders.json``), raw as written.

    InputError (exit 2) when the file is missing, is not JSON, or is not a list of orders with lines.
    """
    file = path / DRAFTS_FILE if path.is_dir() else path
    if not file.is_file():
        raise InputError("drafts file not found.", file=str(file), hint=f"Give {DRAFTS_FILE} or the plan folder.")
    try:
        orders = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"is not valid JSON ({exc}).", file=str(file), hint="Write it again with stockgate plan."
        ) from None
    bad = (
        not isinstance(orders, list)
        or not orders
        or not all(isinstance(o, dict) and isinstance(o.get("lines"), list) for o in orders)
    )
    if bad:
        raise InputError(
            "must be a JSON list of purchase orders, each with a 'lines' list.",
            file=str(file),
            hint="It is the purchase_orders.json that stockgate plan writes.",
        )
    return file, orders


def print_draft_result(path: Path, orders: int, result: DraftValidation) -> None:
    """A head line, one line per problem (critical red, warning yellow), then the verdict."""
    console.print(
        f"Purchase-order drafts {path}: {orders} order(s), {result.row_count} line(s); "
        f"{result.passed_count} of {len(result.outcomes)} checks passed.",
        highlight=False,
        soft_wrap=True,
    )
    for problem in result.problems:
        style = "red" if problem.severity == "critical" else "yellow"
        console.print(f"[{style}]{problem.severity.upper()}[/] {problem.message}", highlight=False, soft_wrap=True)
    counts = f"{len(result.critical_problems)} critical, {len(result.warning_problems)} warning"
    verdict = "[green]OK[/]" if result.ok else "[bold red]FAILED[/]"
    console.print(f"{verdict} - {counts}", highlight=False)


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--today '{text}' is not a date.", hint="Write it as YYYY-MM-DD.") from None


def print_report(report: InputValidationReport) -> None:
    """A table per input (checks, failures, quarantined rows), then one line per failed rule, then file paths."""
    from validations.report import outcome_line

    table = Table(title="Input validation", title_justify="left")
    for column in ("input", "file", "rows", "passed", "critical", "warning", "set aside"):
        table.add_column(column, justify="right" if column not in ("input", "file") else "left", no_wrap=True)
    for check in report.checks.values():
        result = check.result
        critical = len(result.critical_failures)
        table.add_row(
            check.name,
            Path(check.file).name,
            str(result.row_count),
            f"{result.passed_count}/{len(result.outcomes)}",
            f"[red]{critical}[/]" if critical else "0",
            str(len(result.warnings)),
            str(len(check.quarantined_rows)),
        )
    console.print(table)
    for name, check in report.checks.items():
        for outcome in check.failed:
            style = "red" if outcome.severity == "critical" else "yellow"
            console.print(f"[{style}]{name}[/] {outcome_line(check.file, outcome)}", highlight=False, soft_wrap=True)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    verdict = "[green]OK[/]" if report.ok else "[bold red]FAILED[/]"
    docs = report.docs_index or "not built (see the log)"
    console.print(f"{verdict} - full result {report.result_file}; Data Docs {docs}", highlight=False)
