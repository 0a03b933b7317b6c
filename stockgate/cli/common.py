"""Helpers shared by the commands: error rendering, consoles, and the sales column-mapping options."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from stockgate.errors import StockgateError

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)
log = logging.getLogger("stockgate.cli")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a StockgateError into its message on stderr and its exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except StockgateError as exc:
            log.debug("command failed", exc_info=True)
            err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper


def split_csv_option(value: str | None) -> list[str] | None:
    """``"store,item"`` -> ``["store", "item"]``; None stays None."""
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def configure_logging(verbose: bool = False, **_: Any) -> None:
    """Log to stderr at INFO (DEBUG with ``verbose``)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
