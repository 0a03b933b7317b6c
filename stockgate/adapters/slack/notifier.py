"""Post approval requests to Slack and keep their messages in step with the ledger.

A request is posted once to the channel (or person) the policy names; its chart and, for large orders, the full
line list go into the message's thread. After each decision the message is redrawn from the ledger
(``chat.update``) and the thread gets an audit line. If Slack does not accept a post, the request is queued in the
``Outbox`` and posted by ``flush_pending_posts`` later; the request can be answered elsewhere meanwhile. The same
flush redraws every message that shows an older ledger revision (a failed ``chat.update``, or a decision, commit
or expiry recorded elsewhere). When the commit lands, ``announce_commit`` redraws the card with the committed
reference and adds a commit line to the thread, exactly once; a line Slack did not take waits in the outbox too.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from stockgate.adapters.slack import cards
from stockgate.adapters.slack.outbox import Outbox
from stockgate.adapters.slack.ports import ApprovalsPort
from stockgate.adapters.slack.snapshot import DecisionLine
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.drafts import PurchaseOrder

log = logging.getLogger(__name__)
SLACK_FAILURES = (SlackApiError, URLError, OSError)


def _why(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack answered {exc.response.status_code}: {exc.response.get('error')}"
    return f"Slack unreachable: {type(exc).__name__}"


class SlackNotifier:
    """Everything the project posts to Slack; reads every amount from the ledger through ``approvals``."""

    def __init__(self, client: WebClient, approvals: ApprovalsPort, outbox: Outbox, *, policy: Policy) -> None:
        self.client = client
        self.approvals = approvals
        self.outbox = outbox
        self.policy = policy

    def post_request(self, request_id: str, *, channel: str, chart_path: Path | None = None) -> bool:
        """Post the briefing card; False (and queued for ``flush_pending_posts``) when Slack did not take it."""
        snap = self.approvals.snapshot(request_id)
        if snap.ts:
            return True
        try:
            response = self.client.chat_postMessage(channel=channel, **cards.request_card(snap))
        except SLACK_FAILURES as exc:
            log.warning("Request %s not posted to Slack, queued: %s", request_id, _why(exc))
            self.outbox.add(request_id, channel=channel, chart_path=chart_path, error=_why(exc))
            return False
        posted_channel, ts = str(response["channel"]), str(response["ts"])
        self.approvals.set_slack_message(request_id, channel=posted_channel, ts=ts)
        self.outbox.remove(request_id)
        self.outbox.set_drawn(request_id, snap.revision)
        self._thread_files(snap.draft, channel=posted_channel, ts=ts, chart_path=chart_path)
        return True

    def _thread_files(self, draft: object, *, channel: str, ts: str, chart_path: Path | None) -> None:
        uploads: list[dict[str, Any]] = []
        if chart_path is not None and chart_path.is_file():
            uploads.append({"file": str(chart_path), "filename": chart_path.name, "title": "Forecast of the key lines"})
        if isinstance(draft, PurchaseOrder) and cards.needs_attachment(draft):
            name = f"{draft.po_id}-lines.csv"
            uploads.append({"content": cards.lines_csv(draft), "filename": name, "title": "All order lines"})
        for upload in uploads:
            try:
                self.client.files_upload_v2(channel=channel, thread_ts=ts, **upload)
            except SLACK_FAILURES as exc:
                log.warning("File %s not attached to %s: %s", upload["filename"], ts, _why(exc))

    def flush_pending_posts(self) -> int:
        """Redraw messages behind the ledger, send queued thread lines, then post queued requests still pending.

        Returns how many requests were posted.
        """
        self.sync_messages()
        for line in self.outbox.queued_lines():
            if self.outbox.claim_queued_line(line.key):
                self._send_line(line.key, line.request_id, line.text)
        posted = 0
        for item in self.outbox.pending():
            if not self.approvals.snapshot(item.request_id).is_pending:
                self.outbox.remove(item.request_id)
                continue
            posted += self.post_request(item.request_id, channel=item.channel, chart_path=item.chart_path)
        return posted

    def refresh(self, request_id: str) -> bool:
        """Redraw the message from the ledger (after a decision, an expiry or a commit); False if not possible."""
        snap = self.approvals.snapshot(request_id)
        if not (snap.channel and snap.ts):
            return False
        try:
            self.client.chat_update(channel=snap.channel, ts=snap.ts, **cards.request_card(snap))
        except SLACK_FAILURES as exc:
            log.warning("Message of request %s not updated, will retry: %s", request_id, _why(exc))
            return False
        self.outbox.set_drawn(request_id, snap.revision)
        return True

    def announce_commit(self, request_id: str) -> bool:
        """Show the committed reference: redraw the card and add the commit line to its thread (once per version).

        What Slack does not take now is sent by a later ``flush_pending_posts`` (the card because its drawn
        revision is behind, the line from the outbox). Calling this again (a retried commit task, a re-run) never
        posts the line twice. True when both are in Slack now.
        """
        snap = self.approvals.snapshot(request_id)
        if not snap.committed_ref:
            return False
        redrawn = self.refresh(request_id)
        key, text = f"commit:{request_id}:v{snap.version}", cards.commit_line(snap)
        if not self.outbox.claim_new_line(key, request_id=request_id, text=text):
            return redrawn
        return self._send_line(key, request_id, text) and redrawn

    def _send_line(self, key: str, request_id: str, text: str) -> bool:
        """Post a claimed outbox line into the request's thread; dropped if the request has no message."""
        snap = self.approvals.snapshot(request_id)
        if not (snap.channel and snap.ts):
            self.outbox.drop_line(key)  # never posted, and a decided request is not posted later
            return False
        try:
            self.client.chat_postMessage(channel=snap.channel, text=text, thread_ts=snap.ts)
        except SLACK_FAILURES as exc:
            log.warning("Thread line of request %s not posted, queued: %s", request_id, _why(exc))
            self.outbox.line_done(key, error=_why(exc))
            return False
        self.outbox.line_done(key)
        return True

    def sync_messages(self) -> int:
        """Redraw every posted message that shows an older ledger revision; returns how many were redrawn."""
        drawn = self.outbox.drawn()
        behind = [rid for rid, revision in self.approvals.posted() if drawn.get(rid) != revision]
        return sum(self.refresh(rid) for rid in behind)

    def audit(self, request_id: str, decision: DecisionLine) -> None:
        """Add the decision's audit line to the request's thread."""
        snap = self.approvals.snapshot(request_id)
        if snap.channel and snap.ts:
            self._say(snap.channel, cards.audit_line(decision), thread_ts=snap.ts)

    def remind(self, request_id: str, *, people: list[str], age_hours: float, escalation: bool = False) -> int:
        """Message each policy person (or group member) with a Slack id; returns how many were told."""
        snap = self.approvals.snapshot(request_id)
        text = cards.reminder_text(snap, age_hours=age_hours, escalation=escalation)
        told = sum(self._say(uid, text) for uid in sorted(self._slack_ids(people)))
        if snap.channel and snap.ts:
            self._say(snap.channel, text, thread_ts=snap.ts)
        return told

    def _slack_ids(self, refs: list[str]) -> set[str]:
        ids: set[str] = set()
        for ref in refs:
            for person in self.policy.members(ref) or {ref}:
                slack_id = self.policy.people[person].slack_user_id if person in self.policy.people else None
                ids |= {slack_id} if slack_id else set()
        return ids

    def _say(self, channel: str, text: str, *, thread_ts: str | None = None) -> bool:
        try:
            self.client.chat_postMessage(channel=channel, text=text, thread_ts=thread_ts)
        except SLACK_FAILURES as exc:
            log.warning("Message to %s not sent: %s", channel, _why(exc))
            return False
        return True
