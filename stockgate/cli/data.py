"""``stockgate data ...``: generate demo data in the Stockgate input contract."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from stockgate.cli.common import console, handle_errors
from stockgate.errors import StockgateError

app = typer.Typer(help="Create and inspect data folders in the Stockgate input contract.", no_args_is_help=True)


class FileFormat(StrEnum):
    """File formats the generator writes."""

    CSV = "csv"
    PARQUET = "parquet"


@app.command("generate")
@handle_errors
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write sales, catalog, inventory and suppliers to.")],
    series: Annotated[int, typer.Option("--series", help="Number of SKU x location series (1 or more).")] = 200,
    days: Annotated[int, typer.Option("--days", help="Days of sales history (28 or more).")] = 730,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives byte-identical files.")] = 42,
    fmt: Annotated[FileFormat, typer.Option("--format", help="File format.")] = FileFormat.CSV,
    locations: Annotated[
        int | None, typer.Option("--locations", help="Number of stores (default: series/10, at most 10).")
    ] = None,
    suppliers: Annotated[int | None, typer.Option("--suppliers", help="Number of suppliers (default 3-12).")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First sales day, YYYY-MM-DD (default: ends 2026-10-31).")
    ] = None,
    freq: Annotated[str, typer.Option("--freq", help="D: daily rows; W: weekly totals dated by their Monday.")] = "D",
    truth: Annotated[
        bool, typer.Option("--with-truth", help="Also write _truth/profiles and _truth/stockouts (not inputs).")
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace input files already in --out.")] = False,
) -> None:
    """Generate a seeded synthetic retail data set: seasonality, promotions, holidays, stock-outs and more."""
    from stockgate.domain.generator import write_dataset

    summary = write_dataset(
        out_dir=out, n_series=series, n_days=days, seed=seed, fmt=fmt.value, start=_parse_day(start),
        n_locations=locations, n_suppliers=suppliers, freq=freq.upper(), include_truth=truth, overwrite=overwrite,
    )  # fmt: skip
    for name, path in summary.files.items():
        console.print(f"  {name:<10} {summary.rows[name]:>12,} rows  {path}", highlight=False)
    console.print(f"Wrote {len(summary.files)} files to {out} in {summary.seconds:.1f} s.", highlight=False)


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise StockgateError(f"--start {text!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2024-11-01.") from None
