"""``load_sales``: sales in a user's own shape (long file, M5 wide, SQL query) as the long frame the forecaster uses.

The result has ``unique_id`` (id columns joined with "/"), ``ds``, ``y`` (+ ``price``, ``promo`` when present)
and the original id columns, sorted by series and date, plus the period (inferred, or given and checked).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from stockgate.adapters.sources.bundle import find_input_file
from stockgate.adapters.sources.columns import resolve_columns
from stockgate.adapters.sources.convert import category_to_str, coerce, to_category
from stockgate.adapters.sources.files import DEFAULT_MAX_BYTES, header_names, read_table
from stockgate.adapters.sources.freq import infer_freq, normalize_freq, week_start
from stockgate.adapters.sources.sales_types import FORMAT_WITH, MAP_WITH, SalesFrame, SalesMapping
from stockgate.adapters.sources.sql import is_sql_url, read_sql, redact_url
from stockgate.domain.contracts import UNIQUE_ID_SEP
from stockgate.errors import InputError

log = logging.getLogger(__name__)

LONG_COLUMNS = ("unique_id", "ds", "y")


def load_sales(
    source: str | Path,
    *,
    mapping: SalesMapping | None = None,
    freq: str | None = None,
    query: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SalesFrame:
    """Read sales from a file, a contract data folder, an M5 wide file or a SQL URL + query into a SalesFrame.

    ``freq`` overrides the inferred period; daily data given a weekly ``freq`` (``"W-MON"``) is summed into
    weeks labelled by their first day. Errors are InputError/ColumnError naming file, column and rows.
    """
    mapping = mapping or SalesMapping()
    if is_sql_url(str(source)):
        raw, label = read_sql(str(source), query), redact_url(str(source))
        required, optional = _wanted(mapping)
        header = [name for name in raw.columns if name != "_row"]
        found, notes = resolve_columns(header, required=required, optional=optional, file=label, map_with=MAP_WITH)
        raw = raw.rename(columns={actual: wanted for wanted, actual in found.items()})[[*found, "_row"]]
    elif mapping.format == "m5":
        from stockgate.adapters.sources.m5 import read_m5

        raw, notes = read_m5(Path(source), mapping, encoding=encoding, max_bytes=max_bytes)
        label = str(source)
    else:
        raw, notes, label = _read_long_file(Path(source), mapping, encoding=encoding, max_bytes=max_bytes)
    return to_sales_frame(raw, mapping=mapping, freq=freq, source=label, notes=notes)


def _wanted(mapping: SalesMapping) -> tuple[list[str], list[str]]:
    optional = [c for c in (mapping.price_col, mapping.promo_col) if c]
    return [*mapping.ids, mapping.date_col, mapping.target_col], optional


def _read_long_file(
    path: Path, mapping: SalesMapping, *, encoding: str | None, max_bytes: int
) -> tuple[pd.DataFrame, list[str], str]:
    if path.is_dir():
        path = find_input_file(path, "sales")
    if mapping.date_col not in header_names(path, encoding=encoding) and _looks_wide(path, encoding):
        raise InputError(
            "looks like an M5 wide file (columns d_1, d_2, ...).",
            file=str(path),
            hint="Read it with --format m5 --calendar calendar.csv [--prices sell_prices.csv].",
        )
    columns, optional = _kinds(mapping)
    raw = read_table(
        path, columns=columns, optional=optional, encoding=encoding, max_bytes=max_bytes, map_with=MAP_WITH
    )
    return raw.frame, raw.notes, str(path)


def _kinds(mapping: SalesMapping) -> tuple[dict[str, str], dict[str, str]]:
    """Contract kinds of the required and the optional mapped columns."""
    required = {**dict.fromkeys(mapping.ids, "str"), mapping.date_col: "date", mapping.target_col: "float"}
    optional = {name: kind for name, kind in ((mapping.price_col, "float"), (mapping.promo_col, "bool")) if name}
    return required, optional


def _looks_wide(path: Path, encoding: str | None) -> bool:
    return sum(name.startswith("d_") for name in header_names(path, encoding=encoding)) > 1


def to_sales_frame(
    raw: pd.DataFrame, *, mapping: SalesMapping, freq: str | None, source: str, notes: list[str]
) -> SalesFrame:
    """Type the mapped columns, check they are filled, build ``unique_id, ds, y`` and settle the period."""
    required, optional = _kinds(mapping)
    kinds = {name: kind for name, kind in {**required, **optional}.items() if name not in mapping.ids}
    raw = coerce(raw, kinds, file=source, date_format=mapping.date_format, format_with=FORMAT_WITH)
    for column in mapping.ids:
        raw[column] = to_category(raw[column])
    for column in [*mapping.ids, mapping.date_col, mapping.target_col]:
        _require_filled(raw, column, source)
    frame = pd.DataFrame({"unique_id": make_ids(raw, mapping.ids), "ds": raw[mapping.date_col]})
    frame["y"] = raw[mapping.target_col].astype("float64")
    for extra, source_column in (("price", mapping.price_col), ("promo", mapping.promo_col)):
        if source_column and source_column in raw.columns:
            frame[extra] = raw[source_column]
    for column in mapping.ids:
        frame[column] = raw[column]
    frame, freq = _settle_freq(frame, freq, mapping.ids, source, notes)
    frame = frame.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    for column in ("unique_id", *mapping.ids):
        frame[column] = category_to_str(frame[column])
    for note in notes:
        log.warning(note)
    return SalesFrame(frame, freq, tuple(mapping.ids), source, notes)


def _require_filled(raw: pd.DataFrame, column: str, source: str) -> None:
    empty = raw[column].isna().to_numpy()
    if empty.any():
        raise InputError(
            f"{int(empty.sum())} empty cell(s) in a column every row needs.",
            file=source,
            column=column,
            rows=raw.loc[empty, "_row"].tolist(),
            hint="Fill them (0 for days without sales) or remove those rows.",
        )


def make_ids(frame: pd.DataFrame, id_cols: tuple[str, ...]) -> pd.Series:
    """Series ids as a categorical with sorted labels: id values joined with "/" (``"S01/SKU1"``).

    Works on the id columns' category codes, so labels are built once per distinct series, not per row.
    """
    columns = [to_category(frame[column]) for column in id_cols]
    sizes = [len(column.cat.categories) for column in columns]
    codes = np.zeros(len(frame), dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        codes = codes * size + column.cat.codes.to_numpy(dtype=np.int64)
    present, inverse = _dense_codes(codes, int(np.prod(sizes, dtype=np.float64)))
    parts, rest = [], present
    for column, size in zip(reversed(columns), reversed(sizes), strict=True):
        rest, own = np.divmod(rest, size)
        parts.append(column.cat.categories.to_numpy(dtype=object)[own])
    labels = np.array([UNIQUE_ID_SEP.join(p) for p in zip(*reversed(parts), strict=True)], dtype=object)
    order = np.argsort(labels, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    categories = pd.Index(pd.array(labels[order].tolist(), dtype="str"))
    return pd.Series(pd.Categorical.from_codes(rank[inverse], categories=categories), index=frame.index)


def _dense_codes(codes: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``codes`` (sorted) and each row's index into them; O(n) when the space is small."""
    if space <= 50_000_000:
        seen = np.zeros(space, dtype=bool)
        seen[codes] = True
        present = np.flatnonzero(seen)
        dense = np.cumsum(seen) - 1
        return present, dense[codes]
    present, inverse = np.unique(codes, return_inverse=True)
    return present, inverse


def _settle_freq(
    frame: pd.DataFrame, freq: str | None, id_cols: tuple[str, ...], source: str, notes: list[str]
) -> tuple[pd.DataFrame, str]:
    inferred = infer_freq(frame["ds"], file=source)
    wanted = normalize_freq(freq) if freq else inferred
    if wanted == inferred:
        return frame, inferred
    if inferred == "D" and wanted.startswith("W-"):
        return _to_weeks(frame, wanted, id_cols, notes), wanted
    raise InputError(
        f"the dates are {inferred}, which cannot be read as {wanted}.",
        file=source,
        column="date",
        hint=f"Leave out --freq (it is inferred) or give --freq {inferred}.",
    )


def _to_weeks(frame: pd.DataFrame, freq: str, id_cols: tuple[str, ...], notes: list[str]) -> pd.DataFrame:
    """Daily rows summed into weeks (price averaged, promo if any day had one), labelled by the week's first day.

    The first and last week of the whole history are left out when the days do not cover them fully.
    """
    first, last = frame["ds"].min(), frame["ds"].max()
    frame = frame.assign(ds=week_start(frame["ds"], freq))
    first_week, last_week = frame["ds"].min(), frame["ds"].max()
    partial = [
        week for week, complete in ((first_week, first), (last_week, last - pd.Timedelta(days=6))) if week != complete
    ]
    if partial:
        frame = frame[~frame["ds"].isin(list(partial))]
        shown = ", ".join(f"{week:%Y-%m-%d}" for week in sorted(set(partial)))
        notes.append(f"left out the incomplete week(s) starting {shown} when summing days into weeks.")
    agg: dict[str, str] = {"y": "sum", **dict.fromkeys(id_cols, "first")}
    agg |= {k: v for k, v in (("price", "mean"), ("promo", "max")) if k in frame.columns}
    return frame.groupby(["unique_id", "ds"], sort=False, observed=True).agg(agg).reset_index()
