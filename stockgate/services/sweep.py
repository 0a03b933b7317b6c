"""The approvals sweep: what must happen while nobody answers.

One pass (``sweep``) expires overdue requests, sends due reminders and escalations once each (the audit trail
records what was sent, so a pass that runs twice sends nothing twice), and says which waiting runs have work:
an approved request to commit, or no open request left. The waiting run's watcher thread runs it locally; the
``approvals-sweep`` deployment runs it every few minutes for suspended runs and for runs whose process died.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.requests import ApprovalRequest, Status

log = logging.getLogger(__name__)

REMINDED = "reminder_sent"
ESCALATED = "escalation_sent"


class Reminders(Protocol):
    """Where reminders go (Slack in production, the log otherwise); returns how many people were told."""

    def remind(self, request_id: str, *, people: list[str], age_hours: float, escalation: bool = False) -> int:
        """Tell ``people`` that ``request_id`` has waited ``age_hours`` hours."""
        ...


class LogReminders:
    """Reminders written to the log (and, through the sweep, the audit trail) when Slack is not configured."""

    def remind(self, request_id: str, *, people: list[str], age_hours: float, escalation: bool = False) -> int:
        """Log the reminder; counts each person as told."""
        what = "Escalation" if escalation else "Reminder"
        log.warning(
            "%s: request %s has waited %.1f h for a decision by %s.", what, request_id, age_hours, ", ".join(people)
        )
        return len(people)


@dataclass
class SweepResult:
    """What one pass did; ``runs_to_wake`` maps flow run id -> a request id to pass as the wake input."""

    expired: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    runs_to_wake: dict[str, str] = field(default_factory=dict)


def sweep(
    ledger: Ledger, reminders: Reminders, *, now: datetime, request_ids: Iterable[str] | None = None
) -> SweepResult:
    """One pass over the open requests (all, or ``request_ids``)."""
    result = SweepResult(expired=ledger.expire_due(now=now))
    requests = _requests(ledger, request_ids)
    for request in (r for r in requests if r.is_open):
        _remind_if_due(ledger, reminders, request, now=now, result=result)
    runs = _by_run(requests)
    for expired in (ledger.get(rid) for rid in result.expired):  # a run whose last open request just expired
        if expired.flow_run_id and expired.flow_run_id not in runs:
            runs[expired.flow_run_id] = ledger.list_requests(flow_run_id=expired.flow_run_id)
    for run_id, run_requests in runs.items():
        if wake_for := request_to_wake_for(run_requests):
            result.runs_to_wake[run_id] = wake_for
    return result


def request_to_wake_for(requests: list[ApprovalRequest]) -> str | None:
    """A request id when the run waiting on ``requests`` has work: something to commit, or nothing left open."""
    for request in requests:
        if request.status == Status.APPROVED:
            return request.id
    if requests and not any(r.is_open for r in requests):
        return requests[0].id
    return None


def _requests(ledger: Ledger, request_ids: Iterable[str] | None) -> list[ApprovalRequest]:
    if request_ids is None:
        return [r for r in ledger.list_requests(limit=5000) if r.status in (Status.PENDING, Status.APPROVED)]
    return [ledger.get(rid) for rid in request_ids]


def _by_run(requests: list[ApprovalRequest]) -> dict[str, list[ApprovalRequest]]:
    runs: dict[str, list[ApprovalRequest]] = {}
    for request in requests:
        if request.flow_run_id:
            runs.setdefault(request.flow_run_id, []).append(request)
    return runs


def _remind_if_due(
    ledger: Ledger, reminders: Reminders, request: ApprovalRequest, *, now: datetime, result: SweepResult
) -> None:
    due_reminders = [t for t in request.remind_at if t <= now]
    due_escalation = request.escalate_at if request.escalate_at and request.escalate_at <= now else None
    if not due_reminders and due_escalation is None:
        return  # nothing due: no need to read this request's audit trail
    sent = {(e.event, str(e.changes.get("due"))) for e in ledger.audit_trail(request.id)}
    age_hours = (now - request.created_at).total_seconds() / 3600.0
    waiting_for = [a for a in request.approvers if a not in request.approvals] or list(request.approvers)
    for due in due_reminders:
        if (REMINDED, due.isoformat()) not in sent:
            told = reminders.remind(request.id, people=waiting_for, age_hours=age_hours)
            ledger.record_event(request.id, actor="stockgate", event=REMINDED, changes={"due": due.isoformat(),
                                "people": waiting_for, "told": told}, now=now)  # fmt: skip
            result.reminded.append(request.id)
    if due_escalation is not None and (ESCALATED, due_escalation.isoformat()) not in sent:
        targets = list(request.escalate_to) or waiting_for
        told = reminders.remind(request.id, people=targets, age_hours=age_hours, escalation=True)
        ledger.record_event(request.id, actor="stockgate", event=ESCALATED, changes={
            "due": due_escalation.isoformat(), "people": targets, "told": told}, now=now)  # fmt: skip
        result.escalated.append(request.id)
