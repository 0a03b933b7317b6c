"""Reading one CSV or Parquet file: existence, size, encoding and separator checks, then a streamed typed read.

Only the requested columns are read. Text columns (and dates and flags, parsed afterwards) come back as pandas
categoricals, numbers as float64, plus an int64 ``_row`` column holding the line number in the file (header =
line 1, first data row = 2; Parquet: row index + 1). Every failure is an ``InputError`` naming the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from stockgate.adapters.sources.columns import resolve_columns
from stockgate.adapters.sources.encoding import check_sample_decodes, find_bad_utf8
from stockgate.errors import InputError

DEFAULT_MAX_BYTES = 2 * 1024**3
"""Largest input file read by default (2 GiB); bigger files are refused with advice."""

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
SEPARATORS = (",", ";", "\t", "|")
SEP_NAMES = {",": "comma", ";": ";", "\t": "TAB", "|": "|"}
_SNIFF_BYTES = 64 * 1024
_BLOCK_BYTES = 8 * 1024 * 1024
_TEXT = pa.dictionary(pa.int32(), pa.string())


@dataclass
class RawTable:
    """Columns read from one file, renamed to the wanted names, with ``_row``; ``notes`` tell the user."""

    frame: pd.DataFrame
    path: Path
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CsvLayout:
    """What sniffing found out about a CSV file before reading it."""

    separator: str
    header: list[str]
    notes: list[str]


def check_file(path: Path, *, max_bytes: int) -> int:
    """Size of ``path`` in bytes; InputError when it is missing, a folder, empty or larger than ``max_bytes``."""
    if not path.exists():
        raise InputError("file not found.", file=str(path), hint="Check the path, or create the file.")
    if path.is_dir():
        raise InputError("is a folder, not a file.", file=str(path), hint="Give the path of a CSV or Parquet file.")
    size = path.stat().st_size
    if size == 0:
        raise InputError("the file is empty (0 bytes).", file=str(path), hint="Export the data again.")
    if size > max_bytes:
        raise InputError(
            f"the file is {size / 1024**3:.1f} GiB, above the limit of {max_bytes / 1024**3:.1f} GiB.",
            file=str(path),
            hint="Convert it to Parquet (only the needed columns are read), load it with a SQL query "
            "(--sales URL --query ...) that selects only the needed rows, or raise the limit "
            "(max_bytes / STOCKGATE_MAX_INPUT_BYTES) if the machine has the memory.",
        )
    return size


def read_table(
    path: Path,
    *,
    columns: Mapping[str, str],
    optional: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    map_with: str | None = None,
) -> RawTable:
    """Read the ``columns`` (name -> contract kind) and any present ``optional`` ones from a CSV or Parquet file.

    ``map_with``: how the user can map their own column names, for the hint of a missing column (None: fixed).
    """
    check_file(path, max_bytes=max_bytes)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        table = _read_parquet(path, columns, optional or {}, map_with)
    else:
        table = _read_csv(path, columns, optional or {}, encoding, map_with)
    if table.frame.empty:
        raise InputError(
            "the file has a header but no data rows.", file=str(path), hint="Export the data again with its rows."
        )
    return table


def header_names(path: Path, *, encoding: str | None = None) -> list[str]:
    """Column names of a CSV (sniffed separator) or Parquet file, as written in the file."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"is not a readable Parquet file ({exc}).", file=str(path)) from None
    return sniff_csv(path, encoding=encoding).header


def _read_parquet(
    path: Path, columns: Mapping[str, str], optional: Mapping[str, str], map_with: str | None
) -> RawTable:
    import pyarrow.parquet as pq

    names = header_names(path)
    found, notes = resolve_columns(
        names, required=list(columns), optional=list(optional), file=str(path), map_with=map_with
    )
    frame = pq.read_table(path, columns=list(found.values())).to_pandas()
    frame = frame.rename(columns={actual: wanted for wanted, actual in found.items()})
    frame["_row"] = np.arange(1, len(frame) + 1, dtype="int64")
    return RawTable(frame, path, notes)


def sniff_csv(path: Path, *, encoding: str | None = None) -> CsvLayout:
    """Separator and header names of a CSV file, from its first 64 KiB; notes when the separator is unusual."""
    with path.open("rb") as fh:
        sample = fh.read(_SNIFF_BYTES)
    text = check_sample_decodes(sample, path=path, encoding=encoding, complete=len(sample) < _SNIFF_BYTES)
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if len(sample) == _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    separator = _best_separator(lines)
    header = next(csv.reader([lines[0]], delimiter=separator)) if lines else []
    notes = _separator_notes(path, separator, header)
    return CsvLayout(separator, list(header), notes)


def _best_separator(lines: Sequence[str]) -> str:
    def score(sep: str) -> tuple[int, int]:
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        consistent = sum(1 for c in counts if c == counts[0]) if counts else 0
        return (counts[0] if counts and counts[0] > 1 else 0, consistent)

    return max(SEPARATORS, key=score)


def _separator_notes(path: Path, separator: str, header: Sequence[str]) -> list[str]:
    expected = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    notes = []
    if separator != expected and len(header) > 1:
        notes.append(f"{path.name}: the file looks {SEP_NAMES[separator]}-separated; read it that way.")
    if len(header) <= 1:
        notes.append(f"{path.name}: found a single column; the separator may be other than , ; TAB or |.")
    return notes


def _read_csv(
    path: Path, columns: Mapping[str, str], optional: Mapping[str, str], encoding: str | None, map_with: str | None
) -> RawTable:
    layout = sniff_csv(path, encoding=encoding)
    found, notes = resolve_columns(
        layout.header,
        required=list(columns),
        optional=list(optional),
        file=str(path),
        one_column=len(layout.header),
        map_with=map_with,
    )
    kinds = {**optional, **columns}
    types = {found[name]: (pa.float64() if kinds[name] in ("float", "int") else _TEXT) for name in found}
    table, decimal_notes = _stream_with_decimal_fallback(path, layout, types, encoding)
    table = table.rename_columns(list(found)).append_column(
        "_row", pa.array(np.arange(2, table.num_rows + 2, dtype="int64"))
    )  # streamed in the order of include_columns
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    return RawTable(frame, path, layout.notes + notes + decimal_notes)


def _stream_with_decimal_fallback(
    path: Path, layout: CsvLayout, types: dict[str, pa.DataType], encoding: str | None
) -> tuple[pa.Table, list[str]]:
    """Stream the file; a ;-separated file whose numbers fail with a decimal point is read with a decimal comma."""
    try:
        return _stream_csv(path, layout, types, encoding), []
    except InputError:
        if layout.separator != ";":
            raise
        table = _stream_csv(path, layout, types, encoding, decimal_point=",")
        return table, [f"{path.name}: numbers use a decimal comma; read them that way."]


def _stream_csv(
    path: Path, layout: CsvLayout, types: dict[str, pa.DataType], encoding: str | None, *, decimal_point: str = "."
) -> pa.Table:
    read = pacsv.ReadOptions(block_size=_BLOCK_BYTES, encoding=encoding or "utf8")
    parse = pacsv.ParseOptions(delimiter=layout.separator)
    convert = pacsv.ConvertOptions(
        include_columns=list(types), column_types=types, strings_can_be_null=True, decimal_point=decimal_point
    )
    try:
        with pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert) as reader:
            return pa.Table.from_batches(list(reader), schema=reader.schema)
    except pa.ArrowInvalid as exc:
        raise _explain_arrow_error(path, layout, types, encoding, str(exc)) from None


def _explain_arrow_error(
    path: Path, layout: CsvLayout, types: dict[str, pa.DataType], encoding: str | None, message: str
) -> InputError:
    if "UTF8" in message or "utf8" in message.lower():
        return find_bad_utf8(path) or InputError("the file is not valid UTF-8.", file=str(path))
    column = re.search(r"In CSV column #(\d+)", message)
    if column and "conversion error to double" in message:
        name = list(types)[[layout.header.index(n) for n in types].index(int(column.group(1)))]
        return _numeric_error(path, layout, name, encoding)
    return InputError(
        f"cannot be parsed as CSV: {message.strip()}",
        file=str(path),
        hint="Check that every row has the same number of fields and that quotes are closed.",
    )


def _numeric_error(path: Path, layout: CsvLayout, name: str, encoding: str | None) -> InputError:
    from stockgate.adapters.sources.convert import to_float

    table = _stream_csv(path, layout, {name: _TEXT}, encoding)
    values = table.column(0).to_pandas()
    rows = pd.Series(np.arange(2, len(values) + 2, dtype="int64"))
    try:
        to_float(values, rows=rows, column=name, file=str(path))
    except InputError as exc:
        return exc
    return InputError("a numeric column holds values that are not numbers.", file=str(path), column=name)
