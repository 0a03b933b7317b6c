"""The approvals sweep: reminders and escalations once each, expiry, and which waiting runs have work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import Policy, parse_policy
from stockgate.domain.approvals.requests import ApprovalRequest
from stockgate.services.decisions import decide, open_request
from stockgate.services.sweep import ESCALATED, REMINDED, sweep
from tests.ledger_fixtures import POLICY, _pg_template, ledger, make_po, migrated_url  # noqa: F401

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class RecordingReminders:
    """Collects what would be sent, like the Slack notifier's ``remind``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[str, ...], bool]] = []

    def remind(self, request_id: str, *, people: list[str], age_hours: float, escalation: bool = False) -> int:
        self.sent.append((request_id, tuple(people), escalation))
        return len(people)


def _timed_policy() -> Policy:
    kinds: dict[str, Any] = dict(POLICY["kinds"])  # type: ignore[call-overload]
    raw = {**POLICY, "kinds": {**kinds, "purchase_order": {"default": {
        "route": "one_approver", "approvers": ["alice", "bob"], "timeout_hours": 48,
        "remind_after_hours": [4, 24], "escalate_after_hours": 30, "escalate_to": ["erin"]}}}}  # fmt: skip
    return parse_policy(raw)


def _open(ledger: Ledger, *, run: str = "run-1") -> ApprovalRequest:  # noqa: F811
    return open_request(ledger, _timed_policy(), draft=make_po(), started_by="carol", flow_run_id=run, now=T0)


def test_reminders_go_out_once_per_due_time(ledger: Ledger) -> None:  # noqa: F811
    """At 5 h the first reminder goes to both approvers; a second pass at the same time sends nothing."""
    request, reminders = _open(ledger), RecordingReminders()
    assert sweep(ledger, reminders, now=T0 + timedelta(hours=3)).reminded == []
    first = sweep(ledger, reminders, now=T0 + timedelta(hours=5))
    again = sweep(ledger, reminders, now=T0 + timedelta(hours=5, minutes=5))
    assert (first.reminded, again.reminded) == ([request.id], [])
    assert reminders.sent == [(request.id, ("alice", "bob"), False)]
    assert [e.event for e in ledger.audit_trail(request.id)].count(REMINDED) == 1


def test_escalation_goes_to_the_target_once_and_expiry_ends_it(ledger: Ledger) -> None:  # noqa: F811
    """Past 30 h erin is told once; past 48 h the request expires and nobody is reminded any more."""
    request, reminders = _open(ledger), RecordingReminders()
    at_31h = sweep(ledger, reminders, now=T0 + timedelta(hours=31))
    sweep(ledger, reminders, now=T0 + timedelta(hours=32))
    assert at_31h.escalated == [request.id]
    assert [s for s in reminders.sent if s[2]] == [(request.id, ("erin",), True)]
    assert [e.event for e in ledger.audit_trail(request.id)].count(ESCALATED) == 1
    sent_before = len(reminders.sent)
    at_49h = sweep(ledger, reminders, now=T0 + timedelta(hours=49))
    assert at_49h.expired == [request.id]
    assert len(reminders.sent) == sent_before
    assert at_49h.runs_to_wake == {"run-1": request.id}  # nothing open: the run can finish and report


def test_decided_request_gets_no_reminder(ledger: Ledger) -> None:  # noqa: F811
    """A reminder after a decision is not sent: a decided request is not open."""
    request, reminders = _open(ledger), RecordingReminders()
    decide(ledger, _timed_policy(), request_id=request.id, actor="alice", action="approve", expected_version=1,
           route="cli", now=T0 + timedelta(hours=1))  # fmt: skip
    result = sweep(ledger, reminders, now=T0 + timedelta(hours=25))
    assert (result.reminded, reminders.sent) == ([], [])
    assert result.runs_to_wake == {"run-1": request.id}  # approved: the run has something to commit
