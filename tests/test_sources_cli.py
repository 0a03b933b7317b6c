"""The shared --sales options: a Typer command gets them by decorator and reads any format by flags alone."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from stockgate.cli.common import handle_errors
from stockgate.cli.sales_options import SalesOptions, sales_options
from tests.sources_fixtures import KAGGLE_CSV, WALMART_CSV, m5_files, write

app = typer.Typer()


@app.command()
@handle_errors
@sales_options
def show(sales: SalesOptions, limit: int = 3) -> None:
    """Print what was loaded."""
    frame = sales.load()
    typer.echo(f"series={frame.n_series} freq={frame.freq} rows={len(frame.frame)} limit={limit}")


@app.command()
def other() -> None:
    """A second command so Typer keeps sub-commands."""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["show", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_kaggle_flags(tmp_path: Path) -> None:
    """--id-cols store,item --date-col date --target-col sales reads the Kaggle file."""
    path = write(tmp_path / "train.csv", KAGGLE_CSV)
    code, out = _run("--sales", str(path), "--id-cols", "store,item", "--target-col", "sales", "--limit", "5")
    assert (code, out.strip()) == (0, "series=2 freq=D rows=6 limit=5")


def test_walmart_flags_and_weekly_freq(tmp_path: Path) -> None:
    """Walmart's columns by flags give weekly W-FRI sales."""
    path = write(tmp_path / "walmart.csv", WALMART_CSV)
    args = ["--sales", str(path), "--id-cols", "Store,Dept", "--date-col", "Date", "--target-col", "Weekly_Sales"]
    assert _run(*args) == (0, "series=2 freq=W-FRI rows=6 limit=3\n")


def test_m5_flags(tmp_path: Path) -> None:
    """--format m5 --calendar --prices reads the wide file."""
    sales, calendar, prices = m5_files(tmp_path)
    code, out = _run("--sales", str(sales), "--format", "m5", "--calendar", str(calendar), "--prices", str(prices))
    assert (code, out) == (0, "series=2 freq=D rows=6 limit=3\n")


def test_bad_column_is_a_message_and_exit_code_2(tmp_path: Path) -> None:
    """A misspelt --target-col prints the error with a suggestion and exits 2, without a traceback."""
    path = write(tmp_path / "train.csv", KAGGLE_CSV)
    code, out = _run("--sales", str(path), "--id-cols", "store,item", "--target-col", "sale")
    assert code == 2
    assert "Did you mean 'sales'" in out and "Traceback" not in out


def test_size_limit_from_environment(tmp_path: Path) -> None:
    """STOCKGATE_MAX_INPUT_BYTES sets the size limit for every command."""
    path = write(tmp_path / "train.csv", KAGGLE_CSV)
    result = CliRunner().invoke(
        app, ["show", "--sales", str(path), "--target-col", "sales"], env={"STOCKGATE_MAX_INPUT_BYTES": "10"}
    )
    assert result.exit_code == 2 and "above the limit" in result.output


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    """--format xlsx is refused with the accepted values."""
    code, out = _run("--sales", str(write(tmp_path / "t.csv", KAGGLE_CSV)), "--format", "xlsx")
    assert code == 2 and "--format long or --format m5" in out


def test_options_appear_in_help() -> None:
    """--help lists the sales options in their own panel."""
    out = CliRunner().invoke(app, ["show", "--help"]).output
    for flag in ("--sales", "--id-cols", "--date-col", "--target-col", "--format", "--calendar", "--freq", "--query"):
        assert flag in out
