"""The whole weekly flow under a real Prefect server: pause at the gate, decide from the command line, commit once."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from stockgate.adapters.ledger import Ledger
from stockgate.cli.main import app
from stockgate.domain.generator import write_dataset
from stockgate.settings import get_settings

pytestmark = pytest.mark.slow


def _wait_for_pending(ledger: Ledger, flow: threading.Thread, timeout_s: float = 420) -> list[Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and flow.is_alive():
        requests = ledger.list_requests()
        if requests and any(r.status.value == "pending" for r in requests):
            return requests
        time.sleep(0.5)
    raise AssertionError("the flow never opened a pending approval request")


def test_weekly_flow_pauses_is_decided_by_cli_and_commits_to_files(
    prefect_server: None, stockgate_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Approve one order and reject another in the CLI: the run resumes, commits the approved one once, and ends."""
    from flows.params import ReplenishParams
    from flows.replenish import weekly_replenishment

    monkeypatch.setenv("STOCKGATE_PAUSE_POLL_INTERVAL_S", "1")
    get_settings.cache_clear()
    data = tmp_path / "data"
    write_dataset(out_dir=data, n_series=24, n_days=240, seed=11, fmt="csv")
    result: dict[str, Any] = {}
    params = ReplenishParams.model_validate({"data_dir": str(data), "started_by": "planner", "wait": "pause"})
    flow = threading.Thread(target=lambda: result.setdefault("out", weekly_replenishment(params)), daemon=True)
    flow.start()
    ledger = Ledger(get_settings().resolved_ledger_url)
    requests = [r for r in _wait_for_pending(ledger, flow) if r.status.value == "pending"]
    runner = CliRunner()
    refused = runner.invoke(app, ["approvals", "approve", requests[0].id, "--as", "planner"])
    assert refused.exit_code != 0, "the person who started the run must not approve it alone"
    approved = runner.invoke(app, ["approvals", "approve", requests[0].id, "--as", "ana"])
    assert approved.exit_code == 0, approved.output
    for other in requests[1:]:
        rejected = runner.invoke(app, ["approvals", "reject", other.id, "--as", "ana", "--reason", "stock is fine"])
        assert rejected.exit_code == 0, rejected.output
    flow.join(timeout=180)
    assert not flow.is_alive(), "the run did not finish after every request was decided"
    out = result["out"]
    assert out["outcomes"][requests[0].id] == "committed"
    assert all(out["outcomes"][r.id] == "rejected" for r in requests[1:])
    files = list((stockgate_home / "procurement").rglob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["request_id"] == requests[0].id
    events = [e.event for e in ledger.audit_trail(requests[0].id)]
    assert events[0] == "opened" and "committed" in events and events.count("committed") == 1
    shown = runner.invoke(app, ["approvals", "show", requests[0].id, "--json"])
    assert json.loads(shown.output)["status"] == "committed"
