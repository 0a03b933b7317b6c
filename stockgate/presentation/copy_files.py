"""The copy drafts file: ``copy_drafts.json``, written by ``stockgate copy`` and by the marketing-copy flow."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from stockgate.domain.drafts import CopyDraft

OUTPUT_FILE = "copy_drafts.json"


def write_drafts(drafts: Sequence[CopyDraft], out: Path) -> Path:
    """Write ``copy_drafts.json`` (ready and blocked drafts with their checks) atomically; its path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / OUTPUT_FILE
    tmp = path.with_suffix(".json.tmp")
    payload = [draft.model_dump(mode="json") for draft in drafts]
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def blocked_draft_ids(out: Path) -> list[str]:
    """Draft ids marked blocked in ``out/copy_drafts.json`` (empty when it is not there)."""
    path = out / OUTPUT_FILE
    if not path.is_file():
        return []
    return [str(d["draft_id"]) for d in json.loads(path.read_text("utf-8")) if d.get("status") == "blocked"]
