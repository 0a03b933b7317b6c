"""The ledger on SQLite and Postgres: migrations, requests, expiry, append-only audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.ledger.models import Base
from stockgate.domain.approvals import DraftFacts, Status, evaluate
from stockgate.domain.approvals.policy import Policy
from stockgate.errors import ApprovalError
from tests.ledger_fixtures import _pg_template, ledger, ledger_url, make_copy, make_po, migrated_url, policy  # noqa: F401

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _open(ledger: Ledger, policy: Policy, *, open_key: str | None = None, now: datetime = T0):  # noqa: F811
    po = make_po()
    gate = evaluate(policy, kind="purchase_order", facts=DraftFacts(subject=po.supplier, total=60), started_by="bob")
    return ledger.open_request(kind="purchase_order", draft=po, gate=gate, started_by="bob", open_key=open_key,
                               now=now, categories=["dairy"])  # fmt: skip


def test_migrations_match_the_models(ledger_url: str) -> None:  # noqa: F811
    """After migrating, the schema equals the SQLAlchemy models (no pending autogenerate diff), twice over."""
    instance = Ledger(ledger_url)
    instance.migrate()
    instance.migrate()
    engine = create_engine(ledger_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    instance.close()
    assert diff == []


def test_open_request_stores_version_one_and_audits(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A new request is pending at version 1 with its draft, times from the policy, and an 'opened' audit line."""
    request = _open(ledger, policy)
    assert (request.status, request.version, request.total, request.categories) == (
        Status.PENDING, 1, 90.0, ("dairy",)
    )  # fmt: skip
    assert request.expires_at == T0 + timedelta(hours=48)
    assert ledger.draft(request.id) == make_po()
    assert [e.event for e in ledger.audit_trail(request.id)] == ["opened"]


def test_open_key_makes_reopening_idempotent(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Opening twice with the same key (a suspended flow running again) returns the first request."""
    first = _open(ledger, policy, open_key="run-1:PO-1")
    again = _open(ledger, policy, open_key="run-1:PO-1")
    assert again.id == first.id
    assert len(ledger.list_requests()) == 1


def test_unknown_request_is_a_clear_error(ledger: Ledger) -> None:  # noqa: F811
    """Asking for a request that does not exist says so and how to list them."""
    with pytest.raises(ApprovalError, match=r"No approval request 'AR-nope'.*stockgate approvals list"):
        ledger.get("AR-nope")


def test_expire_due_only_expires_past_deadline(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Only requests past their timeout expire, once, with a system decision and an audit line."""
    old = _open(ledger, policy, now=T0)
    new = _open(ledger, policy, now=T0 + timedelta(hours=40))
    expired = ledger.expire_due(now=T0 + timedelta(hours=49))
    assert expired == [old.id]
    assert ledger.expire_due(now=T0 + timedelta(hours=49)) == []
    assert ledger.get(old.id).status == Status.EXPIRED
    assert ledger.get(new.id).status == Status.PENDING
    assert [d.action for d in ledger.decisions(old.id)] == ["expire"]
    assert ledger.audit_trail(old.id)[-1].event == "expired"


def test_list_filters_and_slack_message(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Requests list by status and kind; the Slack channel and ts are stored and audited."""
    request = _open(ledger, policy)
    copy_gate = evaluate(policy, kind="copy", facts=DraftFacts(subject="SKU0001"), started_by=None)
    ledger.open_request(kind="copy", draft=make_copy(), gate=copy_gate, started_by=None)
    ledger.set_slack_message(request.id, channel="C123", ts="1700000000.000100")
    assert [r.kind for r in ledger.list_requests(kind="copy")] == ["copy"]
    assert len(ledger.list_requests(status="pending")) == 2
    stored = ledger.get(request.id)
    assert (stored.slack_channel, stored.slack_ts) == ("C123", "1700000000.000100")
    assert ledger.audit_trail(request.id)[-1].event == "slack_posted"


def test_audit_trail_is_append_only_in_the_database(ledger: Ledger, migrated_url: str, policy: Policy) -> None:  # noqa: F811
    """A trigger refuses UPDATE and DELETE on audit_events, even from raw SQL."""
    _open(ledger, policy)
    engine = create_engine(migrated_url)
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
    assert [e.actor for e in ledger.audit_trail()] == ["bob"]


def test_bad_ledger_url_is_a_config_error() -> None:
    """A URL SQLAlchemy cannot parse or use is a ConfigError that never shows the password."""
    from stockgate.errors import ConfigError

    with pytest.raises(ConfigError, match="not a SQLAlchemy URL"):
        Ledger("not a url")
    with pytest.raises(ConfigError, match="psycopg 3 driver") as info:
        Ledger("postgresql://user:pw-secret@db.example/ledger")
    assert "pw-secret" not in str(info.value)


def test_migrations_downgrade_and_upgrade_again(ledger_url: str) -> None:  # noqa: F811
    """Downgrading to base leaves no ledger table (nor trigger function); upgrading again works."""
    from sqlalchemy import inspect

    from stockgate.adapters.ledger.engine import downgrade, make_engine, upgrade

    engine = make_engine(ledger_url)
    upgrade(engine)
    downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "audit_events" in inspect(engine).get_table_names()
    engine.dispose()
