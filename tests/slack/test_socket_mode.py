"""Socket Mode uses the same handlers: an interactive envelope dispatched as the Socket Mode adapter does it."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.cards import ACTION_APPROVE
from stockgate.adapters.slack.gateway.wiring import build_gateway
from stockgate.adapters.slack.snapshot import button_value
from stockgate.domain.approvals.policy import Policy
from stockgate.services.decisions import open_request
from stockgate.settings import Settings
from tests.slack.conftest import ALICE, CHANNEL, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action


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
