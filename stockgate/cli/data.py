"""``stockgate data ...``: generate demo data (the generator lands with the foundation issue)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Create and inspect data folders in the Stockgate input contract.", no_args_is_help=True)
