"""The forecast command, the forecasts validation suite, and the Prefect batch tasks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stockgate.cli.main import app
from stockgate.domain.forecast.checks import forecast_check_frame
from tasks.forecast import split_batches
from tests.forecast_fixtures import FAST_LGBM, generated_sales, poisson_series

runner = CliRunner()


def _write_store_item(path: Path) -> pd.DataFrame:
    sales = poisson_series(3, 120, rate=5)
    frame = pd.DataFrame({"date": sales["ds"].dt.strftime("%Y-%m-%d"), "store": 1,
                          "item": sales["unique_id"].str[2:].astype(int), "sales": sales["y"]})  # fmt: skip
    frame.to_csv(path, index=False)
    return frame


def test_forecast_command_writes_one_row_per_series_and_day(tmp_path: Path) -> None:
    """`stockgate forecast` writes unique_id, the id columns, ds, forecast, quantiles and model after the cutoff."""
    src = tmp_path / "train.csv"
    _write_store_item(src)
    out = tmp_path / "fc.csv"
    args = ["forecast", "--sales", str(src), "--id-cols", "store,item", "--date-col", "date", "--target-col",
            "sales", "--horizon", "7", "--cutoff", "2024-04-15", "--quantiles", "0.1,0.5,0.9,0.95", "--out",
            str(out), "--summary", str(tmp_path / "summary.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["unique_id", "store", "item", "ds", "forecast", "p10", "p50", "p90", "p95", "model"]
    assert len(frame) == 21 and frame["ds"].min() == "2024-04-16" and frame["ds"].max() == "2024-04-22"
    assert pd.read_csv(tmp_path / "summary.csv")["explanation"].str.startswith("Forecast").all()


def test_forecast_command_rejects_bad_quantiles(tmp_path: Path) -> None:
    """A quantile outside (0, 1) is a clear error with exit code 2, and nothing is written."""
    src = tmp_path / "train.csv"
    _write_store_item(src)
    args = ["forecast", "--sales", str(src), "--id-cols", "store,item", "--target-col", "sales", "--horizon", "7",
            "--quantiles", "0.1,1.5", "--out", str(tmp_path / "x.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "between 0 and 1" in result.output and not (tmp_path / "x.csv").exists()


def test_forecasts_suite_passes_good_rows_and_flags_bad_ones() -> None:
    """The suite passes real forecasts; unordered quantiles are critical and far-off values a warning."""
    from stockgate.domain.forecast import Forecaster
    from validations.runner import run_suite

    sales = poisson_series(2, 200)
    frame = forecast_check_frame(Forecaster(lgbm=FAST_LGBM).fit(sales).predict(7), sales)
    assert run_suite("forecasts", frame).ok
    frame.loc[0, "p10"] = frame.loc[0, "p50"] + 1
    frame.loc[1, "forecast"] = 1e6
    result = run_suite("forecasts", frame)
    assert len(result.outcomes) == 13
    assert [(o.column, o.failing_rows) for o in result.critical_failures] == [("p50,p10", [2])]
    assert [(o.column, o.failing_rows) for o in result.warnings if not o.passed] == [("history_limit,forecast", [3])]


def test_split_batches_sizes() -> None:
    """Series are split into batches of at most 500 and at least 50 where possible, never one per series."""
    ids = [f"s{i}" for i in range(1234)]
    sizes = [len(b) for b in split_batches(ids)]
    assert sum(sizes) == 1234 and max(sizes) <= 500 and len(sizes) == 3
    assert [len(b) for b in split_batches(ids[:120], batch_size=500)] == [120]
    assert len(split_batches(ids[:80], batch_size=10)) == 1


@pytest.mark.slow
def test_flow_maps_batches_through_the_task_runner(prefect_server: None) -> None:
    """A flow maps forecast_batch over batches on its task runner and gathers every series."""
    from prefect import flow
    from prefect.task_runners import ThreadPoolTaskRunner

    from tasks.forecast import forecast_in_batches, publish_forecast_summary

    sales = generated_sales(n_series=8, n_days=300)

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
    def run() -> int:
        result = forecast_in_batches(sales, horizon=7, batch_size=4, min_batch=1, options={"lgbm": FAST_LGBM})
        publish_forecast_summary(result)
        return result.batches * 100 + int(result.forecasts["unique_id"].nunique())

    assert run() == 208


@pytest.mark.slow
def test_same_batches_run_on_a_dask_cluster(prefect_server: None) -> None:
    """By configuration alone (a DaskTaskRunner), the batches run in a separate Dask worker process."""
    from prefect import flow
    from prefect_dask import DaskTaskRunner

    from tasks.forecast import forecast_in_batches

    sales = poisson_series(6, 200)
    runner_ = DaskTaskRunner(cluster_kwargs={"n_workers": 1, "threads_per_worker": 1, "processes": True})

    @flow(task_runner=runner_)
    def run() -> tuple[int, int]:
        result = forecast_in_batches(sales, horizon=5, batch_size=3, min_batch=1, options={"lgbm": FAST_LGBM})
        return result.batches, len(result.forecasts)

    assert run() == (2, 30)


@pytest.mark.slow
def test_weekly_forecast_step_runs_on_a_local_dask_cluster_and_plans(prefect_server: None) -> None:
    """The weekly flow's forecast step on a local Dask cluster through prefect-dask: named batches in worker
    processes, progress to 100 %, and a plan drawn from the joined batches."""
    import os
    from uuid import UUID

    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f
    from prefect_dask import DaskTaskRunner

    from stockgate.domain.generator import generate_retail_data
    from tasks.artifacts import Progress
    from tasks.forecast import forecast_for_planning
    from tasks.plan import plan_orders

    data = generate_retail_data(n_series=12, n_days=200, seed=9)
    runner_ = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True})

    @flow(task_runner=runner_)
    def weekly_forecast_step() -> tuple[str, int, int, list[str], set[str]]:
        from prefect.runtime import flow_run

        progress = Progress("replenish-progress", "test")
        demand = forecast_for_planning(sales=data.sales, catalog=data.catalog, inventory=data.inventory,
                                       suppliers=data.suppliers, batch_size=6, min_batch=1,
                                       options={"lgbm": FAST_LGBM},
                                       progress=progress.part(0.0, 1.0, "Forecasting"))  # fmt: skip
        plan = plan_orders(sales=data.sales, catalog=data.catalog, inventory=data.inventory,
                           suppliers=data.suppliers, forecast=demand.as_demand_forecast())  # fmt: skip
        pids = {worker.rsplit(":", 1)[1] for worker in demand.workers}
        return str(flow_run.id), demand.batches, len(plan.orders), [o.confidence for o in plan.orders], pids

    run_id, batches, n_orders, confidences, pids = weekly_forecast_step()
    assert batches == 2 and n_orders >= 1 and all(confidences)
    assert str(os.getpid()) not in pids, "the batches ran in the Dask workers' processes, not in the flow's"
    with get_client(sync_client=True) as client:
        run = f.FlowRunFilter(id=f.FlowRunFilterId(any_=[UUID(run_id)]))
        names = {t.name for t in client.read_task_runs(flow_run_filter=run)}
        key = f.ArtifactFilter(key=f.ArtifactFilterKey(any_=["replenish-progress"]))
        progress = client.read_artifacts(artifact_filter=key, flow_run_filter=run)
    assert {"forecast-batch-1-of-2", "forecast-batch-2-of-2"} <= names
    assert [float(a.data) for a in progress] == [100.0]
    assert _batch_log_lines(run) == {"Batch 1 of 2", "Batch 2 of 2"}, "log lines from the Dask workers reach the UI"


def _batch_log_lines(run: object) -> set[str]:
    """The package's "Batch i of n" lines the API holds for a run (they arrive in batches, so wait a little)."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.client.schemas import filters as f

    assert isinstance(run, f.FlowRunFilter)
    found: set[str] = set()
    for _ in range(30):
        with get_client(sync_client=True) as client:
            flow_run_id = f.LogFilterFlowRunId(any_=run.id.any_ if run.id else [])
            logs = client.read_logs(log_filter=f.LogFilter(flow_run_id=flow_run_id))
        found = {line.message.split(":")[0] for line in logs if line.name == "tasks.forecast"} - {""}
        found = {text for text in found if text.startswith("Batch")}
        if len(found) >= 2:
            break
        time.sleep(1)
    return found
