"""Stream generated data to a folder, one block of series at a time (the generator's only I/O).

Files land in a hidden staging folder first and are moved into place at the end, so a failed or interrupted
run leaves the target folder as it was. Output is byte-identical for the same arguments.
"""

from __future__ import annotations

import io
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from stockgate.domain.contracts import INPUTS
from stockgate.domain.generator.build import Context, iter_blocks, prepare
from stockgate.domain.generator.config import make_config
from stockgate.errors import StockgateError

Format = Literal["csv", "parquet"]
TRUTH_DIR = "_truth"
"""Sub-folder for the truth tables (profiles, stockouts) when asked for; not part of the contract."""


@dataclass
class WriteSummary:
    """What was written: file per table, rows per table, wall time in seconds."""

    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _TableSink:
    """Append frames to one CSV or Parquet file (one row group per frame)."""

    def __init__(self, path: Path, fmt: Format) -> None:
        self.path, self.fmt, self.rows = path, fmt, 0
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None

    def append(self, frame: pd.DataFrame) -> None:
        """Write ``frame`` after what was written so far."""
        if self.fmt == "csv":
            self._append_csv(frame)
        else:
            table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
            if self._writer is None:
                self._schema = table.schema
                self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._writer.write_table(table)
        self.rows += len(frame)

    def _append_csv(self, frame: pd.DataFrame) -> None:
        """Dates as YYYY-MM-DD, flags as 0/1, missing values as empty cells, quotes only where a value needs them."""
        frame = frame.astype({c: "int8" for c in frame.columns if frame[c].dtype == bool})
        with self.path.open("ab" if self.rows else "wb") as handle:
            if not self.rows:
                handle.write((",".join(frame.columns) + "\n").encode("utf-8"))
            handle.write(_csv_bytes(frame))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV rows without header: Arrow's writer (10x faster than pandas) unless a value needs quoting."""
    table = pa.Table.from_pandas(frame, preserve_index=False)  # NaN and NaT become nulls = empty cells
    for i, column in enumerate(table.schema):
        if pa.types.is_timestamp(column.type):
            table = table.set_column(i, column.name, table.column(i).cast(pa.date32()))
    buffer = io.BytesIO()
    try:
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:  # a comma or quote inside a value, e.g. order days "Mon,Thu"
        text = frame.to_csv(
            header=False, index=False, float_format="%.15g", date_format="%Y-%m-%d", lineterminator="\n"
        )
        return text.encode("utf-8")
    return buffer.getvalue()


def _existing(out_dir: Path) -> list[Path]:
    return [p for name in INPUTS for ext in ("csv", "parquet") if (p := out_dir / f"{name}.{ext}").exists()]


def _check_target(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise StockgateError(f"{out_dir} exists and is not a folder.", hint="Choose a folder path for --out.")
    found = _existing(out_dir) if out_dir.exists() else []
    if found and not overwrite:
        names = ", ".join(p.name for p in found)
        raise StockgateError(f"{out_dir} already holds {names}.", hint="Pass --overwrite or choose an empty folder.")


def _publish(stage: Path, out_dir: Path) -> None:
    """Replace the old input files with the staged ones."""
    for old in _existing(out_dir):
        old.unlink()
    shutil.rmtree(out_dir / TRUTH_DIR, ignore_errors=True)
    for path in sorted(stage.iterdir()):
        path.replace(out_dir / path.name)


def write_dataset(
    *,
    out_dir: Path,
    n_series: int,
    n_days: int,
    seed: int,
    fmt: Format = "csv",
    start: date | None = None,
    end: date | None = None,
    n_locations: int | None = None,
    n_suppliers: int | None = None,
    freq: str = "D",
    include_truth: bool = False,
    overwrite: bool = False,
) -> WriteSummary:
    """Generate and write sales, catalog, inventory and suppliers (``.csv`` or ``.parquet``) into ``out_dir``.

    Memory stays O(block) for sales: 30,000 x 730 fits well under 8 GiB. ``include_truth`` also writes
    ``_truth/profiles`` and ``_truth/stockouts``. StockgateError for bad arguments or an occupied folder.
    """
    if fmt not in ("csv", "parquet"):
        raise StockgateError(f"format must be csv or parquet, got {fmt!r}.", hint="Pass --format csv or parquet.")
    config = make_config(
        n_series=n_series, n_days=n_days, seed=seed, start=start, end=end, n_locations=n_locations,
        n_suppliers=n_suppliers, freq=freq,
    )  # fmt: skip
    out_dir = Path(out_dir)
    _check_target(out_dir, overwrite)
    began = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = out_dir / f".stockgate-generate-{seed}-{time.time_ns()}"
    stage.mkdir()
    try:
        summary = _write_all(stage, context=prepare(config), fmt=fmt, include_truth=include_truth)
        _publish(stage, out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    summary.files = {name: out_dir / path.relative_to(stage) for name, path in summary.files.items()}
    summary.seconds = time.perf_counter() - began
    return summary


def _write_all(stage: Path, *, context: Context, fmt: Format, include_truth: bool) -> WriteSummary:
    """Write every table into ``stage``; sales, inventory and truth tables are appended block by block."""
    truth = stage / TRUTH_DIR
    if include_truth:
        truth.mkdir()
    names = ["sales", "inventory", *(["profiles", "stockouts"] if include_truth else [])]
    sinks = {n: _TableSink((truth if n in ("profiles", "stockouts") else stage) / f"{n}.{fmt}", fmt) for n in names}
    try:
        for block in iter_blocks(context):
            for name, sink in sinks.items():
                sink.append(getattr(block, name))
    finally:
        for sink in sinks.values():
            sink.close()
    for name, frame in (("catalog", context.catalog), ("suppliers", context.suppliers)):
        sinks[name] = _TableSink(stage / f"{name}.{fmt}", fmt)
        sinks[name].append(frame)
        sinks[name].close()
    return WriteSummary(files={n: s.path for n, s in sinks.items()}, rows={n: s.rows for n, s in sinks.items()})
