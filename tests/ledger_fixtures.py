"""Fixtures for the ledger, decision and sink tests: a fresh ledger per test on SQLite and, when
``STOCKGATE_TEST_POSTGRES_URL`` is set, on a fresh Postgres database per test (dropped afterwards).

Import the fixtures you use into a test module: ``from tests.ledger_fixtures import ledger, migrated_url, policy``
(``ledger`` needs ``migrated_url`` and the session fixture ``_pg_template`` imported too).
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


def _admin_url(base_url: str) -> str:
    return make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _create_database(base_url: str, *, template: str | None = None) -> str:
    """A new, uniquely named Postgres database (a copy of ``template`` if given); its SQLAlchemy URL."""
    import psycopg

    name = f"sgtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_url(base_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(base_url: str, url: str) -> None:
    import psycopg

    name = make_url(url).database
    with psycopg.connect(_admin_url(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str | None]:
    """A migrated Postgres database that per-test databases are copied from (fast), or None without Postgres."""
    if not POSTGRES_URL:
        yield None
        return
    url = _create_database(POSTGRES_URL)
    template = Ledger(url)
    template.migrate()
    template.close()
    yield make_url(url).database
    _drop_database(POSTGRES_URL, url)


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an EMPTY database: a SQLite file, or a fresh Postgres database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    assert POSTGRES_URL is not None
    url = _create_database(POSTGRES_URL)
    yield url
    _drop_database(POSTGRES_URL, url)


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path, _pg_template: str | None) -> Iterator[str]:
    """A URL of a database already migrated to head (Postgres: copied from a migrated template)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
        Ledger(url).migrate()
        yield url
        return
    assert POSTGRES_URL is not None
    url = _create_database(POSTGRES_URL, template=_pg_template)
    yield url
    _drop_database(POSTGRES_URL, url)


@pytest.fixture()
def ledger(migrated_url: str) -> Iterator[Ledger]:
    """A migrated, empty ledger."""
    instance = Ledger(migrated_url)
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
