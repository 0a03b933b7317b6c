"""Read-only records the ledger returns besides requests: decisions, commits and audit events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values (SQLite returns them) are taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    """``utc`` that lets None through."""
    return None if value is None else utc(value)


def now_utc() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class DecisionRecord:
    """One recorded decision. ``route`` says where it came from: cli, slack, prefect-ui, auto, system.

    ``reason_category`` (promotion, supplier_issue, data_error, gut_feeling, other) is set on every purchase-order
    edit and wherever the decider gave one."""

    request_id: str
    version: int
    actor: str
    action: str
    route: str
    reason: str | None
    final: bool
    at: datetime
    reason_category: str | None = None


@dataclass(frozen=True)
class CommitRecord:
    """One commit of an approved version to a sink."""

    request_id: str
    version: int
    idempotency_key: str
    sink: str
    external_ref: str
    at: datetime


@dataclass(frozen=True)
class AuditEvent:
    """One line of the append-only audit trail."""

    at: datetime
    request_id: str | None
    actor: str
    event: str
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
