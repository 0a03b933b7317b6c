"""The ledger's base store and its commit, Slack and audit-trail operations.

``Store`` owns the engine, the lazy migration and the transaction helper; ``CommitStore`` adds the commits (unique
idempotency keys), the Slack message location and the append-only audit trail. ``Ledger`` builds on both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stockgate.adapters.ledger.engine import is_current, shared_engine, upgrade
from stockgate.adapters.ledger.models import AuditRow, CommitRow, RequestRow
from stockgate.adapters.ledger.records import AuditEvent, CommitRecord, now_utc, utc
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.errors import CommitError

SYSTEM_ACTOR = "stockgate"


class Store:
    """Engine, lazy migration and one transaction per call."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = shared_engine(url)
        self._migrated = False
        self._lock = threading.Lock()

    def migrate(self) -> None:
        """Apply the packaged Alembic migrations up to head (idempotent, safe from several processes)."""
        with self._lock:
            upgrade(self._engine)
            self._migrated = True

    def close(self) -> None:
        """Release the pooled connections (the engine stays usable; new connections open on demand)."""
        self._engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        if not self._migrated:
            with self._lock:
                self._migrated = is_current(self._engine)
            if not self._migrated:
                self.migrate()
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session


class CommitStore(Store):
    """Commits, the Slack message location and the audit trail."""

    def find_commit(self, idempotency_key: str) -> CommitRecord | None:
        """The commit recorded under this key, if any."""
        with self._tx() as session:
            row = _commit_row(session, idempotency_key)
            return _commit_record(row) if row else None

    def record_commit(
        self, request: ApprovalRequest, *, idempotency_key: str, sink: str, external_ref: str,
        now: datetime | None = None,
    ) -> CommitRecord:  # fmt: skip
        """Mark an approved request committed and store its commit; a repeated key returns the first record."""
        at = utc(now or now_utc())
        try:
            with self._tx() as session:
                if row := _commit_row(session, idempotency_key):
                    return _commit_record(row)
                result = session.execute(
                    update(RequestRow)
                    .where(
                        RequestRow.id == request.id,
                        RequestRow.status == Status.APPROVED.value,
                        RequestRow.version == request.version,
                    )
                    .values(
                        status=Status.COMMITTED.value,
                        revision=RequestRow.revision + 1,
                        committed_at=at,
                        external_ref=external_ref,
                    )
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    if row := _commit_row(session, idempotency_key):  # a concurrent committer won
                        return _commit_record(row)
                    raise CommitError(f"Request {request.id} is no longer approved at version {request.version}; "
                                      "nothing was recorded as committed.")  # fmt: skip
                row = CommitRow(request_id=request.id, version=request.version, idempotency_key=idempotency_key,
                                sink=sink, external_ref=external_ref, committed_at=at)  # fmt: skip
                session.add(row)
                changes = {"sink": sink, "external_ref": external_ref, "idempotency_key": idempotency_key}
                audit_row(session, at, request.id, SYSTEM_ACTOR, "committed", changes)
            return _commit_record(row)
        except IntegrityError:
            found = self.find_commit(idempotency_key)
            if found is None:
                raise
            return found

    def has_committed(self, *, kind: str, subject: str) -> bool:
        """True when a request of this kind for this subject (e.g. supplier) was ever committed."""
        query = select(RequestRow.id).where(
            RequestRow.kind == kind, RequestRow.subject == subject, RequestRow.status == Status.COMMITTED.value
        )
        with self._tx() as session:
            return session.scalars(query.limit(1)).first() is not None

    def set_slack_message(self, request_id: str, *, channel: str, ts: str) -> None:
        """Remember where the request's Slack message is, for ``chat.update`` later."""
        with self._tx() as session:
            session.execute(
                update(RequestRow).where(RequestRow.id == request_id)
                .values(slack_channel=channel, slack_ts=ts).execution_options(synchronize_session=False)
            )  # fmt: skip
            audit_row(session, now_utc(), request_id, SYSTEM_ACTOR, "slack_posted", {"channel": channel, "ts": ts})

    def record_event(
        self, request_id: str | None, *, actor: str, event: str, changes: dict[str, Any] | None = None,
        reason: str | None = None, now: datetime | None = None,
    ) -> None:  # fmt: skip
        """Append an event (reminder sent, escalation, run recovered, ...) to the audit trail."""
        with self._tx() as session:
            audit_row(session, utc(now or now_utc()), request_id, actor, event, changes or {}, reason)

    def audit_trail(self, request_id: str | None = None) -> list[AuditEvent]:
        """The audit trail (of one request, or all), oldest first."""
        query = select(AuditRow).order_by(AuditRow.id)
        if request_id is not None:
            query = query.where(AuditRow.request_id == request_id)
        with self._tx() as session:
            return [
                AuditEvent(utc(r.at), r.request_id, r.actor, r.event, r.changes, r.reason)
                for r in session.scalars(query)
            ]


def audit_row(
    session: Session, at: datetime, request_id: str | None, actor: str, event: str, changes: dict[str, Any],
    reason: str | None = None,
) -> None:  # fmt: skip
    session.add(AuditRow(at=at, request_id=request_id, actor=actor, event=event, changes=changes, reason=reason))


def _commit_row(session: Session, key: str) -> CommitRow | None:
    return session.scalars(select(CommitRow).where(CommitRow.idempotency_key == key)).one_or_none()


def _commit_record(row: CommitRow) -> CommitRecord:
    return CommitRecord(
        row.request_id, row.version, row.idempotency_key, row.sink, row.external_ref, utc(row.committed_at)
    )
