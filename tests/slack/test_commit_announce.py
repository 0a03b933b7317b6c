"""The committed PO number on the card: after the commit the card is redrawn with the reference and the thread
gets one commit line; if Slack is down both wait in the outbox and are sent once when it is back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.cards import utc
from stockgate.adapters.slack.gateway.wiring import notifier_for
from stockgate.adapters.slack.notifier import SlackNotifier
from stockgate.domain.approvals.policy import Policy
from stockgate.services.decisions import decide, open_request
from stockgate.settings import Settings
from tasks.gate import commit_request
from tests.slack.conftest import CHANNEL, make_po
from tests.slack.fake_slack import FakeSlack


@pytest.fixture()
def notifier(settings: Settings, ledger: Ledger, policy: Policy) -> SlackNotifier:
    return notifier_for(settings, ledger, policy)


def _approved_and_posted(notifier: SlackNotifier, ledger: Ledger, policy: Policy) -> str:
    rid = open_request(ledger, policy, draft=make_po(), started_by="carol").id
    assert notifier.post_request(rid, channel=CHANNEL)
    decide(ledger, policy, request_id=rid, expected_version=1, actor="alice", action="approve", route="cli")
    return rid


def _commit_lines(slack: FakeSlack, ts: str) -> list[str]:
    """Commit lines Slack accepted into the thread ``ts`` (calls answered while "down" have no response)."""
    posts = [c for c in slack.state.calls_to("chat.postMessage") if c.response and c.args.get("thread_ts") == ts]
    return [c.args["text"] for c in posts if "Committed version" in c.args["text"]]


def _last_card(slack: FakeSlack) -> str:
    accepted = [c for c in slack.state.calls_to("chat.update") if c.response]
    return json.dumps(accepted[-1].args["blocks"], ensure_ascii=False)


def test_commit_task_puts_po_number_on_card_and_in_thread_once(
    settings: Settings, ledger: Ledger, policy: Policy, notifier: SlackNotifier, slack: FakeSlack, tmp_path: Path
) -> None:
    """The commit task redraws the card with the reference; running it again commits nothing and posts nothing."""
    rid = _approved_and_posted(notifier, ledger, policy)
    sink = f"files:{tmp_path / 'procurement'}"
    settings = settings.model_copy(update={"ledger_url": f"sqlite:///{tmp_path / 'ledger.db'}"})  # the fixture's
    outcome = commit_request.fn(rid, settings=settings, sink_spec=sink)
    ref = outcome.external_ref
    assert outcome.committed and ref and ref.startswith("purchase_order/")
    assert f"Committed as *{ref}*" in _last_card(slack) and "📦 *Committed*" in _last_card(slack)
    ts = str(ledger.get(rid).slack_ts)
    assert _commit_lines(slack, ts) == [f"📦 Committed version 1 as *{ref}* at {utc(ledger.get(rid).committed_at)}."]
    again = commit_request.fn(rid, settings=settings, sink_spec=sink)
    assert again.external_ref == ref and len(_commit_lines(slack, ts)) == 1
    assert len(list((tmp_path / "procurement").rglob("*.json"))) == 1


def test_commit_while_slack_is_down_is_shown_when_slack_is_back(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """Slack down at commit time: the ledger commit stands, the update is queued, and one flush later shows it."""
    rid = _approved_and_posted(notifier, ledger, policy)
    ledger.record_commit(ledger.get(rid), idempotency_key=f"{rid}:1", sink="files", external_ref="PO-2026-0077")
    slack.state.down = True
    assert not notifier.announce_commit(rid)
    assert [line.request_id for line in notifier.outbox.queued_lines()] == [rid]
    assert not notifier.announce_commit(rid), "a second announcement while down queues nothing new"
    assert len(notifier.outbox.queued_lines()) == 1
    slack.state.down = False
    notifier.flush_pending_posts()
    ts = str(notifier.approvals.snapshot(rid).ts)
    assert "Committed as *PO-2026-0077*" in _last_card(slack)
    assert len(_commit_lines(slack, ts)) == 1 and "PO-2026-0077" in _commit_lines(slack, ts)[0]
    assert notifier.outbox.queued_lines() == []
    notifier.flush_pending_posts()
    notifier.announce_commit(rid)
    assert len(_commit_lines(slack, ts)) == 1


def test_commit_of_a_request_never_posted_is_not_queued_forever(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """A request decided on the command line while its card was never posted has no thread: nothing to send."""
    rid = open_request(ledger, policy, draft=make_po(), started_by="carol").id
    decide(ledger, policy, request_id=rid, expected_version=1, actor="alice", action="approve", route="cli")
    ledger.record_commit(ledger.get(rid), idempotency_key=f"{rid}:1", sink="files", external_ref="PO-2026-0078")
    assert not notifier.announce_commit(rid)
    assert notifier.outbox.queued_lines() == [] and not slack.state.calls_to("chat.postMessage")


def test_line_of_a_sender_that_died_mid_send_is_posted_by_a_later_flush(
    notifier: SlackNotifier, slack: FakeSlack, ledger: Ledger, policy: Policy
) -> None:
    """A commit line claimed by a process that died before Slack answered is not lost: once stale, a flush posts it."""
    rid = _approved_and_posted(notifier, ledger, policy)
    ledger.record_commit(ledger.get(rid), idempotency_key=f"{rid}:1", sink="files", external_ref="PO-2026-0079")
    assert notifier.outbox.claim_new_line(f"commit:{rid}:v1", request_id=rid, text="📦 Committed as PO-2026-0079")
    # ... and the claiming process died here, before posting.
    notifier.flush_pending_posts()
    ts = str(notifier.approvals.snapshot(rid).ts)
    assert _commit_lines(slack, ts) == [], "a line another process is sending right now is left alone"
    assert [line.key for line in notifier.outbox.queued_lines(stale_after_s=0)] == [f"commit:{rid}:v1"]
    assert notifier.outbox.claim_queued_line(f"commit:{rid}:v1", stale_after_s=0)
    assert not notifier.outbox.claim_queued_line(f"commit:{rid}:v1"), "freshly re-claimed: not stale any more"
