"""The weekly flow under a real Prefect server with an adjustment enabled for every SKU: the run publishes
``replenish-adjustments``, every drafted line names the adjustment, and the ledger holds the run's snapshot."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from stockgate.adapters.ledger import Ledger
from stockgate.cli.main import app
from stockgate.domain.generator import write_dataset
from stockgate.settings import get_settings

pytestmark = pytest.mark.slow


def _pending(ledger: Ledger, flow: threading.Thread, timeout_s: float = 420) -> list[Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and flow.is_alive():
        pending = [r for r in ledger.list_requests() if r.status.value == "pending"]
        if pending:
            return pending
        time.sleep(0.5)
    raise AssertionError("the flow never opened a pending approval request")


def _artifact_keys(flow_run_id: str) -> set[str]:
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f

    run = f.ArtifactFilterFlowRunId(any_=[UUID(flow_run_id)])
    with get_client(sync_client=True) as client:
        return {a.key for a in client.read_artifacts(artifact_filter=f.ArtifactFilter(flow_run_id=run)) if a.key}


def test_weekly_flow_plans_with_enabled_adjustments_and_stores_its_snapshot(
    prefect_server: None, stockgate_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.params import ReplenishParams
    from flows.replenish import weekly_replenishment

    monkeypatch.setenv("STOCKGATE_PAUSE_POLL_INTERVAL_S", "1")
    get_settings.cache_clear()
    data = tmp_path / "data"
    write_dataset(out_dir=data, n_series=8, n_days=150, seed=13, fmt="csv")
    skus = sorted(pd.read_csv(data / "catalog.csv")["sku"].astype(str).unique())
    entries = [{"id": f"adj-{s}", "enabled_by": "ana", "scope": "sku", "value": s, "factor": 2.5} for s in skus]
    get_settings().resolved_adjustments_file.write_text(yaml.safe_dump({"enabled": entries}), encoding="utf-8")
    result: dict[str, Any] = {}
    params = ReplenishParams.model_validate({"data_dir": str(data), "started_by": "planner", "wait": "pause"})
    flow = threading.Thread(target=lambda: result.setdefault("out", weekly_replenishment(params)), daemon=True)
    flow.start()
    ledger = Ledger(get_settings().resolved_ledger_url)
    requests = _pending(ledger, flow)
    for request in requests:
        rejected = CliRunner().invoke(app, ["approvals", "reject", request.id, "--as", "ana", "--reason", "test"])
        assert rejected.exit_code == 0, rejected.output
    flow.join(timeout=180)
    assert not flow.is_alive(), "the run did not finish after every request was decided"
    out_dir = Path(result["out"]["out_dir"])
    orders = json.loads((out_dir / "purchase_orders.json").read_text())
    lines = [line for order in orders for line in order["lines"]]
    assert lines and all(any("multiplied by 2.50" in r for r in line["reasons"]) for line in lines)
    assert "replenish-adjustments" in _artifact_keys(str(requests[0].flow_run_id))
    snapshot = ledger.snapshot_frame()
    last_sale = pd.to_datetime(pd.read_csv(data / "sales.csv")["date"]).max().date()
    assert set(pd.to_datetime(snapshot["as_of"]).dt.date) == {last_sale}
    assert len(snapshot) and set(snapshot["model"].str.endswith("+adjusted")) == {True}
