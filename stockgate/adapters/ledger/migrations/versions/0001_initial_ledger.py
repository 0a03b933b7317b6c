"""Initial ledger: requests, decisions, draft versions, commits and the append-only audit trail.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(14, 2)

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION stockgate_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'The audit trail is append-only: audit events are never updated or deleted.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION stockgate_audit_append_only();
"""
_SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER audit_events_no_{verb} BEFORE {verb.upper()} ON audit_events BEGIN "
    "SELECT RAISE(ABORT, 'The audit trail is append-only: audit events are never updated or deleted.'); END"
    for verb in ("update", "delete")
]


def _requests() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("open_key", sa.String(300), unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False, index=True),
        sa.Column("subject_name", sa.String(300), nullable=False),
        sa.Column("draft_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("required_approvals", sa.Integer, nullable=False),
        sa.Column("approvers", sa.JSON, nullable=False),
        sa.Column("editors", sa.JSON, nullable=False),
        sa.Column("approvals", sa.JSON, nullable=False),
        sa.Column("started_by", sa.String(200)),
        sa.Column("total", _MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("budget", _MONEY),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, index=True),
        sa.Column("remind_at", sa.JSON, nullable=False),
        sa.Column("escalate_at", _TS),
        sa.Column("escalate_to", sa.JSON, nullable=False),
        sa.Column("channel", sa.String(200)),
        sa.Column("flow_run_id", sa.String(64), index=True),
        sa.Column("decided_by", sa.String(400)),
        sa.Column("decided_at", _TS),
        sa.Column("reason", sa.Text),
        sa.Column("slack_channel", sa.String(200)),
        sa.Column("slack_ts", sa.String(64)),
        sa.Column("committed_at", _TS),
        sa.Column("external_ref", sa.String(400)),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(40), sa.ForeignKey("approval_requests.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )


def _drafts() -> None:
    fk = sa.ForeignKey("approval_requests.id")
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(40), fk, nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("po_id", sa.String(200), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("order_date", sa.Date),
        sa.Column("delivery_date", sa.Date),
        sa.Column("total", _MONEY, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("reason", sa.Text),
        sa.UniqueConstraint("request_id", "version", name="uq_purchase_orders_request_version"),
    )
    op.create_table(
        "po_lines",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("purchase_order_id", sa.Integer, sa.ForeignKey("purchase_orders.id"), nullable=False, index=True),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("proposed_quantity", sa.Integer),
        sa.Column("pack_size", sa.Integer, nullable=False),
        sa.Column("moq", sa.Integer, nullable=False),
        sa.Column("unit_cost", sa.Numeric(14, 4), nullable=False),
        sa.Column("line_cost", _MONEY, nullable=False),
    )
    op.create_table(
        "copy_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(40), sa.ForeignKey("approval_requests.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("draft_id", sa.String(200), nullable=False),
        sa.Column("sku", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("reason", sa.Text),
        sa.UniqueConstraint("request_id", "version", name="uq_copy_versions_request_version"),
    )


def _commits_and_audit() -> None:
    op.create_table(
        "commits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(40), sa.ForeignKey("approval_requests.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("sink", sa.String(200), nullable=False),
        sa.Column("external_ref", sa.String(400), nullable=False),
        sa.Column("committed_at", _TS, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False, index=True),
        sa.Column("request_id", sa.String(40), index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    elif dialect == "sqlite":
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)


def upgrade() -> None:
    _requests()
    _drafts()
    _commits_and_audit()


def downgrade() -> None:
    for table in ("audit_events", "commits", "copy_versions", "po_lines", "purchase_orders", "decisions"):
        op.drop_table(table)
    op.drop_table("approval_requests")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS stockgate_audit_append_only()")
