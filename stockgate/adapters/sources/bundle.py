"""``load_inputs``: the four contract inputs of a data folder, typed, with line numbers for error messages."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from stockgate.adapters.sources.convert import coerce
from stockgate.adapters.sources.files import DEFAULT_MAX_BYTES, read_table
from stockgate.adapters.sources.freq import infer_freq
from stockgate.domain.contracts import INPUTS, InputSpec
from stockgate.errors import InputError

if TYPE_CHECKING:
    from validations.outcomes import ExpectationOutcome

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".parquet")
"""Extensions looked for, in order, for each input of a data folder."""

DEFAULTS: dict[str, dict[str, Any]] = {
    "sales": {"promo": False},
    "inventory": {"backorders": 0.0, "on_order": 0.0},
    "suppliers": {"lead_time_std_days": 0.0},
}
"""Values given to optional columns that are absent or empty; other optional columns stay empty (NaN / NaT)."""

_EMPTY: dict[str, Any] = {"str": "str", "float": "float64", "int": "float64", "date": "datetime64[ns]", "bool": "bool"}


@dataclass
class InputBundle:
    """The four inputs as typed DataFrames with contract column names and an int64 ``_row`` (line in the file).

    Each frame's ``attrs["source_file"]`` holds the path it was read from, for messages that name the file.
    """

    sales: pd.DataFrame
    catalog: pd.DataFrame
    inventory: pd.DataFrame
    suppliers: pd.DataFrame
    files: dict[str, Path]
    freq: str
    notes: list[str] = field(default_factory=list)

    def frame(self, name: str) -> pd.DataFrame:
        """The input called ``name`` ("sales", "catalog", "inventory" or "suppliers")."""
        return {"sales": self.sales, "catalog": self.catalog, "inventory": self.inventory, "suppliers": self.suppliers}[
            name
        ]

    def warnings_by_sku(self, failures: Iterable[tuple[str, ExpectationOutcome]]) -> dict[str, list[str]]:
        """The failed rules that touch each SKU, in plain words (``"inventory: <why>"``), for the data_warning flag.

        ``failures`` are ``(input name, outcome)`` pairs, as ``InputValidationReport.warnings`` lists them; call
        this on the bundle as loaded (before quarantine), so the rows the outcomes name can be found.
        """
        found: dict[str, set[str]] = defaultdict(set)
        for name, outcome in failures:
            frame = self.frame(name)
            if "sku" not in frame.columns or "_row" not in frame.columns or not outcome.failing_rows:
                continue
            touched = frame.loc[frame["_row"].isin(outcome.failing_rows), "sku"].astype(str).unique()
            for sku in touched:
                found[sku].add(f"{name}: {outcome.description}")
        return {sku: sorted(texts) for sku, texts in found.items()}


def find_input_file(data_dir: Path, name: str) -> Path:
    """``data_dir/<name>.csv`` or ``.parquet``; InputError when neither or both exist."""
    candidates = [data_dir / f"{name}{suffix}" for suffix in SUFFIXES]
    present = [path for path in candidates if path.exists()]
    if len(present) == 1:
        return present[0]
    if present:
        raise InputError(f"both {present[0].name} and {present[1].name} exist.", file=str(data_dir), hint="Keep one.")
    raise InputError(
        f"file not found: expected {name}.csv or {name}.parquet.",
        file=str(data_dir),
        hint="Put the file in the folder (see docs/data-contract.md), or create demo data with "
        "`stockgate data generate --out DIR`.",
    )


def load_input(
    path: Path,
    spec: InputSpec,
    *,
    currency: str = "EUR",
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[pd.DataFrame, list[str]]:
    """One input file read and typed per ``spec``, optional columns added with their defaults."""
    required = {c.name: c.kind for c in spec.columns if c.required}
    optional = {c.name: c.kind for c in spec.columns if not c.required}
    raw = read_table(path, columns=required, optional=optional, encoding=encoding, max_bytes=max_bytes)
    frame = coerce(raw.frame, {**required, **optional}, file=str(path))
    defaults = {**DEFAULTS.get(spec.name, {}), **({"currency": currency} if spec.name == "suppliers" else {})}
    for column in spec.columns:
        if column.name not in frame.columns:
            frame[column.name] = pd.Series(None, index=frame.index, dtype=_EMPTY[column.kind])
        if column.name in defaults:
            frame[column.name] = (
                frame[column.name].fillna(defaults[column.name]).astype(pd.api.types.pandas_dtype(_EMPTY[column.kind]))
            )
    frame = frame[[*spec.names, "_row"]]
    frame.attrs["source_file"] = str(path)
    return frame, raw.notes


def load_inputs(
    data_dir: Path, *, currency: str = "EUR", encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> InputBundle:
    """Read sales, catalog, inventory and suppliers (``.csv`` or ``.parquet``) from ``data_dir``.

    Raises InputError/ColumnError naming file, column and rows for anything that cannot be read as the
    contract says. Duplicate rows and other data-quality rules are left to the validation suites.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError("data folder not found.", file=str(data_dir), hint="Give the folder holding sales.csv etc.")
    files = {name: find_input_file(data_dir, name) for name in INPUTS}
    frames: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    for name, spec in INPUTS.items():
        frames[name], file_notes = load_input(
            files[name], spec, currency=currency, encoding=encoding, max_bytes=max_bytes
        )
        notes.extend(file_notes)
    for note in notes:
        log.warning(note)
    freq = infer_freq(frames["sales"]["date"], file=str(files["sales"]))
    return InputBundle(**frames, files=files, freq=freq, notes=notes)
