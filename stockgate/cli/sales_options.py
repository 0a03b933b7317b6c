"""The sales options every command that reads sales shares: where the sales are and how their columns map.

Use the ``sales_options`` decorator on a Typer command that takes a ``sales: SalesOptions`` parameter; the
command gets ``--sales --id-cols --date-col --target-col --format --calendar --prices --freq --query
--encoding --date-format --max-input-bytes`` and calls ``sales.load()``::

    @app.command()
    @handle_errors
    @sales_options
    def forecast(sales: SalesOptions, horizon: int = 28) -> None:
        frame = sales.load()

Examples: Kaggle store-item ``--sales train.csv --id-cols store,item --date-col date --target-col sales``;
Walmart ``--id-cols Store,Dept --date-col Date --target-col Weekly_Sales``; M5 ``--sales
sales_train_validation.csv --format m5 --calendar calendar.csv --prices sell_prices.csv``; SQL
``--sales sqlite:///shop.db --query "select ..."``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stockgate.cli.common import split_csv_option

if TYPE_CHECKING:
    from stockgate.adapters.sources import SalesFrame, SalesMapping

DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3
_PANEL = "Sales input"


@dataclass(frozen=True)
class SalesOptions:
    """The values of the sales options, turned into a mapping and loaded on demand."""

    sales: str | None = None
    id_cols: str | None = None
    date_col: str = "date"
    target_col: str = "units"
    format: str = "long"
    calendar: Path | None = None
    prices: Path | None = None
    freq: str | None = None
    query: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES

    def mapping(self) -> SalesMapping:
        """The column mapping these options describe."""
        from stockgate.adapters.sources import SalesMapping
        from stockgate.errors import InputError

        if self.format not in ("long", "m5"):
            raise InputError(f"unknown --format '{self.format}'.", hint="Use --format long or --format m5.")
        ids = split_csv_option(self.id_cols)
        return SalesMapping(
            id_cols=tuple(ids) if ids else None,
            date_col=self.date_col,
            target_col=self.target_col,
            format="m5" if self.format == "m5" else "long",
            calendar=self.calendar,
            prices=self.prices,
            date_format=self.date_format,
        )

    def load(self, *, default: Path | None = None) -> SalesFrame:
        """Load the sales (``default``, e.g. a data folder, when ``--sales`` was not given)."""
        from stockgate.adapters.sources import load_sales
        from stockgate.errors import InputError

        source = self.sales or (str(default) if default is not None else None)
        if source is None:
            raise InputError("no sales given.", hint="Add --sales FILE (or a data folder, or a SQL URL with --query).")
        return load_sales(
            source,
            mapping=self.mapping(),
            freq=self.freq,
            query=self.query,
            encoding=self.encoding,
            max_bytes=self.max_input_bytes,
        )


def _option(*names: str, help: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=help, rich_help_panel=_PANEL, **kwargs)


OPTIONS: dict[str, tuple[Any, Any]] = {
    "sales": (
        Annotated[str | None, _option("--sales", help="Sales file (.csv/.parquet), data folder, or SQL URL.")],
        None,
    ),
    "id_cols": (
        Annotated[str | None, _option("--id-cols", help="Columns naming a series, e.g. 'store,item'.")],
        None,
    ),
    "date_col": (Annotated[str, _option("--date-col", help="Column holding the date.")], "date"),
    "target_col": (Annotated[str, _option("--target-col", help="Column holding units sold.")], "units"),
    "format": (Annotated[str, _option("--format", help="'long' (one row per day) or 'm5' (d_1..d_N).")], "long"),
    "calendar": (Annotated[Path | None, _option("--calendar", help="M5 calendar.csv (maps d_N to dates).")], None),
    "prices": (Annotated[Path | None, _option("--prices", help="M5 sell prices file (optional).")], None),
    "freq": (
        Annotated[str | None, _option("--freq", help="D or W-MON..W-SUN; inferred if left out; days sum to weeks.")],
        None,
    ),
    "query": (Annotated[str | None, _option("--query", help="SQL query (or table name) for a SQL URL.")], None),
    "encoding": (Annotated[str | None, _option("--encoding", help="Text encoding if not UTF-8, e.g. cp1252.")], None),
    "date_format": (
        Annotated[str | None, _option("--date-format", help="Date format if not ISO, e.g. '%d.%m.%Y'.")],
        None,
    ),
    "max_input_bytes": (
        Annotated[
            int,
            _option("--max-input-bytes", help="Refuse files larger than this.", envvar="STOCKGATE_MAX_INPUT_BYTES"),
        ],
        DEFAULT_MAX_INPUT_BYTES,
    ),
}
"""Parameter name -> (annotated type, default) of each sales option."""


def sales_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a Typer command the sales options; it receives them as one ``sales: SalesOptions`` argument."""
    signature = inspect.signature(func, eval_str=True)
    kept = [param for name, param in signature.parameters.items() if name != "sales"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
        for name, (annotation, default) in OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in OPTIONS if name in kwargs}
        return func(*args, sales=SalesOptions(**values), **kwargs)

    parameters = sorted([*kept, *added], key=lambda p: p.kind)
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper
