"""``stockgate report``: the learning report from the ledger, as rich tables or ``--json``.

It reads only: forecast value added of the stored snapshots against actual sales, per reason category, SKU
class and approver; decision statistics; suggested policy changes and learned forecast adjustments. Nothing is
applied: adjustments are switched on only by a person listing them in the adjustments file (docs/learning.md).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from stockgate.cli.common import console, handle_errors
from stockgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from stockgate.domain.learning.report import LearningReport

_TITLES = {
    "fva-overall": "Forecast value added (WAPE and bias in %, pp = WAPE points saved)",
    "fva-by-reason": "By reason category of the edit",
    "fva-by-class": "By SKU class (ABC)",
    "fva-by-approver": "By person",
    "edit-verdicts": "Did edits help or hurt? (edited lines only)",
    "adjustments": "Learned forecast adjustments (proposals; off unless enabled in the adjustments file)",
    "decisions": "Decisions: outcomes, latency, routes, expiries, rejections by reason",
}


def _table(title: str, frame: pd.DataFrame) -> Table:
    import pandas as pd

    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: object) -> str:
    if value is None or value != value:  # None or NaN
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:,.1f}"
    return str(value)


def _show(report: LearningReport) -> None:
    console.print(f"[bold]Learning report[/], {report.weeks} weeks to {report.as_of.isoformat()}", highlight=False)
    snaps = report.snapshots
    console.print(f"Forecast snapshots: {snaps.get('snapshots', 0)} (latest {snaps.get('latest_as_of')}); measured "
                  f"order lines: {report.measured_lines}; waiting for actuals: {report.pending_lines}.",
                  highlight=False)  # fmt: skip
    for finding in report.findings():
        console.print(f"- {finding}", highlight=False)
    for name, frame in report.tables().items():
        if len(frame):
            console.print(_table(_TITLES[name], frame))
    console.print("[bold]Suggested policy changes[/]")
    for suggestion in report.suggestions or []:
        console.print(f"- {suggestion.text}", highlight=False)
    if not report.suggestions:
        console.print("- None: the decision history does not support a change yet.")
    from stockgate.domain.learning.report import ENABLE_HINT

    console.print(f"[dim]{ENABLE_HINT}[/]", highlight=False)


@handle_errors
def report(
    weeks: Annotated[int, typer.Option("--weeks", min=1, help="Weeks of decisions to look back over.")] = 8,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Last day (YYYY-MM-DD); default: today.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    ledger_url: Annotated[str | None, typer.Option("--ledger", help="Ledger URL (default: settings).")] = None,
    adjustments: Annotated[
        Path | None, typer.Option("--adjustments", help="Adjustments file (default: STOCKGATE_ADJUSTMENTS_FILE).")
    ] = None,
    lines: Annotated[
        Path | None, typer.Option("--lines", help="Also write every decided order line with its measurement (CSV).")
    ] = None,
) -> None:
    """What people's edits did to forecast accuracy, how decisions are made, and what the history suggests."""
    from stockgate.adapters.ledger import Ledger
    from stockgate.services.learning import learning_report
    from stockgate.settings import get_settings

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ConfigError(f"--as-of '{as_of}' is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-11-21.") from None
    if lines is not None and not lines.parent.is_dir():
        raise ConfigError(
            f"--lines {lines}: the folder {lines.parent} does not exist, so the order lines cannot be written there.",
            hint=f"Create it first (mkdir -p {lines.parent}) or give --lines a path in an existing folder.",
        )
    settings = get_settings()
    built = learning_report(Ledger(ledger_url or settings.resolved_ledger_url), as_of=day, weeks=weeks,
                            adjustments_file=adjustments or settings.resolved_adjustments_file)  # fmt: skip
    if lines is not None:
        try:
            built.lines.to_csv(lines, index=False, date_format="%Y-%m-%d")
        except OSError as exc:
            raise ConfigError(
                f"--lines {lines} cannot be written: {exc.strerror or exc}.",
                hint="Give --lines a writable file path (for example lines.csv in the current folder).",
            ) from None
    if json_out:
        typer.echo(json.dumps(built.to_dict(), indent=2))
        return
    _show(built)
    if lines is not None:
        console.print(f"{len(built.lines)} order lines written to {lines}.", highlight=False)
