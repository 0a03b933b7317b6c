"""Fixtures for the ledger, decision and sink tests: a fresh ledger per test on SQLite and, when
``STOCKGATE_TEST_POSTGRES_URL`` is set, on a fresh Postgres database per test (dropped afterwards).

Import the fixtures you use into a test module: ``from tests.ledger_fixtures import ledger, ledger_url, policy``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import Policy, parse_policy
from stockgate.domain.drafts import CopyDraft, POLine, PurchaseOrder

POSTGRES_URL = os.environ.get("STOCKGATE_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason="no Postgres")]),
]

POLICY = {
    "people": {
        name: {"name": name.title(), "slack_user_id": f"U{name.upper()}"}
        for name in ("alice", "bob", "carol", "dan", "erin", "frank")
    },
    "groups": {
        "buyers": {"members": ["alice", "bob", "carol"], "slack_usergroup_id": "SBUYERS"},
        "heads": {"members": ["erin", "frank"]},
        "marketing": {"members": ["dan"]},
    },
    "kinds": {
        "purchase_order": {
            "default": {"route": "one_approver", "approvers": ["group:buyers"], "timeout_hours": 48},
            "rules": [
                {
                    "name": "small-routine",
                    "route": "auto",
                    "when": {"max_total": 100, "min_confidence": "high", "no_warnings": True, "not_first_order": True},
                },
                {"name": "large", "route": "four_eyes", "when": {"min_total": 5000}},
            ],
        },
        "copy": {"default": {"route": "one_approver", "approvers": ["group:marketing", "alice"]}},
    },
}


def _postgres_database(base_url: str) -> Iterator[str]:
    import psycopg

    url = make_url(base_url)
    name = f"sgtest_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh Postgres database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        assert POSTGRES_URL is not None
        yield from _postgres_database(POSTGRES_URL)


@pytest.fixture()
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """A migrated, empty ledger."""
    instance = Ledger(ledger_url)
    instance.migrate()
    yield instance
    instance.close()


@pytest.fixture()
def policy() -> Policy:
    """The test policy: buyers approve orders, big orders need four eyes, small routine orders pass alone."""
    return parse_policy(POLICY)


def make_po(
    *, supplier: str = "SUP01", quantities: tuple[int, ...] = (24, 12), unit_cost: float = 2.5, **extra: object
) -> PurchaseOrder:
    """A purchase order with one line per quantity (pack size 6, MOQ 12), SKUs SKU0001..., location S01."""
    lines = [
        POLine(
            sku=f"SKU{i:04d}",
            location="S01",
            quantity=q,
            pack_size=6,
            moq=12,
            unit_cost=unit_cost,
            line_cost=round(q * unit_cost, 2),
            confidence="high",
        )
        for i, q in enumerate(quantities, start=1)
    ]
    return PurchaseOrder(po_id=f"PO-{supplier}-1", supplier=supplier, supplier_name="Nordic Dairy", lines=lines,
                         **extra)  # type: ignore[arg-type]  # fmt: skip


def make_copy(*, sku: str = "SKU0001", text: str = "Creamy oat milk, now 10% off.") -> CopyDraft:
    """A ready product-page copy draft."""
    return CopyDraft(draft_id=f"CP-{sku}-product_page", sku=sku, channel="product_page", text=text)
