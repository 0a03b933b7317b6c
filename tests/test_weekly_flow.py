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
    _assert_planners_see(str(requests[0].flow_run_id), n_requests=len(requests))


ARTIFACT_KEYS = {
    "replenish-progress", "input-validation", "input-validation-data-docs", "forecast-summary",
    "forecast-summary-accuracy", "forecast-summary-notes", "purchase-orders", "purchase-order-notes",
    "purchase-order-lines",
    "approval-outcomes", "approval-decisions", "committed-orders",
}  # fmt: skip


def _run_record(flow_run_id: str) -> tuple[list[Any], list[Any], list[Any]]:
    """Artifacts, task runs and log lines of one flow run, read back through the Prefect client."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f

    run = [UUID(flow_run_id)]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=f.ArtifactFilter(flow_run_id=f.ArtifactFilterFlowRunId(any_=run))
        )
        tasks = client.read_task_runs(flow_run_filter=f.FlowRunFilter(id=f.FlowRunFilterId(any_=run)))
        logs = client.read_logs(log_filter=f.LogFilter(flow_run_id=f.LogFilterFlowRunId(any_=run)))
    return artifacts, tasks, logs


def _assert_planners_see(flow_run_id: str, *, n_requests: int) -> None:
    """The UI has every artifact under its stable key, batch-named forecast tasks and the package's own logs."""
    deadline = time.monotonic() + 60  # log lines reach the server in batches after the run ends
    while True:
        artifacts, tasks, logs = _run_record(flow_run_id)
        domain_logs = [line for line in logs if line.name.split(".")[0] in ("stockgate", "tasks")]
        if domain_logs or time.monotonic() > deadline:
            break
        time.sleep(1)
    by_key = {a.key: a for a in sorted(artifacts, key=lambda a: a.created or 0) if a.key}
    assert set(by_key) >= ARTIFACT_KEYS, f"missing artifacts: {sorted(ARTIFACT_KEYS - set(by_key))}"
    assert by_key["replenish-progress"].type == "progress" and float(by_key["replenish-progress"].data) == 100.0
    accuracy = by_key["forecast-summary-accuracy"].data
    segments = {row["segment_by"] for row in json.loads(accuracy)} if isinstance(accuracy, str) else set()
    assert {"ABC class", "XYZ class", "model", "confidence"} <= segments
    decisions = json.loads(str(by_key["approval-decisions"].data))
    assert len(decisions) == n_requests and {d["who"] for d in decisions} == {"ana"}
    assert {d["reason"] for d in decisions if d["action"] == "reject"} <= {"stock is fine"}
    assert "Committed: 1 of" in str(by_key["committed-orders"].data)
    assert "forecast-batch-1-of-1" in {t.name for t in tasks}
    assert any("Loaded" in line.message for line in domain_logs), "the package's INFO lines reach the UI"
