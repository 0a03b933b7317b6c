"""The copy supersede rule on a real ledger (SQLite, and Postgres when configured), and recently published copy."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sinks import InMemorySink
from stockgate.domain.approvals.policy import Policy, load_policy
from stockgate.domain.drafts import CopyDraft
from stockgate.services.commits import commit_approved
from stockgate.services.decisions import decide, open_request
from stockgate.services.publishing import recent_published
from stockgate.services.supersede import new_request_id, supersede_pending, superseded_by_requests
from tests.ledger_fixtures import _pg_template, ledger, migrated_url  # noqa: F401

RUN_A, RUN_B = "run-a", "run-b"


@pytest.fixture()
def policy() -> Policy:
    """The embedded policy: one approver, anyone but the starter."""
    return load_policy(None)


def _draft(as_of: str, text: str, *, channel: str = "social", status: str = "ready", sku: str = "SKU1") -> CopyDraft:
    facts: dict[str, Any] = {"as_of": as_of, "name": "Oat Milk 1 l"}
    ident = f"copy-{sku}-{channel}-{as_of}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    return CopyDraft.model_validate({"draft_id": ident, "sku": sku, "channel": channel, "text": text, "facts": facts,
                                     "status": status})  # fmt: skip


def _old(ledger: Ledger, policy: Policy, **kw: Any) -> str:  # noqa: F811
    draft = _draft("2026-11-13", "Oat Milk 1 l is back.", **kw)
    return open_request(ledger, policy, draft=draft, started_by="marketer", flow_run_id=RUN_A).id


def test_a_later_draft_withdraws_the_pending_one_before_its_own_request_opens(
    ledger: Ledger,  # noqa: F811
    policy: Policy,
) -> None:
    """Old request: expired, reason naming the new request, one 'superseded' event before the new 'opened'."""
    old_id = _old(ledger, policy)
    new = _draft("2026-11-20", "Oat Milk 1 l is back on our shelves.")
    done = supersede_pending(ledger, policy, drafts=[new], started_by="marketer", flow_run_id=RUN_B)
    new_id = new_request_id(flow_run_id=RUN_B, draft_id=new.draft_id)
    assert [(d.old_request, d.new_request) for d in done] == [(old_id, new_id)]
    old = ledger.get(old_id)
    assert old.status.value == "expired" and old.reason == f"superseded by request {new_id}"
    assert new_id is not None and ledger.get(new_id).status.value == "pending"
    trail = ledger.audit_trail()
    events = [(e.request_id, e.event) for e in trail]
    assert events.index((old_id, "superseded")) < events.index((new_id, "opened"))
    assert next(e for e in trail if e.event == "superseded").changes["superseded_by"] == new_id
    with pytest.raises(Exception, match="expired"):
        decide(ledger, policy, request_id=old_id, expected_version=1, actor="ana", action="approve", route="cli")
    again = supersede_pending(ledger, policy, drafts=[new], started_by="marketer", flow_run_id=RUN_B)
    assert again == [] and len(ledger.list_requests()) == 2, "a retried task withdraws and opens nothing more"
    assert superseded_by_requests(ledger, [new_id]) == [old_id], "a resumed run reads back what it superseded"
    assert superseded_by_requests(ledger, [old_id]) == []


@pytest.mark.parametrize(
    ("new", "note"),
    [
        (_draft("2026-11-20", "Guaranteed!", status="blocked"), "a blocked draft replaces nothing"),
        (_draft("2026-11-20", "Oat Milk 1 l, now by email.", channel="email"), "another channel"),
        (_draft("2026-11-20", "Rye bread is back.", sku="SKU2"), "another product"),
        (_draft("2026-11-06", "Oat Milk 1 l, an older idea."), "an older draft"),
    ],
)
def test_drafts_that_do_not_supersede_leave_the_pending_request_alone(
    ledger: Ledger,  # noqa: F811
    policy: Policy,
    new: CopyDraft,
    note: str,
) -> None:
    """Only a ready, not older draft for the same product and channel withdraws a pending request."""
    old_id = _old(ledger, policy)
    assert supersede_pending(ledger, policy, drafts=[new], started_by="m", flow_run_id=RUN_B) == [], note
    assert ledger.get(old_id).status.value == "pending" and len(ledger.list_requests()) == 1


def test_the_runs_own_pending_requests_are_not_superseded(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A run never withdraws its own requests (a re-run of a suspended run sees them again)."""
    old_id = _old(ledger, policy)
    new = _draft("2026-11-20", "Oat Milk 1 l is back on our shelves.")
    assert supersede_pending(ledger, policy, drafts=[new], started_by="m", flow_run_id=RUN_A) == []
    assert ledger.get(old_id).status.value == "pending"


def test_recent_published_copy_is_the_committed_version_within_the_window(
    ledger: Ledger,  # noqa: F811
    policy: Policy,
) -> None:
    """Published copy comes back with its approved (edited) text; copy older than the window does not."""
    request_id = _old(ledger, policy)
    decide(ledger, policy, request_id=request_id, expected_version=1, actor="ed", action="edit", reason="warmer",
           edit={"text": "Oat Milk 1 l is back on our shelves, creamy as ever."}, route="cli")  # fmt: skip
    decide(ledger, policy, request_id=request_id, expected_version=2, actor="ana", action="approve", route="cli")
    assert commit_approved(ledger, InMemorySink(), request_id=request_id).committed
    found = recent_published(ledger)
    assert [(f["sku"], f["channel"], f["text"]) for f in found] == [
        ("SKU1", "social", "Oat Milk 1 l is back on our shelves, creamy as ever.")
    ]
    assert recent_published(ledger, now=datetime.now(UTC) + timedelta(days=60)) == []


@pytest.mark.usefixtures("prefect_server")
def test_outside_a_flow_run_the_superseding_request_is_opened_once(
    ledger: Ledger,  # noqa: F811
    migrated_url: str,  # noqa: F811
    policy: Policy,
    tmp_path: Path,
) -> None:
    """Without a flow run id the supersede step and the gate's opening step share one request for the new draft."""
    from stockgate.settings import Settings
    from tasks.gate import open_requests

    _old(ledger, policy)
    new = _draft("2026-11-20", "Oat Milk 1 l is back on our shelves.")
    done = supersede_pending(ledger, policy, drafts=[new], started_by="marketer", flow_run_id=None)
    settings = Settings(home=tmp_path, ledger_url=migrated_url)
    opened = open_requests.fn([new], settings=settings, started_by="marketer", flow_run_id=None)
    assert [r.id for r in opened] == [done[0].new_request]
    assert [r.id for r in ledger.list_requests(status="pending")] == [done[0].new_request]
