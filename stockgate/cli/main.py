"""The ``stockgate`` command line: one Typer app; each command group lives in its own module.

Heavy libraries (Prefect, Great Expectations, LightGBM) are imported inside the commands so that
``stockgate --help`` stays fast.
"""

from __future__ import annotations

import typer

from stockgate.cli import approvals, data
from stockgate.cli.copy import copy as copy_command
from stockgate.cli.demo import demo
from stockgate.cli.forecast import forecast
from stockgate.cli.gateway import gateway
from stockgate.cli.plan import plan
from stockgate.cli.report import report
from stockgate.cli.ui import ui
from stockgate.cli.validate import validate

app = typer.Typer(
    name="stockgate",
    help=(
        "Stockgate forecasts retail demand, drafts purchase orders and marketing copy, checks them with "
        "data-quality rules, and stops at a human approval gate before anything is ordered or published."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Command groups register here, one line each.
app.add_typer(data.app, name="data")
app.add_typer(approvals.app, name="approvals")
app.command("gateway")(gateway)
app.command("plan")(plan)
app.command("copy")(copy_command)
app.command("validate")(validate)
app.command("forecast")(forecast)
app.command("demo")(demo)
app.command("report")(report)
app.command("ui")(ui)
# (more commands are registered below as they land)
