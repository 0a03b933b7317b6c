"""A folder of JSON (and, for purchase orders, CSV) files that an ERP or a shop imports.

Layout: ``<folder>/<kind>/<key>.json`` (the whole payload) and, for purchase orders, ``<key>.csv`` (one row per
line, ready for an ERP import). Files appear atomically: each is written to a temporary file in the same folder
and then hard-linked to its final name, which fails if the name exists. The JSON file is written last and is the
commit marker: when it exists, a second call with the same key writes nothing and returns the same reference.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from stockgate.adapters.sinks.base import safe_key
from stockgate.errors import CommitError

CSV_COLUMNS = ("po_id", "supplier", "sku", "location", "quantity", "unit_cost", "line_cost", "currency")


class FileSink:
    """Writes one JSON file (+ one CSV for purchase orders) per idempotency key into ``folder``."""

    name = "files"

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def commit(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> str:
        """Write the files once per key; the reference is the JSON file's path relative to the folder."""
        target = self.folder / safe_key(kind)
        stem = safe_key(idempotency_key)
        marker = target / f"{stem}.json"
        reference = f"{safe_key(kind)}/{stem}.json"
        if marker.exists():
            return reference
        try:
            target.mkdir(parents=True, exist_ok=True)
            if kind == "purchase_order":
                _write_once(target / f"{stem}.csv", _po_csv(payload))
            body = json.dumps({"idempotency_key": idempotency_key, "kind": kind, **payload}, indent=2, default=str)
            _write_once(marker, body)
        except OSError as exc:
            raise CommitError(f"Could not write {kind} files to {target}: {exc}", hint="Check the folder.") from None
        return reference


def _write_once(path: Path, text: str) -> None:
    """Create ``path`` atomically with ``text``; leave an existing file untouched."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another writer won: its file stays
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _po_csv(payload: dict[str, Any]) -> str:
    order = payload.get("draft", payload)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for line in order.get("lines", []):
        writer.writerow({**line, "po_id": order.get("po_id"), "supplier": order.get("supplier"),
                         "currency": order.get("currency")})  # fmt: skip
    return buffer.getvalue()
