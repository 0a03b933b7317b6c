"""Socket Mode uses the same handlers: an interactive envelope dispatched as the Socket Mode adapter does it, and
the gateway's Socket Mode runner over a real websocket (acks carry the envelope id)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.cards import ACTION_APPROVE, ACTION_REJECT
from stockgate.adapters.slack.gateway import server
from stockgate.adapters.slack.gateway.wiring import build_gateway
from stockgate.adapters.slack.snapshot import button_value
from stockgate.domain.approvals.policy import Policy
from stockgate.services.decisions import open_request
from stockgate.settings import Settings
from tests.slack.conftest import ALICE, BOB, CHANNEL, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.fake_socket_mode import FakeSocketModeServer
from tests.slack.payloads import block_action, values_for, view_submission


def test_socket_mode_envelope_is_decided_like_http(
    settings: Settings, ledger: Ledger, policy: Policy, slack: FakeSlack
) -> None:
    """An interactive Socket Mode envelope (no signature: trust comes from the app token) approves the request."""
    gw = build_gateway(settings.model_copy(update={"slack_signing_secret": None}), ledger, policy, socket_mode=True)
    handler = SocketModeHandler(gw.app, app_token="xapp-1-test", web_client=gw.services.client)
    assert handler.app is gw.app
    rid = open_request(ledger, policy, draft=make_po(), started_by="carol").id
    gw.notifier.post_request(rid, channel=CHANNEL)
    payload = block_action(ALICE, ACTION_APPROVE, button_value(rid, 1))
    envelope = SocketModeRequest(type="interactive", envelope_id="env-1", payload=payload)
    assert run_bolt_app(gw.app, envelope).status == 200
    wait_for(lambda: ledger.get(rid).status == "approved")
    gw.services.workers.shutdown(wait=True)
    assert ledger.decisions(rid)[-1].route == "slack"


@pytest.fixture()
def socket_server(slack: FakeSlack) -> Iterator[FakeSocketModeServer]:
    """A websocket Socket Mode server whose URL the fake Web API hands out from apps.connections.open."""
    ws = FakeSocketModeServer().start()
    slack.state.socket_url = ws.url
    yield ws
    ws.stop()


def test_socket_mode_over_a_real_websocket_acks_and_decides(
    settings: Settings, ledger: Ledger, policy: Policy, slack: FakeSlack, socket_server: FakeSocketModeServer
) -> None:
    """The gateway's Socket Mode runner connects over a websocket, acks each envelope by its id and decides."""
    gw = build_gateway(settings.model_copy(update={"slack_signing_secret": None}), ledger, policy, socket_mode=True)
    approve_id, reject_id = (open_request(ledger, policy, draft=make_po(), started_by="carol").id for _ in range(2))
    for rid in (approve_id, reject_id):
        gw.notifier.post_request(rid, channel=CHANNEL)
    stop = threading.Event()
    runner = threading.Thread(
        target=server.run_socket_mode, args=(gw.app,), kwargs={"app_token": "xapp-1-test", "stop": stop}, daemon=True
    )
    runner.start()
    try:
        assert socket_server.connected.wait(20), "the client never opened the websocket"
        click = block_action(ALICE, ACTION_APPROVE, button_value(approve_id, 1))
        socket_server.send("env-approve-1", "interactive", click, accepts_response_payload=False)
        assert wait_for(lambda: socket_server.acks("env-approve-1")) == [{"envelope_id": "env-approve-1"}]
        wait_for(lambda: ledger.get(approve_id).status == "approved")
        # Reject opens a modal; an empty reason comes back in the ack payload (Slack accepts one for modals).
        click = block_action(BOB, ACTION_REJECT, button_value(reject_id, 1))
        socket_server.send("env-reject-1", "interactive", click, accepts_response_payload=False)
        view = wait_for(lambda: slack.state.calls_to("views.open"))[0].args["view"]
        submission = view_submission(BOB, view, values_for({"reason": "  "}))
        socket_server.send("env-submit-1", "interactive", submission, accepts_response_payload=True)
        ack = wait_for(lambda: socket_server.acks("env-submit-1"))
        assert (
            len(ack) == 1
            and ack[0]["payload"]["response_action"] == "errors"
            and "reason" in ack[0]["payload"]["errors"]
        )
    finally:
        stop.set()
        runner.join(20)
        gw.services.workers.shutdown(wait=True)
    assert not runner.is_alive(), "the Socket Mode runner did not stop"
    assert ledger.decisions(approve_id)[-1].actor == "alice" and ledger.decisions(approve_id)[-1].route == "slack"
    assert ledger.get(reject_id).status == "pending"
    assert len(slack.state.calls_to("apps.connections.open")) == 1
