"""A database table an ERP reads: one row per commit, with a UNIQUE idempotency key.

The table (default ``stockgate_outbox``) lives in the target database (SQLite or Postgres), not necessarily the
ledger's; it is created if missing. The unique constraint makes a repeated commit a no-op that returns the first
row's reference, also when two processes race.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, insert, inspect, select
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError

from stockgate.adapters.ledger.engine import make_engine
from stockgate.errors import CommitError


class DatabaseSink:
    """Inserts committed payloads into ``table`` at ``url``; the reference is ``<table>:<row id>``."""

    name = "database"

    def __init__(self, url: str, *, table: str = "stockgate_outbox") -> None:
        self._engine = make_engine(url)
        self._table = Table(
            table,
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("idempotency_key", String(200), nullable=False, unique=True),
            Column("kind", String(40), nullable=False),
            Column("payload", JSON, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
        )
        self._ready = False
        self._lock = threading.Lock()

    def _ensure_table(self) -> None:
        """Create the table once; a concurrent creator (thread or process) winning the race is fine."""
        with self._lock:
            if self._ready:
                return
            try:
                self._table.metadata.create_all(self._engine)
            except (IntegrityError, ProgrammingError):
                if not inspect(self._engine).has_table(self._table.name):
                    raise
            self._ready = True

    def commit(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> str:
        """Insert once per key; CommitError if the database cannot be written."""
        try:
            self._ensure_table()
            existing = self.find(idempotency_key)
            if existing is not None:
                return existing
            row = {
                "idempotency_key": idempotency_key,
                "kind": kind,
                "payload": payload,
                "created_at": datetime.now(UTC),
            }
            with self._engine.begin() as conn:
                new_id = conn.execute(insert(self._table).values(**row)).inserted_primary_key[0]  # type: ignore[index]
            return f"{self._table.name}:{new_id}"
        except IntegrityError:
            found = self.find(idempotency_key)
            if found is None:
                raise CommitError(
                    f"Commit {idempotency_key} conflicted in {self._table.name} but is not there."
                ) from None
            return found
        except SQLAlchemyError as exc:
            raise CommitError(f"Could not write to table {self._table.name}: {exc.__class__.__name__}: {exc}") from None

    def find(self, idempotency_key: str) -> str | None:
        """The reference of the row committed under this key, if any."""
        self._ensure_table()
        with self._engine.begin() as conn:
            row_id = conn.execute(
                select(self._table.c.id).where(self._table.c.idempotency_key == idempotency_key)
            ).scalar_one_or_none()
        return None if row_id is None else f"{self._table.name}:{row_id}"

    def rows(self) -> list[dict[str, Any]]:
        """Every committed row (for tests and inspection)."""
        self._ensure_table()
        with self._engine.begin() as conn:
            return [dict(r._mapping) for r in conn.execute(select(self._table).order_by(self._table.c.id))]

    def close(self) -> None:
        """Release the connections."""
        self._engine.dispose()
