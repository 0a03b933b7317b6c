"""The gate itself: wait until every request of the run is decided or expired, committing approvals as they come.

Approving one supplier's order commits it at the next wake-up without waiting for the others. A rejection and an
expiry are outcomes, not errors. The run's wait input is never trusted: after each wake-up the loop re-reads all of
its requests from the ledger. A decision typed into the Prefect UI's resume form goes through the same
``decide`` path as every other route.
"""

from __future__ import annotations

import logging
import os
import socket
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.runs import PrefectRunWaker
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.errors import StockgateError
from stockgate.presentation.outcomes import committed_markdown, decision_rows
from stockgate.services.decisions import decide
from stockgate.services.sweep import request_to_wake_for, sweep
from stockgate.settings import Settings
from tasks.artifacts import publish_markdown, publish_table
from tasks.gate import announce_commit, commit_request, ledger_and_policy, outcome_rows, reminders_for
from tasks.recovery import WAITING_EVENT
from tasks.waiting import GateInput, WaitMode, Watcher, current_flow_run_id, wait_for_people

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=15)


def run_gate(
    requests: list[ApprovalRequest], *, settings: Settings, mode: WaitMode, sink_spec: str | None = None
) -> list[ApprovalRequest]:
    """Wait for decisions on ``requests`` and commit each approved one; returns their final states."""
    ids = [r.id for r in requests]
    ledger, policy = ledger_and_policy(settings)
    flow_run_id = current_flow_run_id()
    if mode == "pause" and flow_run_id:
        where = {"flow_run_id": flow_run_id, "host": socket.gethostname(), "pid": os.getpid()}
        ledger.record_event(None, actor="stockgate", event=WAITING_EVENT, changes=where)
    for request in (ledger.get(i) for i in ids):  # a re-run after a crash between the commit and its announcement
        if request.status == Status.COMMITTED:
            announce_commit(request.id, settings=settings, ledger=ledger)
    round_no = 0
    with _watcher(ledger, policy, settings, ids, flow_run_id, mode):
        while True:
            current = _commit_ready(ledger, ids, settings=settings, sink_spec=sink_spec)
            if not any(r.is_open for r in current):
                break
            round_no += 1
            answer = wait_for_people(
                mode=mode, round_no=round_no, timeout_s=_timeout_s(current),
                poll_interval_s=settings.pause_poll_interval_s, description=_describe(current),
            )  # fmt: skip
            _apply_form_decision(ledger, policy, answer, ids)
    final = [ledger.get(i) for i in ids]
    _publish_outcomes(ledger, final)
    return final


def _publish_outcomes(ledger: Ledger, final: list[ApprovalRequest]) -> None:
    """Artifacts: the outcome of each request, every decision with its edits, and what was committed."""
    publish_table("approval-outcomes", outcome_rows(final), "Who decided what, when and why; what was committed.")
    ids = [r.id for r in final]
    rows = decision_rows(final, decisions={i: ledger.decisions(i) for i in ids},
                         audit={i: ledger.audit_trail(i) for i in ids})  # fmt: skip
    publish_table("approval-decisions", rows,
                  "Every decision: who, when, by which route, the edits made and the reason given.")  # fmt: skip
    publish_markdown("committed-orders", committed_markdown(final), "What this run committed, and where.")


def _commit_ready(
    ledger: Ledger, ids: list[str], *, settings: Settings, sink_spec: str | None
) -> list[ApprovalRequest]:
    """Commit every approved request; returns the states this pass acted on.

    A request still pending when read stays pending in the result even if it is approved a moment later: re-reading
    it here would let the loop end with an approved order never committed (found by bench/decision_latency.py).
    """
    seen = []
    for request in (ledger.get(i) for i in ids):
        if request.status == Status.APPROVED:
            commit_request(request.id, settings=settings, sink_spec=sink_spec)
            request = ledger.get(request.id)
        seen.append(request)
    return seen


def _timeout_s(requests: list[ApprovalRequest]) -> int:
    """Prefect's own pause timeout: after our latest expiry plus a grace, so our expiry always comes first."""
    deadlines = [r.expires_at for r in requests if r.is_open and r.expires_at is not None]
    latest = max(deadlines) if deadlines else datetime.now(UTC) + timedelta(days=7)
    return max(60, int((latest + GRACE - datetime.now(UTC)).total_seconds()))


def _describe(requests: list[ApprovalRequest]) -> str:
    lines = ["Waiting for decisions. Decide in Slack, with `stockgate approvals`, or here:", ""]
    for r in (r for r in requests if r.is_open):
        subject = r.subject_name or r.subject
        lines.append(f"- `{r.id}` {r.kind.replace('_', ' ')} {subject}: {r.total:,.2f} {r.currency}")
    return "\n".join(lines)


def _apply_form_decision(ledger: Ledger, policy: Policy, answer: GateInput, ids: list[str]) -> None:
    """A decision typed into the Prefect UI goes through ``decide`` like any other; refusals are reported."""
    if answer.action == "none":
        return
    if answer.request_id not in ids:
        log.warning("The resume form named request '%s', which this run does not wait for.", answer.request_id)
        return
    try:
        request = ledger.get(answer.request_id)
        result = decide(ledger, policy, request_id=request.id, expected_version=request.version,
                        actor=answer.decided_by, action=answer.action, reason=answer.reason or None,
                        route="prefect-ui", reason_category=answer.reason_category)  # fmt: skip
        log.info("%s", result.message)
    except StockgateError as exc:
        log.warning("Decision from the Prefect UI refused: %s", exc)
        publish_markdown("gate-refused-decision", f"**Refused:** {exc}", "A decision from the resume form")


def _watcher(
    ledger: Ledger, policy: Policy, settings: Settings, ids: list[str], flow_run_id: str | None, mode: WaitMode
) -> AbstractContextManager[object]:
    """Locally, a thread sends reminders, expires requests and wakes this run when it has work."""
    if mode != "pause" or flow_run_id is None:
        return nullcontext()
    reminders, waker = reminders_for(settings, ledger, policy), PrefectRunWaker(settle_s=0)  # it ticks again soon

    def tick(now: datetime) -> None:
        sweep(ledger, reminders, now=now, request_ids=ids)
        if wake_for := request_to_wake_for([ledger.get(i) for i in ids]):
            waker.wake(flow_run_id=flow_run_id, request_id=wake_for)

    return Watcher(tick, interval_s=max(1.0, settings.pause_poll_interval_s))
