"""Prefect tasks of the approval gate: open one request per draft, tell the approvers, commit what is approved.

The ledger decides everything: tasks only read and write it through ``stockgate.services``. Commits retry (a
sink may be briefly down) and are exactly-once by their idempotency key, so a retried task or a re-run of a
suspended flow never commits twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from prefect import task

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sinks import make_sink
from stockgate.domain.approvals.policy import Policy, load_policy
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.domain.drafts import CopyDraft, DraftKind, PurchaseOrder
from stockgate.errors import ValidationFailed
from stockgate.presentation.charts import chart_file_name
from stockgate.services.commits import CommitOutcome, commit_approved
from stockgate.services.decisions import open_request
from stockgate.services.sweep import LogReminders, Reminders
from stockgate.settings import Settings
from tasks.artifacts import publish_table
from validations.outcomes import SuiteResult

log = logging.getLogger(__name__)


def ledger_and_policy(settings: Settings) -> tuple[Ledger, Policy]:
    """The ledger and the approval policy the settings name (the home folder is created for SQLite)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    return Ledger(settings.resolved_ledger_url), load_policy(settings.policy_file)


def reminders_for(settings: Settings, ledger: Ledger, policy: Policy) -> Reminders:
    """Slack reminders when a bot token is set, else reminders in the log."""
    if not settings.slack_enabled:
        return LogReminders()
    from stockgate.adapters.slack.gateway.wiring import notifier_for

    return notifier_for(settings, ledger, policy)


def require_valid_drafts(result: SuiteResult) -> None:
    """Stop before any approval is asked when a draft fails a critical check (ValidationFailed names it)."""
    if result.ok:
        return
    lines = [f"- {o.description} (rows {', '.join(map(str, o.failing_rows[:10]))})" for o in result.critical_failures]
    raise ValidationFailed(
        f"The drafts failed {len(lines)} critical check(s) of suite '{result.suite}'; no approval was asked:\n"
        + "\n".join(lines),
        hint="This is a planning bug or a catalog/supplier inconsistency; see the validation artifact.",
    )


def _live_requests_by_draft(ledger: Ledger) -> dict[tuple[str, str], ApprovalRequest]:
    """Requests that are committed, approved or still open, by (kind, draft id), newest first wins (run twice)."""
    found: dict[tuple[str, str], ApprovalRequest] = {}
    for request in ledger.list_requests(limit=5000):
        if request.status in (Status.COMMITTED, Status.APPROVED, Status.PENDING):
            found.setdefault((request.kind, request.draft_id), request)
    return found


@task(name="open-approval-requests")
def open_requests(
    drafts: Sequence[PurchaseOrder | CopyDraft],
    *,
    settings: Settings,
    started_by: str,
    flow_run_id: str | None,
    categories: Mapping[str, Sequence[str]] | None = None,
) -> list[ApprovalRequest]:
    """One request per draft (the policy may pass it automatically); an earlier run's request is reused."""
    ledger, policy = ledger_and_policy(settings)
    requests, earlier_requests = [], _live_requests_by_draft(ledger)
    for draft in drafts:
        if isinstance(draft, PurchaseOrder) and not any(line.quantity > 0 for line in draft.lines):
            cut = any("budget_cut" in line.flags for line in draft.lines)
            (log.warning if cut else log.info)(
                "Order %s has nothing to buy; no approval asked. %s", draft.po_id, draft.summary
            )
            continue
        kind = DraftKind.PURCHASE_ORDER if isinstance(draft, PurchaseOrder) else DraftKind.COPY
        draft_id = draft.po_id if isinstance(draft, PurchaseOrder) else draft.draft_id
        earlier = earlier_requests.get((kind, draft_id))
        if earlier is not None:  # an earlier run's, or this run's (a retried task, the copy supersede step)
            log.info("Draft %s already has request %s (%s); reusing it.", draft_id, earlier.id, earlier.status.value)
            requests.append(earlier)
            continue
        cats = list((categories or {}).get(draft_id, ()))
        requests.append(
            open_request(ledger, policy, draft=draft, started_by=started_by, flow_run_id=flow_run_id, categories=cats)
        )
    publish_table("approval-requests", [_row(r) for r in requests], "Approval requests opened by this run.")
    return requests


@task(name="notify-approvers", retries=2, retry_delay_seconds=10)
def notify_approvers(requests: Sequence[ApprovalRequest], *, settings: Settings, charts_dir: Path | None) -> int:
    """Post a briefing card per open request to Slack (queued if Slack is down); returns how many were posted."""
    open_ones = [r for r in requests if r.is_open]
    if not settings.slack_enabled:
        for request in open_ones:
            log.info("Request %s waits for %s: `stockgate approvals show %s`.", request.id,
                     ", ".join(request.approvers) or "an approver", request.id)  # fmt: skip
        return 0
    from stockgate.adapters.slack.gateway.wiring import notifier_for

    ledger, policy = ledger_and_policy(settings)
    notifier = notifier_for(settings, ledger, policy)
    posted = 0
    for request in open_ones:
        channel = request.channel or settings.slack_channel or "#purchasing"
        chart = _chart_for(charts_dir, ledger.draft(request.id))
        posted += notifier.post_request(request.id, channel=channel, chart_path=chart)
    return posted


def _chart_for(charts_dir: Path | None, draft: PurchaseOrder | CopyDraft) -> Path | None:
    """The chart of the order's most expensive line, as written by the planning step."""
    if charts_dir is None or not isinstance(draft, PurchaseOrder) or not draft.lines:
        return None
    key_line = max(draft.lines, key=lambda line: line.line_cost)
    path = charts_dir / chart_file_name(location=key_line.location, sku=key_line.sku)
    return path if path.exists() else None


@task(name="commit-approved", retries=3, retry_delay_seconds=[5, 30, 120])
def commit_request(request_id: str, *, settings: Settings, sink_spec: str | None = None) -> CommitOutcome:
    """Commit the approved version exactly once to the sink for its kind, then show the reference in Slack."""
    ledger = Ledger(settings.resolved_ledger_url)
    request = ledger.get(request_id)
    sink = make_sink(sink_spec or settings.sink_spec(request.kind))
    outcome = commit_approved(ledger, sink, request_id=request_id)
    log.info("%s", outcome.message)
    if outcome.committed:
        announce_commit(request_id, settings=settings, ledger=ledger)
    return outcome


def announce_commit(request_id: str, *, settings: Settings, ledger: Ledger) -> None:
    """Put the committed reference on the request's Slack card and a commit line in its thread (once per version).

    Runs again on every retry or re-run (it is idempotent), so a run that died right after the commit still shows
    it; if Slack is down the update waits in the outbox and the gateway's flush sends it.
    """
    if not settings.slack_enabled:
        return
    from stockgate.adapters.slack.gateway.wiring import notifier_for

    if not notifier_for(settings, ledger, load_policy(settings.policy_file)).announce_commit(request_id):
        log.info("Slack does not show the commit of %s yet (Slack down, or never posted); queued.", request_id)


def _row(request: ApprovalRequest) -> dict[str, object]:
    return {
        "request": request.id,
        "kind": request.kind,
        "subject": request.subject_name or request.subject,
        "total": request.total,
        "currency": request.currency,
        "status": request.status.value,
        "route": request.route,
        "rule": request.rule,
        "approvers": ", ".join(request.approvers),
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "reason": request.reason,
        "committed_as": request.external_ref,
    }


def outcome_rows(requests: Sequence[ApprovalRequest]) -> list[dict[str, object]]:
    """The approval outcome of each request, as table rows for the artifact."""
    return [_row(r) for r in requests]
