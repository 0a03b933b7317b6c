"""Generator settings: sizes, seed and dates, checked once, plus the derived counts every step uses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from stockgate.errors import StockgateError

DEFAULT_END = date(2026, 10, 31)
"""Last sales day when neither ``start`` nor ``end`` is given (fixed so output is reproducible)."""

BLOCK = 1000
"""Series per random block: noise is drawn per block, so in-memory and chunked output are identical."""

MIN_DAYS = 28
MAX_SERIES = 1_000_000


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate: ``n_series`` SKU x location series over ``n_days`` days ending on ``end``."""

    n_series: int
    n_days: int
    seed: int
    end: date
    n_locations: int
    n_suppliers: int
    freq: str = "D"

    @property
    def start(self) -> date:
        """First sales day."""
        return self.end - timedelta(days=self.n_days - 1)

    @property
    def n_skus(self) -> int:
        """Catalog size: series are SKU-major, each SKU stocked at up to ``n_locations`` locations."""
        return math.ceil(self.n_series / self.n_locations)

    @property
    def n_blocks(self) -> int:
        """Number of random blocks of ``BLOCK`` series."""
        return math.ceil(self.n_series / BLOCK)

    def rng(self, *stream: int) -> np.random.Generator:
        """An independent random stream for ``stream`` (e.g. ``(2, block)``), derived from the seed."""
        return np.random.default_rng([self.seed, *stream])


def _check(ok: bool, message: str, hint: str) -> None:
    if not ok:
        raise StockgateError(message, hint=hint)


def make_config(
    *,
    n_series: int,
    n_days: int,
    seed: int,
    start: date | None = None,
    end: date | None = None,
    n_locations: int | None = None,
    n_suppliers: int | None = None,
    freq: str = "D",
) -> GeneratorConfig:
    """Check the arguments and fill defaults; StockgateError with a fix hint when one is out of range.

    With ``freq="W"`` the window is cut to whole Monday-Sunday weeks (``n_days`` rounded down to weeks).
    """
    _check(freq in ("D", "W"), f"freq must be D (daily) or W (weekly), got {freq!r}.", "Pass --freq D or W.")
    _check(1 <= n_series <= MAX_SERIES, f"series must be between 1 and {MAX_SERIES}, got {n_series}.", "Pass e.g. 200.")
    _check(n_days >= MIN_DAYS, f"days must be at least {MIN_DAYS}, got {n_days}.", "Pass e.g. 730 for two years.")
    _check(seed >= 0, f"seed must be a non-negative integer, got {seed}.", "Pass e.g. 42.")
    _check(start is None or end is None, "give start or end, not both.", "Drop one of them.")
    if n_locations is None:
        n_locations = max(1, min(10, n_series // 10))
    _check(
        1 <= n_locations <= n_series,
        f"locations must be between 1 and the number of series ({n_series}), got {n_locations}.",
        "Pass fewer locations or more series.",
    )
    n_skus = math.ceil(n_series / n_locations)
    if n_suppliers is None:
        n_suppliers = max(3, min(12, n_skus // 25))
    _check(n_suppliers >= 1, f"suppliers must be at least 1, got {n_suppliers}.", "Pass e.g. 4.")
    if freq == "W":
        n_days -= n_days % 7
        start = start + timedelta(days=-start.weekday() % 7) if start is not None else None
        end = end - timedelta(days=(end.weekday() + 1) % 7) if end is not None else None
    if end is None:
        default_end = DEFAULT_END - timedelta(days=(DEFAULT_END.weekday() + 1) % 7 if freq == "W" else 0)
        end = start + timedelta(days=n_days - 1) if start is not None else default_end
    return GeneratorConfig(n_series, n_days, seed, end, n_locations, n_suppliers, freq)
