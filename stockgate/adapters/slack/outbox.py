"""A small outbox of approval posts that Slack did not accept yet (Slack down, rate limit exhausted).

The request itself is in the ledger and can be answered from the command line or the Prefect UI meanwhile;
``SlackNotifier.flush_pending_posts`` posts what is queued here when Slack is back. SQLite (stdlib), one row per
request, safe to share between the flow process and the gateway. It also remembers which ledger revision each
posted message shows, so messages of requests changed elsewhere (command line, commit, expiry) are redrawn, and
keeps thread lines that must be posted exactly once (the commit line), each under a unique key: a line is
``sending`` while one process posts it, ``queued`` after a failed attempt, ``sent`` afterwards. A line left in
``sending`` for ``STALE_SENDING_S`` (its process died mid-send) is taken up again: in that rare case it may appear
twice in the thread, which is better than a commit line that never appears.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

STALE_SENDING_S = 600.0
"""Seconds after which a line still marked ``sending`` is considered abandoned by its sender."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_outbox (
    request_id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    chart_path TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    queued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS slack_drawn (
    request_id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS slack_lines (
    key TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    queued_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class PendingPost:
    """One queued post: which request, where, with which chart file, and how it failed last."""

    request_id: str
    channel: str
    chart_path: Path | None
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class QueuedLine:
    """One thread line waiting for Slack: its unique key, request, text and how it failed last."""

    key: str
    request_id: str
    text: str
    attempts: int
    last_error: str | None


class Outbox:
    """Queued posts in a SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._path, timeout=30, isolation_level=None)) as db:
            yield db

    def add(self, request_id: str, *, channel: str, chart_path: Path | None, error: str) -> None:
        """Queue (or re-queue) a post, counting the attempt and keeping the last error."""
        chart = str(chart_path) if chart_path else None
        with self._connect() as db:
            db.execute(
                "INSERT INTO slack_outbox (request_id, channel, chart_path, attempts, last_error, queued_at) "
                "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT(request_id) DO UPDATE SET "
                "attempts = attempts + 1, last_error = excluded.last_error",
                (request_id, channel, chart, error, datetime.now(UTC).isoformat()),
            )

    def remove(self, request_id: str) -> None:
        """Drop a post once Slack accepted it."""
        with self._connect() as db:
            db.execute("DELETE FROM slack_outbox WHERE request_id = ?", (request_id,))

    def pending(self) -> list[PendingPost]:
        """Queued posts, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT request_id, channel, chart_path, attempts, last_error FROM slack_outbox ORDER BY queued_at"
            ).fetchall()
        return [PendingPost(r[0], r[1], Path(r[2]) if r[2] else None, r[3], r[4]) for r in rows]

    def set_drawn(self, request_id: str, revision: int) -> None:
        """Remember which ledger revision of the request its Slack message shows."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO slack_drawn (request_id, revision) VALUES (?, ?) "
                "ON CONFLICT(request_id) DO UPDATE SET revision = excluded.revision",
                (request_id, revision),
            )

    def drawn(self) -> dict[str, int]:
        """Request id -> the ledger revision its message shows."""
        with self._connect() as db:
            return dict(db.execute("SELECT request_id, revision FROM slack_drawn").fetchall())

    def claim_new_line(self, key: str, *, request_id: str, text: str) -> bool:
        """Record a thread line under ``key`` as being sent; False if the key was recorded before (never twice)."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO slack_lines (key, request_id, text, state, queued_at) VALUES (?, ?, ?, ?, ?)",
                (key, request_id, text, "sending", datetime.now(UTC).isoformat()),
            )
            return cursor.rowcount == 1

    def claim_queued_line(self, key: str, *, stale_after_s: float = STALE_SENDING_S) -> bool:
        """Take a queued line (or one stuck in ``sending`` longer than ``stale_after_s``: its sender died) for
        sending; False if another process took it or it was sent meanwhile."""
        now = datetime.now(UTC)
        stale = (now - timedelta(seconds=stale_after_s)).isoformat()
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE slack_lines SET state = 'sending', queued_at = ? WHERE key = ? "
                "AND (state = 'queued' OR (state = 'sending' AND queued_at < ?))",
                (now.isoformat(), key, stale),
            )
            return cursor.rowcount == 1

    def line_done(self, key: str, *, error: str | None = None) -> None:
        """After an attempt: ``sent``, or back to ``queued`` with the error (and one more attempt counted)."""
        with self._connect() as db:
            if error is None:
                db.execute("UPDATE slack_lines SET state = 'sent', attempts = attempts + 1 WHERE key = ?", (key,))
            else:
                db.execute(
                    "UPDATE slack_lines SET state = 'queued', attempts = attempts + 1, last_error = ? WHERE key = ?",
                    (error, key),
                )

    def drop_line(self, key: str) -> None:
        """Forget a line that can never be posted (its request has no message)."""
        with self._connect() as db:
            db.execute("DELETE FROM slack_lines WHERE key = ?", (key,))

    def queued_lines(self, *, stale_after_s: float = STALE_SENDING_S) -> list[QueuedLine]:
        """Thread lines waiting for Slack (and lines whose sender died mid-send), oldest first."""
        stale = (datetime.now(UTC) - timedelta(seconds=stale_after_s)).isoformat()
        with self._connect() as db:
            rows = db.execute(
                "SELECT key, request_id, text, attempts, last_error FROM slack_lines WHERE state = 'queued' "
                "OR (state = 'sending' AND queued_at < ?) ORDER BY queued_at",
                (stale,),
            ).fetchall()
        return [QueuedLine(*row) for row in rows]
