"""End to end through Prefect: a real run pauses on its request, a signed Slack click approves it, the gateway's
``on_decided`` hook resumes the run, and the run reads the decision from the ledger."""

from __future__ import annotations

import contextvars
import json
import threading
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client

from stockgate.adapters.runs import PrefectRunWaker
from stockgate.adapters.slack.cards import ACTION_APPROVE
from stockgate.adapters.slack.ledger_port import LedgerApprovals, wake_run_hook
from stockgate.adapters.slack.snapshot import button_value
from stockgate.services.decisions import open_request
from tasks.waiting import current_flow_run_id, wait_for_people
from tests.slack.conftest import ALICE, CHANNEL, RunningGateway, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action


def _paused(flow_run_id: str) -> bool:
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    return bool(state and state.is_paused())


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_signed_click_resumes_paused_run(gateway: RunningGateway, slack: FakeSlack) -> None:
    """The run posts its card, pauses, and finishes 'approved' after one signed Approve click."""
    services = gateway.gateway.services
    approvals: LedgerApprovals = services.approvals  # type: ignore[assignment]
    context = contextvars.copy_context()  # the harness's Prefect settings live in a context variable
    hook = wake_run_hook(approvals, PrefectRunWaker().wake)
    gateway.hooks.append(lambda rid: context.copy().run(hook, rid))
    opened: list[str] = []

    @flow(name="slack-gate-e2e")
    def gated() -> str:
        run_id = current_flow_run_id()
        request = open_request(
            approvals.ledger, approvals.policy, draft=make_po(), started_by="carol", flow_run_id=run_id
        )
        opened.append(request.id)
        services.notifier.post_request(request.id, channel=CHANNEL)
        round_no = 0
        while approvals.ledger.get(request.id).is_open:
            round_no += 1
            wait_for_people(mode="pause", round_no=round_no, timeout_s=120, poll_interval_s=1, description="e2e")
        return str(approvals.ledger.get(request.id).status)

    result: list[str] = []
    runner = threading.Thread(target=lambda: result.append(context.copy().run(gated)), daemon=True)
    runner.start()
    rid = wait_for(lambda: opened and opened[0], timeout=60)
    flow_run_id = approvals.flow_run_of(rid)
    assert flow_run_id
    wait_for(lambda: context.copy().run(_paused, flow_run_id), timeout=60)
    response = gateway.post(block_action(ALICE, ACTION_APPROVE, button_value(rid, 1)))
    assert response.status_code == 200
    runner.join(60)
    assert result == ["approved"]
    assert "Approved by *alice*" in json.dumps([c.args["blocks"] for c in slack.state.calls_to("chat.update")])
