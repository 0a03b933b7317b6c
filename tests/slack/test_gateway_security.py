"""The gateway refuses what it cannot trust: bad signatures, old or future timestamps, replays, tampering, and
clickers who may not decide. Refusals are private messages; nothing changes in the ledger."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from stockgate.adapters.slack.cards import ACTION_APPROVE
from stockgate.adapters.slack.snapshot import button_value
from stockgate.services.decisions import open_request
from tests.slack.conftest import ALICE, BOB, CAROL, EVE, SECRET, RunningGateway, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action, form_body, signed_headers


def _approve_body(user: str, rid: str, version: int = 1) -> str:
    return form_body(block_action(user, ACTION_APPROVE, button_value(rid, version)))


def _status(gw: RunningGateway, rid: str) -> str:
    return gw.gateway.services.approvals.snapshot(rid).status


def _refusal(slack: FakeSlack, user: str) -> str:
    calls = wait_for(lambda: [c for c in slack.state.calls_to("chat.postEphemeral") if c.args["user"] == user])
    return str(calls[0].args["text"])


def test_forged_signature_is_refused(gateway: RunningGateway) -> None:
    """A body signed with another secret gets HTTP 401 and no decision."""
    rid = gateway.open(make_po())
    body = _approve_body(ALICE, rid)
    response = gateway.post({}, body=body, headers=signed_headers("not-the-secret", body))
    assert response.status_code == 401
    time.sleep(0.3)
    assert _status(gateway, rid) == "pending"


@pytest.mark.parametrize("offset", [-301, 301])
def test_stale_and_future_timestamps_are_refused(gateway: RunningGateway, offset: int) -> None:
    """A correctly signed request 301 s in the past or future (at the server's clock) is refused with 401."""
    rid = gateway.open(make_po())
    body = _approve_body(ALICE, rid)
    # The server reads its clock a moment after we sign; a future stamp must stay 301 s ahead at that moment.
    slack_clock = int(time.time()) + (3 if offset > 0 else 0)
    headers = signed_headers(SECRET, body, timestamp=slack_clock + offset)
    assert gateway.post({}, body=body, headers=headers).status_code == 401
    assert _status(gateway, rid) == "pending"


def test_tampered_body_is_refused(gateway: RunningGateway) -> None:
    """Changing the body after signing (another user id) breaks the signature: 401."""
    rid = gateway.open(make_po())
    body = _approve_body(EVE, rid)
    headers = signed_headers(SECRET, body)
    tampered = body.replace(EVE, ALICE)
    assert gateway.post({}, body=tampered, headers=headers).status_code == 401
    assert _status(gateway, rid) == "pending"


def test_replayed_request_is_refused_by_the_ledger(gateway: RunningGateway, slack: FakeSlack) -> None:
    """The same signed body sent twice passes the signature check twice; the ledger refuses the second."""
    rid = gateway.open(make_po())
    body = _approve_body(ALICE, rid)
    headers = signed_headers(SECRET, body)
    assert gateway.post({}, body=body, headers=headers).status_code == 200
    wait_for(lambda: _status(gateway, rid) == "approved")
    assert gateway.post({}, body=body, headers=headers).status_code == 200
    assert "already approved by alice" in _refusal(slack, ALICE)
    assert len(gateway.gateway.services.approvals.snapshot(rid).decisions) == 1


def test_unauthorized_user_is_told_privately(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A workspace member who is neither a policy person nor in the user group gets an ephemeral refusal."""
    rid = gateway.open(make_po())
    gateway.post({}, body=_approve_body(EVE, rid))
    assert "not an approver" in _refusal(slack, EVE)
    assert _status(gateway, rid) == "pending"
    assert not slack.state.calls_to("chat.update")


def test_self_approval_is_refused(gateway: RunningGateway, slack: FakeSlack) -> None:
    """The person who started the run cannot approve it alone."""
    rid = gateway.open(make_po(), started_by="carol")
    gateway.post({}, body=_approve_body(CAROL, rid))
    assert "started the run" in _refusal(slack, CAROL)
    assert _status(gateway, rid) == "pending"


@pytest.mark.parametrize(
    ("flags", "why"),
    [
        ({"is_bot": True}, "Bots"),
        ({"is_restricted": True}, "Guest"),
        ({"is_ultra_restricted": True}, "Guest"),
        ({"deleted": True}, "deactivated"),
        ({"team_id": "T0OTHER"}, "members of this workspace"),
    ],
)
def test_bot_guest_deleted_and_foreign_accounts_are_refused(
    gateway: RunningGateway, slack: FakeSlack, flags: dict[str, object], why: str
) -> None:
    """Even a policy approver is refused when Slack says the account is a bot, a guest, deactivated or foreign."""
    slack.state.add_user(BOB, **flags)
    rid = gateway.open(make_po())
    gateway.post({}, body=_approve_body(BOB, rid))
    assert why in _refusal(slack, BOB)
    assert _status(gateway, rid) == "pending"


def test_double_click_gives_one_decision(gateway: RunningGateway, slack: FakeSlack) -> None:
    """Two quick clicks by the same person record one decision; the second is told it was already decided."""
    rid = gateway.open(make_po())
    gateway.post({}, body=_approve_body(ALICE, rid))
    gateway.post({}, body=_approve_body(ALICE, rid))
    assert "already" in _refusal(slack, ALICE)
    assert len(gateway.gateway.services.approvals.snapshot(rid).decisions) == 1
    assert _status(gateway, rid) == "approved"


def test_click_on_unknown_request_is_explained(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A button naming no request gets a private message, not an error page."""
    gateway.post({}, body=_approve_body(BOB, "AR-missing"))
    assert "No approval request" in _refusal(slack, BOB)


def test_late_click_on_expired_request_is_refused_and_card_redrawn(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A click after the timeout expires the request, tells the clicker, redraws the card and wakes the run."""
    approvals = gateway.gateway.services.approvals
    opened = datetime.now(UTC) - timedelta(days=8)
    rid = open_request(approvals.ledger, approvals.policy, draft=make_po(), started_by="carol", now=opened).id  # type: ignore[attr-defined]
    gateway.gateway.services.notifier.post_request(rid, channel="C0BUY")
    gateway.post({}, body=_approve_body(ALICE, rid))
    assert "expired" in _refusal(slack, ALICE)
    assert _status(gateway, rid) == "expired"
    wait_for(lambda: "Expired without a decision" in str([c.args for c in slack.state.calls_to("chat.update")]))
    assert wait_for(lambda: gateway.decided) == [rid]  # the waiting run is woken to see the expiry


def test_refusal_falls_back_to_response_url(gateway: RunningGateway, slack: FakeSlack) -> None:
    """When chat.postEphemeral is refused, the private reply goes through the click's response_url."""
    rid = gateway.open(make_po())
    slack.state.force("chat.postEphemeral", 403)
    payload = block_action(EVE, ACTION_APPROVE, button_value(rid, 1), response_url=slack.response_url("r9"))
    gateway.post(payload)
    reply = wait_for(lambda: slack.state.calls_to("response_url"))[0].args
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "not an approver" in reply["text"]
