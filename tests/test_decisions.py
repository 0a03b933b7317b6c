"""The single decision path on SQLite and Postgres: races, four eyes, self-approval, edits, expiry, auto passes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sinks import InMemorySink
from stockgate.domain.approvals import AUTO_ACTOR, ApprovalRequest, Status
from stockgate.domain.approvals.policy import Policy
from stockgate.errors import AlreadyDecided, ApprovalError, InvalidEdit, NotAuthorized, StockgateError
from stockgate.services.commits import commit_approved
from stockgate.services.decisions import decide, open_request
from tests.ledger_fixtures import POLICY, _pg_template, ledger, make_copy, make_po, migrated_url, policy  # noqa: F401

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _po_request(ledger: Ledger, policy: Policy, *, quantities: tuple[int, ...] = (24, 12), unit_cost: float = 2.5,  # noqa: F811
                started_by: str = "bob", now: datetime | None = T0) -> ApprovalRequest:  # fmt: skip
    po = make_po(quantities=quantities, unit_cost=unit_cost)
    return open_request(ledger, policy, draft=po, started_by=started_by, now=now)


def _decide(ledger: Ledger, policy: Policy, request_id: str, actor: str, action: str = "approve", **kw: object):  # noqa: F811
    version = kw.pop("version", None) or ledger.get(request_id).version
    return decide(ledger, policy, request_id=request_id, expected_version=version, actor=actor, action=action,  # type: ignore[arg-type]
                  route="cli", now=kw.pop("now", T0 + timedelta(minutes=5)), **kw)  # type: ignore[arg-type]  # fmt: skip


def test_twenty_concurrent_approvals_and_rejections_give_one_decision(migrated_url: str, policy: Policy) -> None:  # noqa: F811
    """20 threads with their own ledger connections race; exactly one decision and at most one commit result."""
    setup = Ledger(migrated_url)
    request = _po_request(setup, policy, now=None)
    actors = ["alice", "carol"] * 10
    barrier = threading.Barrier(len(actors))
    sink = InMemorySink()

    def attempt(i: int) -> str:
        own = Ledger(migrated_url)
        action = "approve" if i % 2 == 0 else "reject"
        barrier.wait()
        try:
            decide(own, policy, request_id=request.id, expected_version=1, actor=actors[i], action=action,
                   reason="race", route="slack")  # fmt: skip
            outcome = "won"
        except AlreadyDecided as exc:
            outcome = str(exc)
        commit_approved(own, sink, request_id=request.id)
        own.close()
        return outcome

    with ThreadPoolExecutor(len(actors)) as pool:
        outcomes = list(pool.map(attempt, range(len(actors))))
    final = setup.get(request.id)
    assert outcomes.count("won") == 1
    assert [d.final for d in setup.decisions(request.id)] == [True]
    assert all(
        f"already {'rejected' if final.status == 'rejected' else 'approved'} by" in o for o in outcomes if o != "won"
    )
    assert len(sink.committed) == (1 if final.status == Status.COMMITTED else 0)
    committed_events = [e for e in setup.audit_trail(request.id) if e.event == "committed"]
    assert len(committed_events) == (1 if final.status == Status.COMMITTED else 0)
    assert final.status in (Status.COMMITTED, Status.REJECTED)
    setup.close()


def test_late_decision_says_who_decided_first_and_when(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A second decision is refused, naming the first decider and the time."""
    request = _po_request(ledger, policy)
    _decide(ledger, policy, request.id, "alice")
    with pytest.raises(AlreadyDecided, match=r"already approved by alice at 2026-11-02 09:05:00 UTC"):
        _decide(ledger, policy, request.id, "carol", "reject", reason="too late")


def test_self_approval_and_outsider_are_refused(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """The person who started the run, and someone outside the policy, cannot approve; nothing is recorded."""
    request = _po_request(ledger, policy, started_by="bob")
    with pytest.raises(NotAuthorized, match="bob started the run"):
        _decide(ledger, policy, request.id, "bob")
    with pytest.raises(NotAuthorized, match="dan is not an approver"):
        _decide(ledger, policy, request.id, "dan")
    assert ledger.decisions(request.id) == []
    assert ledger.get(request.id).status == Status.PENDING


def test_four_eyes_needs_two_different_people(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A large order stays pending with 1 of 2 approvals; the same person again is refused; a second approves."""
    request = _po_request(ledger, policy, quantities=(1200, 960), unit_cost=2.5)
    assert request.route == "four_eyes"
    first = _decide(ledger, policy, request.id, "alice")
    assert (first.final, first.still_needed, first.request.status, first.request.approvals) == (
        False, 1, Status.PENDING, ("alice",)
    )  # fmt: skip
    with pytest.raises(NotAuthorized, match="alice already approved"):
        _decide(ledger, policy, request.id, "alice")
    second = _decide(ledger, policy, request.id, "carol")
    assert (second.final, second.request.status, second.request.decided_by) == (True, Status.APPROVED, "alice, carol")


def test_reasons_are_required_to_reject_and_edit(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Reject and edit without a reason are refused."""
    request = _po_request(ledger, policy)
    with pytest.raises(ApprovalError, match="reason is required to reject"):
        _decide(ledger, policy, request.id, "alice", "reject", reason="  ")
    with pytest.raises(ApprovalError, match="reason is required to edit"):
        _decide(ledger, policy, request.id, "alice", "edit", edit={"quantities": {"SKU0001@S01": 12}})


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"quantities": {"SKU0001@S01": 13}}, "not a multiple of the pack size 6 \\(use 12 or 18\\)"),
        ({"quantities": {"SKU0001@S01": 6}}, "below the minimum order quantity 12"),
        ({"quantities": {"SKU0001@S01": -6}}, "must not be negative"),
        ({"quantities": {"SKU0001@S01": 12.5}}, "whole number"),
        ({"quantities": {"SKU9999@S01": 12}}, "has no line SKU9999@S01"),
        ({"drop": ["SKU0001@S01", "SKU0002@S01"]}, "drops every line"),
        ({"quantities": {"SKU0001@S01": 24}}, "changes nothing"),
    ],
)
def test_invalid_edit_is_refused_with_the_reason(ledger: Ledger, policy: Policy, edit: dict, message: str) -> None:  # noqa: F811
    """An edit failing pack size, MOQ, sign, whole units or line lookup is refused; the request is unchanged."""
    request = _po_request(ledger, policy)
    with pytest.raises(InvalidEdit, match=message):
        _decide(ledger, policy, request.id, "alice", "edit", reason="fewer", edit=edit, reason_category="data_error")
    assert ledger.get(request.id).version == 1


def test_edit_over_budget_is_refused(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """An edit that takes the order over the supplier budget is refused."""
    request = open_request(ledger, policy, draft=make_po(), started_by="bob", budget=100.0)
    with pytest.raises(InvalidEdit, match=r"exceeds the budget 100.00"):
        _decide(ledger, policy, request.id, "alice", "edit", reason="more", edit={"quantities": {"SKU0001@S01": 36}},
                reason_category="promotion")  # fmt: skip


def test_valid_edit_makes_a_new_version_someone_else_approves(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """An edit stores version 2; the editor cannot approve it alone; a click on version 1 is outdated."""
    request = _po_request(ledger, policy)
    edit = {"quantities": {"SKU0001@S01": 12}, "drop": ["SKU0002@S01"]}
    result = _decide(ledger, policy, request.id, "alice", "edit", reason="slow seller", edit=edit,
                     reason_category="gut_feeling")  # fmt: skip
    assert (result.request.version, result.request.total, result.still_needed) == (2, 30.0, 1)
    draft = ledger.draft(request.id)
    assert [(line.sku, line.quantity, line.proposed_quantity) for line in draft.lines] == [("SKU0001", 12, 24)]  # type: ignore[union-attr]
    with pytest.raises(NotAuthorized, match="alice edited version 2"):
        _decide(ledger, policy, request.id, "alice")
    with pytest.raises(AlreadyDecided, match="now at version 2 \\(edited by alice\\); you saw version 1"):
        _decide(ledger, policy, request.id, "carol", version=1)
    done = _decide(ledger, policy, request.id, "carol")
    assert done.request.status == Status.APPROVED
    edited = next(e for e in ledger.audit_trail(request.id) if e.event == "edited")
    assert edited.changes["edit"]["lines"] == {"SKU0001@S01": [24, 12], "SKU0002@S01": [12, None]}
    assert edited.reason == "slow seller"


def test_copy_edit_is_revalidated(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Changed copy is checked by quick checks and the copy GX suite; a valid change becomes version 2."""
    from tests.copy_fixtures import draft

    original = draft("product_page")
    request = open_request(ledger, policy, draft=original, started_by=None)
    with pytest.raises(InvalidEdit, match="text is empty"):
        _decide(ledger, policy, request.id, "dan", "edit", reason="tone", edit={"text": "   "})
    with pytest.raises(InvalidEdit, match="50% is not the approved discount"):
        _decide(
            ledger,
            policy,
            request.id,
            "dan",
            "edit",
            reason="bolder",
            edit={"text": original.text.replace("20%", "50%")},
        )
    better = (original.text or "").replace("Oat Milk 1 l", "Our Oat Milk 1 l", 1)
    result = _decide(ledger, policy, request.id, "dan", "edit", reason="warmer", edit={"text": better})
    assert ledger.draft(request.id).text == better  # type: ignore[union-attr]
    assert result.request.version == 2


def test_expired_request_refuses_decisions_and_commits_nothing(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """After the timeout a decision expires the request instead, and a commit sends nothing to the sink."""
    request = _po_request(ledger, policy)
    with pytest.raises(AlreadyDecided, match=r"expired at 2026-11-04 09:00:01 UTC.*nothing was committed"):
        _decide(ledger, policy, request.id, "alice", now=T0 + timedelta(hours=48, seconds=1))
    sink = InMemorySink()
    outcome = commit_approved(ledger, sink, request_id=request.id)
    assert (outcome.committed, outcome.status, sink.calls) == (False, Status.EXPIRED, 0)


def test_automatic_pass_is_recorded_like_a_decision(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """A small routine repeat order is approved by the policy actor, with the rule as reason, route 'auto'."""
    po = make_po(quantities=(12, 12), unit_cost=2.0, confidence="high")
    request = open_request(ledger, policy, draft=po, started_by="bob", first_order=False)
    assert (request.status, request.route, request.decided_by) == (Status.APPROVED, "auto", AUTO_ACTOR)
    [decision] = ledger.decisions(request.id)
    assert (decision.actor, decision.route) == (AUTO_ACTOR, "auto")
    assert "small-routine" in (decision.reason or "")


def test_first_order_is_detected_from_the_ledger(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """The same small order needs a human the first time and passes alone once the supplier was committed."""
    po = make_po(quantities=(12, 12), unit_cost=2.0, confidence="high")
    first = open_request(ledger, policy, draft=po, started_by="bob")
    assert first.status == Status.PENDING
    _decide(ledger, policy, first.id, "alice")
    commit_approved(ledger, InMemorySink(), request_id=first.id)
    second = open_request(ledger, policy, draft=po, started_by="bob")
    assert second.status == Status.APPROVED


def test_unknown_action_and_route_are_refused(ledger: Ledger, policy: Policy) -> None:  # noqa: F811
    """Only approve/reject/edit through a known route are accepted."""
    request = _po_request(ledger, policy)
    with pytest.raises(StockgateError, match="Unknown action"):
        _decide(ledger, policy, request.id, "alice", "ship")
    with pytest.raises(StockgateError, match="Unknown decision route"):
        decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="approve", route="fax")


def test_concurrent_four_eyes_approvals_record_exactly_two_people(migrated_url: str, policy: Policy) -> None:  # noqa: F811
    """20 concurrent approvals on a four-eyes request record two different approvers, then refuse the rest."""
    setup = Ledger(migrated_url)
    request = _po_request(setup, policy, quantities=(1200, 960), started_by="frank", now=None)
    actors = ["alice", "bob", "carol", "alice", "bob"] * 4
    barrier = threading.Barrier(len(actors))

    def attempt(actor: str) -> str:
        own = Ledger(migrated_url)
        barrier.wait()
        try:
            decide(own, policy, request_id=request.id, expected_version=1, actor=actor, action="approve", route="cli")
            return "ok"
        except (AlreadyDecided, NotAuthorized) as exc:
            return type(exc).__name__
        finally:
            own.close()

    with ThreadPoolExecutor(len(actors)) as pool:
        outcomes = list(pool.map(attempt, actors))
    decisions = setup.decisions(request.id)
    assert outcomes.count("ok") == 2
    assert len({d.actor for d in decisions}) == 2 and [d.final for d in decisions] == [False, True]
    assert setup.get(request.id).status == Status.APPROVED
    setup.close()


@pytest.mark.slow
def test_edits_run_the_same_purchase_order_suite_as_drafts() -> None:
    """The purchase_orders GX suite passes a valid edit and names the line of an off-pack quantity."""
    from stockgate.services.edits import suite_problems

    original = make_po()
    good = make_po(quantities=(12, 12))
    bad = good.model_copy(update={"lines": [good.lines[0].model_copy(update={"quantity": 13, "line_cost": 32.5})]})
    assert suite_problems(good, reference=original, budget=None) == []
    problems = suite_problems(bad, reference=original, budget=None)
    assert any("pack size" in p and "(SKU0001@S01)" in p for p in problems), problems
    assert suite_problems(good, reference=original, budget=50.0)  # 60.00 over a 50.00 budget


def test_blocked_copy_never_passes_automatically(ledger: Ledger) -> None:  # noqa: F811
    """Even under an auto rule that matches, a copy draft blocked by a critical check goes to a person."""
    from stockgate.domain.approvals.policy import parse_policy
    from stockgate.domain.drafts import CheckResult

    rule = {"name": "dairy-copy", "route": "auto", "when": {"categories": ["dairy"]}}
    auto_policy = parse_policy({**POLICY, "kinds": {"copy": {"rules": [rule]}}})
    ready = open_request(ledger, auto_policy, draft=make_copy(sku="SKU0001"), started_by=None, categories=["dairy"])
    failed = CheckResult(name="prices", severity="critical", passed=False, detail="50% is not approved")
    blocked = make_copy(sku="SKU0002").model_copy(update={"status": "blocked", "checks": [failed]})
    held = open_request(ledger, auto_policy, draft=blocked, started_by=None, categories=["dairy"])
    assert (ready.status, ready.rule) == (Status.APPROVED, "dairy-copy")
    assert (held.status, held.route, held.rule) == (Status.PENDING, "one_approver", "blocked-draft-needs-a-person")
