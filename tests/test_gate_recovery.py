"""A run whose process is killed while paused is failed cleanly, and its approved order is still committed once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import load_policy
from stockgate.domain.generator import write_dataset
from stockgate.services.decisions import decide
from stockgate.settings import get_settings

pytestmark = pytest.mark.slow


def _paused_run_with_requests(ledger: Ledger, process: subprocess.Popen[bytes], timeout_s: float = 420) -> list:
    from prefect import get_client

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        pending = ledger.list_requests(status="pending")
        if pending and pending[0].flow_run_id:
            with get_client(sync_client=True) as client:
                state = client.read_flow_run(UUID(pending[0].flow_run_id)).state
            if state is not None and state.is_paused():
                return pending
        time.sleep(0.5)
    raise AssertionError("the flow process never paused at the gate")


def test_killed_paused_run_is_marked_crashed_and_its_approval_committed_once(
    prefect_server: None, stockgate_home: Path, tmp_path: Path
) -> None:
    """kill -9 while paused; approve; the sweep marks the run Crashed and commits exactly one order."""
    from prefect import get_client
    from prefect.settings import PREFECT_API_URL

    from flows.sweep import sweep_approvals

    data = tmp_path / "data"
    write_dataset(out_dir=data, n_series=16, n_days=200, seed=5, fmt="csv")
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "STOCKGATE_PAUSE_POLL_INTERVAL_S": "1"}
    process = subprocess.Popen([sys.executable, "-m", "flows.replenish", str(data), "planner"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    ledger = Ledger(get_settings().resolved_ledger_url)
    try:
        pending = _paused_run_with_requests(ledger, process)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    request = pending[0]
    decide(ledger, load_policy(None), request_id=request.id, expected_version=request.version, actor="ana",
           action="approve", route="cli")  # fmt: skip
    first = sweep_approvals.fn()
    assert first["recovered"] == [request.flow_run_id]
    assert len(first["committed"]) == 1
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(UUID(request.flow_run_id)).state.name == "Crashed"
    assert ledger.get(request.id).status.value == "committed"
    second = sweep_approvals.fn()
    assert second["committed"] == [] and second["recovered"] == []
    assert len(list((stockgate_home / "procurement").rglob("*.json"))) == 1
    assert ledger.get(pending[-1].id).is_open or len(pending) == 1, "other requests stay answerable"
