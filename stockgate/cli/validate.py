"""``stockgate validate``: check a data folder with the input suites and say, in short, what is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from stockgate.cli.common import console, err_console, handle_errors
from stockgate.errors import InputError, ValidationFailed

if TYPE_CHECKING:
    from validations.report import InputValidationReport


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
) -> None:
    """Validate the input files with the Great Expectations suites under validations/suites/.

    Prints a short summary naming failing rows by file and row number, writes the full result, Data Docs and
    quarantined warning rows to the out folder. Exits 0 when no critical rule failed, 1 when one did.
    """
    from stockgate.adapters.sources import load_inputs
    from validations.inputs import validate_inputs

    day = _parse_day(today)
    bundle = load_inputs(data)
    report = validate_inputs(bundle, out_dir=out or data / "validation", today=day)
    print_report(report)
    if not report.ok:
        err_console.print("[bold red]Critical data-quality rules failed[/]: fix the rows above and run again.")
        raise typer.Exit(code=ValidationFailed.exit_code)


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
