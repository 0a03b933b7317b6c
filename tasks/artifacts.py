"""Artifacts planners read in the Prefect UI, with stable keys (lowercase letters, digits, dashes).

Table artifacts cannot hold ``pd.Timestamp`` or numpy scalars: every value is converted to plain JSON types here.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Protocol, cast
from uuid import UUID

import pandas as pd
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

log = logging.getLogger(__name__)
_KEY_BAD = re.compile(r"[^a-z0-9-]+")


def artifact_key(*parts: str) -> str:
    """A valid artifact key from free text: ``artifact_key("PO", "SUP01")`` -> ``"po-sup01"``."""
    return _KEY_BAD.sub("-", "-".join(parts).lower()).strip("-")[:100]


def plain(value: Any) -> Any:
    """A JSON-safe version of a cell: dates to ISO strings, numpy scalars to Python, NaN to None."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(plain(v)) for v in value)
    return value


def publish_table(key: str, rows: pd.DataFrame | Iterable[Mapping[str, Any]], description: str) -> UUID:
    """Publish a table artifact; accepts a DataFrame or a list of dicts."""
    records = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else list(rows)
    table = [{str(k): plain(v) for k, v in row.items()} for row in records]
    return cast(UUID, create_table_artifact(table=table, key=artifact_key(key), description=description))


def publish_markdown(key: str, markdown: str, description: str) -> UUID:
    """Publish a markdown artifact."""
    return cast(UUID, create_markdown_artifact(markdown=markdown, key=artifact_key(key), description=description))


def publish_link(key: str, link: str, text: str, description: str) -> UUID:
    """Publish a link artifact (for example to Data Docs)."""
    return cast(UUID, create_link_artifact(link=link, link_text=text, key=artifact_key(key), description=description))


class ProgressSink(Protocol):
    """Anything a long stage reports its progress to (a ``Progress`` or a ``ProgressPart``)."""

    def update(self, fraction: float, detail: str | None = None) -> None:
        """Report ``fraction`` (0 to 1) done, with an optional line on what is happening."""
        ...


class Progress:
    """A progress artifact for a long stage: ``p = Progress("forecast-progress", "Forecasting"); p.update(0.5)``.

    Progress is for people watching: if the API refuses an update, the run goes on and a warning is logged.
    """

    def __init__(self, key: str, description: str) -> None:
        self.description = description
        self.artifact_id: UUID | None = None
        try:
            created = create_progress_artifact(progress=0.0, key=artifact_key(key), description=description)
            self.artifact_id = cast(UUID, created)
        except Exception as exc:  # a missing progress bar must never stop a forecast
            log.warning("Could not create the progress artifact '%s': %s", key, exc)

    def update(self, fraction: float, detail: str | None = None) -> None:
        """Set progress to ``fraction`` (0 to 1); ``detail`` replaces the description (what is happening now)."""
        if self.artifact_id is None:
            return
        percent = round(100 * min(max(fraction, 0.0), 1.0), 1)
        try:
            update_progress_artifact(self.artifact_id, progress=percent, description=detail)
        except Exception as exc:
            log.warning("Could not update the progress artifact: %s", exc)

    def part(self, start: float, end: float, label: str) -> ProgressPart:
        """The stretch ``start``..``end`` (fractions of the whole) for one stage called ``label``."""
        return ProgressPart(self, start, end, label)


class ProgressPart:
    """One stage's share of a ``Progress``: its 0..1 maps to ``start``..``end`` of the whole."""

    def __init__(self, whole: Progress, start: float, end: float, label: str) -> None:
        self.whole, self.start, self.end, self.label = whole, start, end, label

    def update(self, fraction: float, detail: str | None = None) -> None:
        """Report this stage ``fraction`` done; the description reads ``label: detail``."""
        text = f"{self.label}: {detail}" if detail else self.label
        self.whole.update(self.start + (self.end - self.start) * min(max(fraction, 0.0), 1.0), text)
