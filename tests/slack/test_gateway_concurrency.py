"""Fifty people clicking Approve on one request at once: one decision, every click answered within 3 s."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from stockgate.adapters.slack.cards import ACTION_APPROVE
from stockgate.adapters.slack.snapshot import button_value
from tests.slack.conftest import ALICE, BOB, DAVE, SECRET, RunningGateway, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action, form_body, signed_headers

CLICKS = 50


def test_fifty_concurrent_clicks_make_exactly_one_decision(gateway: RunningGateway, slack: FakeSlack) -> None:
    """50 concurrent signed clicks: each HTTP answer within 3 s, one decision, 49 private refusals, one wake-up."""
    rid = gateway.open(make_po())
    users = [(ALICE, BOB, DAVE)[i % 3] for i in range(CLICKS)]
    bodies = [form_body(block_action(u, ACTION_APPROVE, button_value(rid, 1))) for u in users]

    limits = httpx.Limits(max_connections=CLICKS, max_keepalive_connections=CLICKS)

    def click(body: str) -> tuple[int, float]:
        headers = signed_headers(SECRET, body)
        started = time.perf_counter()
        response = http.post(gateway.url + "/slack/events", content=body, headers=headers)
        return response.status_code, time.perf_counter() - started

    with httpx.Client(limits=limits, timeout=10) as http, ThreadPoolExecutor(CLICKS) as pool:
        results = list(pool.map(click, bodies))
    assert all(status == 200 for status, _ in results)
    slowest = max(elapsed for _, elapsed in results)
    assert slowest < 3.0, f"slowest ack took {slowest:.2f} s"
    wait_for(lambda: len(slack.state.calls_to("chat.postEphemeral")) == CLICKS - 1, timeout=60)
    snap = gateway.gateway.services.approvals.snapshot(rid)
    assert snap.status == "approved" and len(snap.decisions) == 1
    assert gateway.decided == [rid]
