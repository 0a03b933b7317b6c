"""SQLAlchemy 2.0 models of the ledger: requests, decisions, draft versions, commits and the audit trail.

The schema is created and changed only by the Alembic migrations in ``migrations/``; these models must match
them (a test compares both). Times are stored as UTC; money as NUMERIC(14, 2) in the request's currency.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Money = Numeric(14, 2)


class Base(DeclarativeBase):
    """Declarative base of every ledger table."""


class RequestRow(Base):
    """One approval request; ``revision`` guards the atomic conditional update of a decision."""

    __tablename__ = "approval_requests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    open_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200), index=True)
    subject_name: Mapped[str] = mapped_column(String(300), default="")
    draft_id: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(200))
    required_approvals: Mapped[int] = mapped_column(Integer)
    approvers: Mapped[list[str]] = mapped_column(JSON)
    editors: Mapped[list[str]] = mapped_column(JSON)
    approvals: Mapped[list[str]] = mapped_column(JSON)
    started_by: Mapped[str | None] = mapped_column(String(200))
    total: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    budget: Mapped[Decimal | None] = mapped_column(Money)
    categories: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    remind_at: Mapped[list[str]] = mapped_column(JSON)
    escalate_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalate_to: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str | None] = mapped_column(String(200))
    flow_run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(400))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    slack_channel: Mapped[str | None] = mapped_column(String(200))
    slack_ts: Mapped[str | None] = mapped_column(String(64))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    external_ref: Mapped[str | None] = mapped_column(String(400))


class DecisionRow(Base):
    """Each accepted decision (approve, edit, reject, expire), human or automatic."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("approval_requests.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    route: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_category: Mapped[str | None] = mapped_column(String(40))
    final: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PurchaseOrderRow(Base):
    """One version of a purchase-order draft; version 1 is the machine's, later ones are human edits."""

    __tablename__ = "purchase_orders"
    __table_args__ = (UniqueConstraint("request_id", "version", name="uq_purchase_orders_request_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("approval_requests.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    po_id: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    order_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)


class POLineRow(Base):
    """One line of one purchase-order version."""

    __tablename__ = "po_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    proposed_quantity: Mapped[int | None] = mapped_column(Integer)
    pack_size: Mapped[int] = mapped_column(Integer)
    moq: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    line_cost: Mapped[Decimal] = mapped_column(Money)


class CopyVersionRow(Base):
    """One version of a marketing-copy draft."""

    __tablename__ = "copy_versions"
    __table_args__ = (UniqueConstraint("request_id", "version", name="uq_copy_versions_request_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("approval_requests.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    draft_id: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)


class CommitRow(Base):
    """A commit of one approved version to a sink; the unique idempotency key makes it exactly once."""

    __tablename__ = "commits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("approval_requests.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    sink: Mapped[str] = mapped_column(String(200))
    external_ref: Mapped[str] = mapped_column(String(400))
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Append-only audit trail: who did what, when, what changed and why. Never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    request_id: Mapped[str | None] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


class ForecastSnapshotRow(Base):
    """One day of one series' forecast as of a date (units), with seasonal naive and, later, the actual sales."""

    __tablename__ = "forecast_snapshots"
    __table_args__ = (
        UniqueConstraint("as_of", "sku", "location", "day", name="uq_forecast_snapshots_key"),
        Index("ix_forecast_snapshots_series_day", "sku", "location", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    sku: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    forecast: Mapped[float] = mapped_column(Float)
    naive: Mapped[float] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String(40))
    run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actual: Mapped[float | None] = mapped_column(Float)
    actual_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _refuse_change(*_: object) -> None:
    raise PermissionError("The audit trail is append-only: audit events are never updated or deleted.")


event.listen(AuditRow, "before_update", _refuse_change)
event.listen(AuditRow, "before_delete", _refuse_change)
