"""The types of ``load_sales``: how a user's columns map onto the long frame, and the long frame itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

SalesFormat = Literal["long", "m5"]

MAP_WITH = "--id-cols, --date-col or --target-col (SalesMapping in Python)"
"""How a user of ``load_sales`` maps their own columns; named in the hint of a missing column."""
FORMAT_WITH = "--date-format (SalesMapping.date_format in Python)"
"""How a user of ``load_sales`` gives a date format; named in the hint of a value that is not a date."""


@dataclass(frozen=True)
class SalesMapping:
    """Which of the user's columns hold the series ids, the date, the units, and optionally price and promotion.

    ``id_cols=None`` means the format's default: ``("location", "sku")`` for long files (the contract),
    ``("store_id", "item_id")`` for M5. Price and promo columns are used when the file has them.
    """

    id_cols: tuple[str, ...] | None = None
    date_col: str = "date"
    target_col: str = "units"
    price_col: str | None = "price"
    promo_col: str | None = "promo"
    format: SalesFormat = "long"
    calendar: Path | None = None
    prices: Path | None = None
    date_format: str | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        """The id columns, defaulted per format."""
        if self.id_cols:
            return tuple(self.id_cols)
        return ("store_id", "item_id") if self.format == "m5" else ("location", "sku")


@dataclass
class SalesFrame:
    """Long sales (``unique_id, ds, y`` [+ ``price``, ``promo``] + id columns), its period and where it came from."""

    frame: pd.DataFrame
    freq: str
    id_cols: tuple[str, ...]
    source: str
    notes: list[str] = field(default_factory=list)

    @property
    def n_series(self) -> int:
        """Number of distinct series."""
        return int(self.frame["unique_id"].nunique())
