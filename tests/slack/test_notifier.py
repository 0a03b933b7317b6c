"""Posting requests: the card, the chart and large-order file in the thread, rate limits, Slack down then back,
reminders and the committed reference."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.gateway.server import start_flusher
from stockgate.adapters.slack.gateway.wiring import notifier_for
from stockgate.adapters.slack.notifier import SlackNotifier
from stockgate.domain.approvals.policy import Policy
from stockgate.services.decisions import decide, open_request
from stockgate.settings import Settings
from tests.slack.conftest import ALICE, BOB, CHANNEL, make_po
from tests.slack.fake_slack import FakeSlack

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture()
def notifier(settings: Settings, ledger: Ledger, policy: Policy) -> SlackNotifier:
    return notifier_for(settings, ledger, policy)


def _open(notifier: SlackNotifier, **po_args: int) -> str:
    approvals = notifier.approvals
    return open_request(approvals.ledger, approvals.policy, draft=make_po(**po_args), started_by="carol").id  # type: ignore[attr-defined]


def test_post_stores_message_and_puts_chart_in_thread(
    notifier: SlackNotifier, slack: FakeSlack, tmp_path: Path
) -> None:
    """The card goes to the policy's channel, channel+ts land in the ledger, the chart is uploaded into the thread."""
    chart = tmp_path / "chart.png"
    chart.write_bytes(PNG)
    rid = _open(notifier)
    assert notifier.post_request(rid, channel=CHANNEL, chart_path=chart)
    snap = notifier.approvals.snapshot(rid)
    assert snap.channel == CHANNEL and snap.ts == slack.state.calls_to("chat.postMessage")[0].response["ts"]
    assert [c.args["length"] for c in slack.state.calls_to("files.getUploadURLExternal")] == [str(len(PNG))]
    assert slack.state.calls_to("upload")[0].args["_bytes"] == len(PNG)
    complete = slack.state.calls_to("files.completeUploadExternal")[0].args
    assert complete["thread_ts"] == snap.ts and complete["channel_id"] == CHANNEL


def test_large_order_gets_summary_and_file(notifier: SlackNotifier, slack: FakeSlack) -> None:
    """An order with 400 lines fits in 50 blocks and attaches all lines as a CSV file in the thread."""
    rid = _open(notifier, lines=400)
    assert notifier.post_request(rid, channel=CHANNEL)
    blocks = slack.state.calls_to("chat.postMessage")[0].args["blocks"]
    assert len(blocks) <= 50 and "attached in the thread" in json.dumps(blocks)
    complete = slack.state.calls_to("files.completeUploadExternal")[0].args
    assert json.loads(complete["files"])[0]["title"] == "All order lines"
    assert slack.state.calls_to("upload")[0].args["_bytes"] > 400 * 20


def test_rate_limited_post_is_retried_after_retry_after(notifier: SlackNotifier, slack: FakeSlack) -> None:
    """A 429 with Retry-After: 1 is honoured and the post then succeeds."""
    rid = _open(notifier)
    slack.state.force("chat.postMessage", 429, retry_after=1)
    started = time.monotonic()
    assert notifier.post_request(rid, channel=CHANNEL)
    assert time.monotonic() - started >= 1.0
    assert len(slack.state.calls_to("chat.postMessage")) == 2
    assert notifier.approvals.snapshot(rid).ts is not None


def test_server_error_is_retried(notifier: SlackNotifier, slack: FakeSlack) -> None:
    """A single 503 is retried and the post succeeds."""
    rid = _open(notifier)
    slack.state.force("chat.postMessage", 503)
    assert notifier.post_request(rid, channel=CHANNEL)
    assert len(slack.state.calls_to("chat.postMessage")) == 2


def test_slack_down_then_back_posts_from_outbox(notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger) -> None:
    """While Slack answers 503 the request stays answerable and queued; flushing later posts it once."""
    slack.state.down = True
    rid = _open(notifier)
    assert not notifier.post_request(rid, channel=CHANNEL)
    assert [p.request_id for p in notifier.outbox.pending()] == [rid]
    assert notifier.approvals.snapshot(rid).ts is None and ledger.get(rid).is_open
    assert notifier.flush_pending_posts() == 0 and notifier.outbox.pending()[0].attempts == 2
    slack.state.down = False
    assert notifier.flush_pending_posts() == 1
    assert notifier.outbox.pending() == [] and notifier.approvals.snapshot(rid).ts is not None
    assert notifier.flush_pending_posts() == 0


def test_queued_post_of_decided_request_is_dropped(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """A request decided from the command line while Slack was down is not posted later as if pending."""
    slack.state.down = True
    rid = _open(notifier)
    notifier.post_request(rid, channel=CHANNEL)
    decide(ledger, policy, request_id=rid, expected_version=1, actor="alice", action="approve", route="cli")
    slack.state.down = False
    assert notifier.flush_pending_posts() == 0 and notifier.outbox.pending() == []
    assert all(not c.response for c in slack.state.calls_to("chat.postMessage")), "nothing was posted"
    assert notifier.approvals.snapshot(rid).ts is None


def test_reminders_go_to_people_and_thread(notifier: SlackNotifier, slack: FakeSlack) -> None:
    """A reminder is sent to each approver with a Slack id and into the request's thread."""
    rid = _open(notifier)
    notifier.post_request(rid, channel=CHANNEL)
    told = notifier.remind(rid, people=["group:buyers"], age_hours=25, escalation=False)
    assert told == 3
    sent = {c.args["channel"]: c.args for c in slack.state.calls_to("chat.postMessage")[1:]}
    assert {ALICE, BOB} <= set(sent) and "waited 25 h" in sent[ALICE]["text"]
    assert sent[CHANNEL]["thread_ts"] == notifier.approvals.snapshot(rid).ts
    notifier.remind(rid, people=["alice"], age_hours=80, escalation=True)
    assert slack.state.calls_to("chat.postMessage")[-2].args["text"].startswith("Escalation")


def test_committed_reference_shows_after_refresh(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """Once the commit lands, refresh() redraws the card with the committed PO number."""
    rid = _open(notifier)
    notifier.post_request(rid, channel=CHANNEL)
    decide(ledger, policy, request_id=rid, expected_version=1, actor="alice", action="approve", route="cli")
    ledger.record_commit(ledger.get(rid), idempotency_key=f"{rid}:1", sink="files", external_ref="PO-2026-0042")
    assert notifier.refresh(rid)
    assert "Committed as *PO-2026-0042*" in json.dumps(slack.state.calls_to("chat.update")[-1].args["blocks"])


def test_gateway_flusher_posts_when_slack_is_back(notifier: SlackNotifier, slack: FakeSlack) -> None:
    """The gateway's background flusher posts a queued request once Slack answers again."""
    slack.state.down = True
    rid = _open(notifier)
    assert not notifier.post_request(rid, channel=CHANNEL)
    stop = threading.Event()
    thread = start_flusher(notifier, every_s=0.2, stop=stop)
    slack.state.down = False
    try:
        deadline = time.monotonic() + 20
        while notifier.approvals.snapshot(rid).ts is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(5)
    assert notifier.approvals.snapshot(rid).ts is not None and notifier.outbox.pending() == []


def test_failed_update_is_redrawn_by_flush(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """A card whose chat.update failed is redrawn by the next flush, and only once."""
    rid = _open(notifier)
    notifier.post_request(rid, channel=CHANNEL)
    decide(ledger, policy, request_id=rid, expected_version=1, actor="alice", action="approve", route="cli")
    slack.state.down = True
    assert not notifier.refresh(rid)
    slack.state.down = False
    notifier.flush_pending_posts()
    assert "Approved by *alice*" in json.dumps(slack.state.calls_to("chat.update")[-1].args["blocks"])
    updates = len(slack.state.calls_to("chat.update"))
    assert notifier.sync_messages() == 0 and len(slack.state.calls_to("chat.update")) == updates


def test_changes_made_elsewhere_are_synced(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """A decision from the command line and the commit that follows show up on the card at the next sync."""
    rid = _open(notifier)
    notifier.post_request(rid, channel=CHANNEL)
    assert notifier.sync_messages() == 0
    decide(ledger, policy, request_id=rid, expected_version=1, actor="bob", action="approve", route="cli")
    ledger.record_commit(ledger.get(rid), idempotency_key=f"{rid}:1", sink="files", external_ref="PO-2026-0043")
    assert notifier.sync_messages() == 1
    blocks = json.dumps(slack.state.calls_to("chat.update")[-1].args["blocks"])
    assert "Approved by *bob*" in blocks and "via cli" in blocks and "PO-2026-0043" in blocks
