"""Fixtures for the Slack tests: the fake Slack Web API, a real SQLite ledger, a policy, and the real gateway
served over HTTP by uvicorn in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.gateway import server
from stockgate.adapters.slack.gateway.wiring import Gateway, build_gateway
from stockgate.domain.approvals.policy import Policy, parse_policy
from stockgate.domain.drafts import CopyDraft, POLine, PurchaseOrder
from stockgate.services.decisions import open_request
from stockgate.settings import Settings
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import form_body, signed_headers

SECRET = "test-signing-secret-0123456789"
CHANNEL = "C0BUY"
ALICE, BOB, CAROL, DAVE, EVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0EVE"

POLICY = {
    "people": {
        "alice": {"name": "Alice", "slack_user_id": ALICE},
        "bob": {"name": "Bob", "slack_user_id": BOB},
        "carol": {"name": "Carol", "slack_user_id": CAROL},
    },
    "groups": {"buyers": {"members": ["alice", "bob", "carol"], "slack_usergroup_id": "S0BUYERS"}},
    "kinds": {
        "purchase_order": {
            "default": {"route": "one_approver", "approvers": ["group:buyers"], "channel": CHANNEL},
            "rules": [
                {"name": "big", "when": {"min_total": 10000}, "route": "four_eyes", "approvers": ["group:buyers"]}
            ],
        },
        "copy": {"default": {"route": "one_approver", "approvers": ["alice", "bob"]}},
    },
}


def make_po(*, lines: int = 3, supplier: str = "SUP1", qty: int = 24, unit_cost: float = 2.5) -> PurchaseOrder:
    """A purchase order with ``lines`` valid lines (pack 12, MOQ 12)."""
    po_lines = [
        POLine(
            sku=f"SKU{i:04d}",
            location="S01",
            name=f"Product {i}",
            quantity=qty,
            pack_size=12,
            moq=12,
            unit_cost=unit_cost,
            line_cost=round(qty * unit_cost, 2),
            proposed_quantity=qty,
            confidence="high" if i % 3 else "low",
            flags=["data_warning"] if i == 2 else [],
            reasons=[f"Cover falls to {i} days before the next delivery", "Forecast 20 units/week (range 15-26)"],
        )
        for i in range(1, lines + 1)
    ]
    return PurchaseOrder(
        po_id=f"PO-{supplier}-1",
        supplier=supplier,
        supplier_name="Acme Foods",
        delivery_date=date(2026, 12, 1),
        lines=po_lines,
        warnings=["3 sales rows for SKU0002 were quarantined (negative units)."],
        summary="Without this order SKU0001 runs out on 28 Nov; about 120 units of sales would be lost.",
    )


def make_copy() -> CopyDraft:
    return CopyDraft(draft_id="CP-1", sku="SKU0001", channel="product_page", text="Crunchy oats, baked fresh.")


def wait_for(check: Callable[[], Any], *, timeout: float = 10.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture()
def slack() -> Iterator[FakeSlack]:
    """A running fake Slack with five full members (two in no group) and one approvers user group."""
    fake = FakeSlack().start()
    for uid in (ALICE, BOB, CAROL, DAVE, EVE):
        fake.state.add_user(uid)
    fake.state.usergroups["S0BUYERS"] = [ALICE, BOB, CAROL, DAVE]
    yield fake
    fake.stop()


@pytest.fixture()
def policy() -> Policy:
    return parse_policy(POLICY)


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A real SQLite ledger in a file."""
    led = Ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield led
    led.close()


@pytest.fixture()
def settings(tmp_path: Path, slack: FakeSlack) -> Settings:
    return Settings(
        home=tmp_path / "home",
        slack_bot_token="xoxb-test-token",  # type: ignore[arg-type]
        slack_signing_secret=SECRET,  # type: ignore[arg-type]
        slack_api_url=slack.api_url,
        prefect_ui_url="http://127.0.0.1:4200",
    )


@dataclass
class RunningGateway:
    """The real gateway on a local port, with helpers to send signed requests."""

    gateway: Gateway
    url: str
    decided: list[str] = field(default_factory=list)
    hooks: list[Callable[[str], None]] = field(default_factory=list)

    def on_decided(self, request_id: str) -> None:
        """The gateway's hook: record the id, then run the extra hooks a test added (e.g. waking a Prefect run)."""
        self.decided.append(request_id)
        for hook in self.hooks:
            hook(request_id)

    def post(
        self, payload: dict[str, Any], *, headers: dict[str, str] | None = None, body: str | None = None
    ) -> httpx.Response:
        text = body if body is not None else form_body(payload)
        return httpx.post(self.url + "/slack/events", content=text, headers=headers or signed_headers(SECRET, text))

    def open(self, draft: PurchaseOrder | CopyDraft, *, started_by: str | None = "carol", post: bool = True) -> str:
        """Open a request through the decision service and post its card; the request id."""
        services = self.gateway.services
        approvals = services.notifier.approvals
        request = open_request(approvals.ledger, approvals.policy, draft=draft, started_by=started_by)  # type: ignore[attr-defined]
        if post:
            assert services.notifier.post_request(request.id, channel=CHANNEL)
        return request.id


@contextmanager
def served(build: Callable[[Callable[[str], None]], Gateway]) -> Iterator[RunningGateway]:
    """Serve the gateway ``build(on_decided)`` returns over HTTP on a free local port until the block ends."""
    running = RunningGateway(gateway=None, url="")  # type: ignore[arg-type]
    gw = build(running.on_decided)
    running.gateway = gw
    sock = server.bound_socket("127.0.0.1", 0)
    running.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv = server.uvicorn_server(server.http_app(gw.app, gw.notifier), host="127.0.0.1", port=0)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: uv.started)
    try:
        yield running
    finally:
        uv.should_exit = True
        thread.join(10)
        gw.services.workers.shutdown(wait=True)


@pytest.fixture()
def gateway(settings: Settings, ledger: Ledger, policy: Policy) -> Iterator[RunningGateway]:
    """The real gateway (Bolt + uvicorn) talking to the fake Slack, deciding through the real ledger."""
    with served(lambda hook: build_gateway(settings, ledger, policy, on_decided=hook)) as running:
        yield running
