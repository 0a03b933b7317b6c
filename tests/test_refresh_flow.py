"""The daily refresh flow under a real Prefect server: snapshot, actuals against it, learning artifacts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pandas as pd
import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import parse_policy
from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.domain.generator import write_dataset
from stockgate.errors import InputError
from stockgate.services.decisions import decide, open_request
from stockgate.settings import get_settings
from tasks.learning import ARTIFACT_KEYS
from tests.ledger_fixtures import POLICY

pytestmark = pytest.mark.slow


def _run(data: Path, as_of: date) -> tuple[dict[str, Any], UUID]:
    from flows.params import RefreshParams
    from flows.refresh import daily_forecast_refresh

    params = RefreshParams.model_validate(
        {"data_dir": str(data), "as_of": as_of.isoformat(), "horizon_days": 14, "models": ["seasonal_naive"]}
    )
    state = daily_forecast_refresh(params, return_state=True)
    assert state.is_completed(), state.message
    return state.result(), state.state_details.flow_run_id  # type: ignore[return-value]


def _order_edited_by_alice(ledger: Ledger, data: Path, order_date: date) -> None:
    """One order for three series of the data, proposed from the snapshot; alice adds 20 %, carol approves."""
    snapshot = ledger.snapshot_frame()
    window = snapshot[
        (snapshot["day"] >= pd.Timestamp(order_date))
        & (snapshot["day"] < pd.Timestamp(order_date) + pd.Timedelta(days=7))
    ]
    sums = window.groupby(["sku", "location"])["forecast"].sum().head(3)
    lines = [POLine(sku=sku, location=loc, quantity=max(1, round(f)), pack_size=1, moq=1, unit_cost=3.0,
                    line_cost=3.0 * max(1, round(f)), facts={"window_days": 7, "service_class": "AY"})
             for (sku, loc), f in sums.items()]  # fmt: skip
    po = PurchaseOrder(po_id="PO-REFRESH-1", supplier="SUP01", lines=lines, order_date=order_date, confidence="high")
    policy, at = parse_policy(POLICY), datetime.combine(order_date, time(8), tzinfo=UTC)
    request = open_request(ledger, policy, draft=po, started_by="scheduler", now=at)
    edit = {"quantities": {f"{ln.sku}@{ln.location}": round(ln.quantity * 1.2) + 1 for ln in lines}}
    decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="edit", reason="feels low",
           edit=edit, route="slack", reason_category="gut_feeling", now=at + timedelta(hours=2))  # fmt: skip
    decide(ledger, policy, request_id=request.id, expected_version=2, actor="carol", action="approve", route="cli",
           now=at + timedelta(hours=3))  # fmt: skip


def _artifacts(flow_run_id: UUID) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=f.ArtifactFilter(flow_run_id=f.ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
        name = client.read_flow_run(flow_run_id).name
    return {"_run_name": name, **{a.key: a for a in found if a.key}}


def test_refresh_stores_snapshots_scores_them_and_publishes_the_learning_report(
    prefect_server: None, stockgate_home: Path, tmp_path: Path
) -> None:
    """Run 1 snapshots the forecast; an order is edited; run 2 records actuals and measures the edited lines."""
    data = tmp_path / "data"
    write_dataset(out_dir=data, n_series=6, n_days=150, seed=5, fmt="csv")
    last = pd.to_datetime(pd.read_csv(data / "sales.csv")["date"]).max().date()
    first_as_of = last - timedelta(days=10)
    out, run_id = _run(data, first_as_of)
    assert out["as_of"] == first_as_of.isoformat() and out["snapshot_rows"] == 6 * 14 and out["actual_rows"] == 0
    assert _artifacts(run_id)["_run_name"] == f"refresh-{first_as_of:%Y-%m-%d}"
    ledger = Ledger(get_settings().resolved_ledger_url)
    _order_edited_by_alice(ledger, data, first_as_of + timedelta(days=1))

    out, run_id = _run(data, last)
    assert out["actual_rows"] == 6 * 10  # the ten days after the first as-of date, for every series
    assert out["measured_lines"] == 3 and out["pending_lines"] == 0
    artifacts = _artifacts(run_id)
    assert set(artifacts) >= {*ARTIFACT_KEYS, "refresh-summary", "refresh-forecast-summary"}
    by_approver = json.loads(str(artifacts["learning-fva-by-approver"].data))
    (alice,) = [row for row in by_approver if row["approver"] == "alice"]
    assert alice["edited_lines"] == 3 and alice["human_bias"] > alice["machine_bias"]
    assert "Edits by alice" in str(artifacts["learning-report"].data)
    assert ledger.snapshot_dates() == [first_as_of, last]


def test_refresh_refuses_weekly_sales_in_its_sales_history_task(
    prefect_server: None, stockgate_home: Path, tmp_path: Path
) -> None:
    """Weekly sales: the sales-history task fails with an InputError naming the sales file; nothing is stored."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f

    from flows.params import RefreshParams
    from flows.refresh import daily_forecast_refresh

    data = tmp_path / "weekly"
    write_dataset(out_dir=data, n_series=3, n_days=40 * 7, seed=2, fmt="csv", freq="W")
    params = RefreshParams.model_validate({"data_dir": str(data), "horizon_days": 14, "models": ["seasonal_naive"]})
    state = daily_forecast_refresh(params, return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, InputError), error
    assert "sales.csv" in str(error) and "refresh needs daily sales" in str(error) and "'W" in str(error)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=f.FlowRunFilter(id=f.FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    failed = {run.name.rsplit("-", 1)[0] for run in runs if run.state and run.state.is_failed()}
    assert failed == {"sales-history"}
    assert Ledger(get_settings().resolved_ledger_url).snapshot_count() == 0
