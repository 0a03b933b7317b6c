"""End to end in Slack: the REAL weekly flow on generated data posts its card to the fake Slack and pauses; one
signed Approve click through the gateway resumes it; the order is committed once to a files sink; the card shows
the outcome and the PO number, and the thread has the chart, the audit line and the commit line."""

from __future__ import annotations

import contextvars
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.runs import PrefectRunWaker
from stockgate.adapters.slack.cards import ACTION_APPROVE
from stockgate.adapters.slack.gateway.wiring import build_gateway
from stockgate.adapters.slack.ledger_port import LedgerApprovals, wake_run_hook
from stockgate.adapters.slack.snapshot import button_value
from stockgate.domain.approvals.policy import load_policy
from stockgate.domain.approvals.requests import ApprovalRequest
from stockgate.domain.generator import write_dataset
from stockgate.settings import Settings, get_settings
from tests.slack.conftest import ALICE, CHANNEL, SECRET, served, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action

pytestmark = pytest.mark.slow

# ana decides in Slack as U0ALICE; the planner who starts the run has no Slack account here.
POLICY = {
    "version": 1,
    "people": {"ana": {"name": "Ana", "slack_user_id": ALICE}, "planner": {"name": "Planner"}},
    "groups": {},
    "kinds": {
        "purchase_order": {"default": {"route": "one_approver", "approvers": ["ana"], "channel": CHANNEL}},
        "copy": {"default": {"route": "one_approver", "approvers": ["ana"]}},
    },
}


@pytest.fixture()
def slack_settings(tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings from the environment, as the flow reads them: Slack enabled and pointing at the fake Slack."""
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(POLICY), encoding="utf-8")
    env = {
        "STOCKGATE_HOME": str(tmp_path / "home"),
        "STOCKGATE_POLICY_FILE": str(policy_file),
        "STOCKGATE_SLACK_BOT_TOKEN": "xoxb-test-token",
        "STOCKGATE_SLACK_SIGNING_SECRET": SECRET,
        "STOCKGATE_SLACK_API_URL": slack.api_url,
        "STOCKGATE_PAUSE_POLL_INTERVAL_S": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _run_down_stock(inventory_csv: Path) -> None:
    """Nothing on hand, so the one supplier's order surely has lines to buy."""
    inventory = pd.read_csv(inventory_csv, dtype="string")
    inventory["on_hand"] = "0"
    inventory.to_csv(inventory_csv, index=False)


def _pending(ledger: Ledger, runner: threading.Thread) -> list[ApprovalRequest]:
    """The run's pending requests once every one of them has its card in Slack."""
    if not runner.is_alive():
        raise AssertionError("the flow ended before asking for approval")
    requests = ledger.list_requests()
    return requests if requests and all(r.slack_ts for r in requests) else []


def _accepted(slack: FakeSlack, method: str, **match: str) -> list[dict[str, Any]]:
    """Arguments of the calls Slack accepted, filtered on exact argument values."""
    calls = [c.args for c in slack.state.calls_to(method) if c.response]
    return [a for a in calls if all(a.get(k) == v for k, v in match.items())]


@pytest.mark.usefixtures("prefect_server")
def test_weekly_flow_is_approved_in_slack_and_shows_the_po_number(
    slack_settings: Settings, slack: FakeSlack, tmp_path: Path
) -> None:
    """Weekly flow -> card + chart in Slack -> pause -> signed click -> resume -> one commit -> PO number on card."""
    from flows.params import ReplenishParams
    from flows.replenish import weekly_replenishment

    slack.state.add_user(ALICE)
    data, sink = tmp_path / "data", tmp_path / "procurement"
    write_dataset(out_dir=data, n_series=8, n_days=240, seed=5, n_suppliers=1, fmt="csv")
    _run_down_stock(data / "inventory.csv")
    ledger = Ledger(slack_settings.resolved_ledger_url)
    policy = load_policy(slack_settings.policy_file)
    context = contextvars.copy_context()  # the Prefect harness's settings live in a context variable
    hook = wake_run_hook(LedgerApprovals(ledger, policy), PrefectRunWaker().wake)
    build = lambda on_decided: build_gateway(slack_settings, ledger, policy, on_decided=on_decided)  # noqa: E731
    params = ReplenishParams.model_validate(
        {"data_dir": str(data), "started_by": "planner", "wait": "pause", "sink": f"files:{sink}"}
    )
    result: dict[str, Any] = {}
    with served(build) as gateway:
        gateway.hooks.append(lambda rid: context.copy().run(hook, rid))
        runner = threading.Thread(
            target=lambda: result.setdefault("out", context.copy().run(weekly_replenishment, params)), daemon=True
        )
        runner.start()
        requests = wait_for(lambda: _pending(ledger, runner), timeout=420)
        for request in requests:
            response = gateway.post(block_action(ALICE, ACTION_APPROVE, button_value(request.id, request.version)))
            assert response.status_code == 200
        runner.join(180)
        assert not runner.is_alive(), "the run did not finish after the Slack approvals"

    out = result["out"]
    assert set(out["outcomes"]) == {r.id for r in requests} and set(out["outcomes"].values()) == {"committed"}
    files = sorted(sink.rglob("*.json"))
    assert sorted(json.loads(f.read_text())["request_id"] for f in files) == sorted(r.id for r in requests)
    for request in requests:
        final = ledger.get(request.id)
        ts, ref = str(final.slack_ts), str(final.external_ref)
        assert [e.event for e in ledger.audit_trail(request.id)].count("committed") == 1
        card = _accepted(slack, "chat.update", ts=ts)[-1]["blocks"]
        shown = json.dumps(card, ensure_ascii=False)
        assert "Approved by *ana*" in shown and f"Committed as *{ref}*" in shown and "📦 *Committed*" in shown
        assert not any(block["type"] == "actions" for block in card), "no buttons left"
        thread = [a["text"] for a in _accepted(slack, "chat.postMessage", thread_ts=ts)]
        assert any(t.startswith("Approved by *ana*") for t in thread), thread
        commit_lines = [t for t in thread if "Committed version" in t]
        assert len(commit_lines) == 1 and commit_lines[0].startswith(f"📦 Committed version 1 as *{ref}* at ")
        assert _accepted(slack, "files.completeUploadExternal", thread_ts=ts, channel_id=CHANNEL), "the chart"
    ledger.close()
