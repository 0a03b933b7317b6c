"""Property tests of the pure approval rules: whatever the order of clicks, nobody approves alone what they
started or edited, four eyes always means two different people, and any approver can still reject."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from stockgate.domain.approvals import ApprovalRequest, Status, may_decide
from stockgate.domain.approvals.policy import parse_policy
from stockgate.domain.approvals.transitions import next_state
from tests.ledger_fixtures import POLICY

PEOPLE = ["alice", "bob", "carol"]
POLICY_MODEL = parse_policy(POLICY)
clicks = st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(["approve", "approve", "edit", "reject"])))


def _request(required: int, started_by: str | None) -> ApprovalRequest:
    return ApprovalRequest(
        id="AR-p", kind="purchase_order", subject="SUP01", status=Status.PENDING, version=1, revision=1,
        route="four_eyes" if required == 2 else "one_approver", rule="default", required_approvals=required,
        approvers=("group:buyers",), started_by=started_by, created_at=datetime(2026, 11, 1, tzinfo=UTC),
        expires_at=None,
    )  # fmt: skip


def _play(request: ApprovalRequest, sequence: list[tuple[str, str]]) -> tuple[ApprovalRequest, list[str]]:
    """Apply every click that may_decide allows, like decide() does; the final state and the accepted actors."""
    accepted: list[str] = []
    for actor, action in sequence:
        if not request.is_open or may_decide(POLICY_MODEL, request, actor, action) is not None:  # type: ignore[arg-type]
            continue
        step = next_state(request, actor=actor, action=action)  # type: ignore[arg-type]
        request = replace(request, status=step.status, version=step.version, approvals=step.approvals,
                          editors=step.editors, revision=request.revision + 1)  # fmt: skip
        accepted.append(actor)
    return request, accepted


@settings(max_examples=300, deadline=None)
@given(sequence=clicks, required=st.sampled_from([1, 2]), started_by=st.sampled_from([None, *PEOPLE]))
def test_approval_needs_enough_different_unconflicted_people(
    sequence: list[tuple[str, str]], required: int, started_by: str | None
) -> None:
    """An approved request has >= required different approvers of its last version, one not starter nor editor."""
    final, _ = _play(_request(required, started_by), sequence)
    if final.status == Status.APPROVED:
        assert len(set(final.approvals)) >= required
        conflicted = set(final.editors) | ({started_by} if started_by else set())
        assert set(final.approvals) - conflicted


@settings(max_examples=300, deadline=None)
@given(sequence=clicks, required=st.sampled_from([1, 2]), rejecter=st.sampled_from(PEOPLE))
def test_a_rejection_by_any_approver_closes_an_open_request(
    sequence: list[tuple[str, str]], required: int, rejecter: str
) -> None:
    """After any clicks that leave it open, one rejection by an approver closes the request as rejected."""
    state, _ = _play(_request(required, "bob"), sequence)
    if state.is_open:
        assert may_decide(POLICY_MODEL, state, rejecter, "reject") is None
        closed, accepted = _play(state, [(rejecter, "reject")])
        assert (closed.status, accepted) == (Status.REJECTED, [rejecter])


@settings(max_examples=200, deadline=None)
@given(started_by=st.sampled_from(PEOPLE), others=st.lists(st.sampled_from(["approve", "edit"])))
def test_the_starter_never_approves_alone(started_by: str, others: list[str]) -> None:
    """Whatever the starter does by themself, a one-approver request never becomes approved."""
    final, _ = _play(_request(1, started_by), [(started_by, action) for action in others])
    assert final.status == Status.PENDING
