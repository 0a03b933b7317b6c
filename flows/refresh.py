"""Daily forecast refresh: load, validate, forecast, store the snapshot, record actuals, learning report.

This module only sequences tasks. Deployed as ``daily-forecast-refresh`` (prefect.yaml); runs are named
``refresh-2026-11-21``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect import flow

from flows.params import RefreshParams
from flows.runtime import output_dir, task_runner
from tasks.forecast import forecast_in_batches, publish_forecast_summary
from tasks.inputs import load_input_files, validate_input_files
from tasks.learning import build_learning_report, publish_learning_report, write_adjusted_forecast
from tasks.logs import show_package_logs
from tasks.refresh import (
    prepare_refresh,
    publish_refresh_summary,
    record_actuals,
    refresh_run_name,
    sales_history,
    store_forecast_snapshot,
)
from tasks.waiting import current_flow_run_id

show_package_logs()


@flow(name="daily-forecast-refresh", flow_run_name=refresh_run_name, task_runner=task_runner())
def daily_forecast_refresh(params: RefreshParams) -> dict[str, Any]:
    """Forecast again on the newest sales, keep the forecast as a snapshot, score earlier snapshots against what
    was sold, and publish the learning report (forecast value added, decisions, proposals)."""
    settings = prepare_refresh()
    run_id = current_flow_run_id()
    out_dir = output_dir(params.data_dir, params.out_dir, f"refresh-{run_id or 'local'}")
    bundle = load_input_files(params.data_dir)
    clean = validate_input_files(bundle, out_dir=out_dir / "validation").cleaned
    history = sales_history(clean.sales, freq=clean.freq, sales_file=bundle.files.get("sales"), as_of=params.as_of)
    options = {"models": tuple(params.models)} if params.models else None
    result = forecast_in_batches(history, horizon=params.horizon_days, freq=clean.freq, options=options,
                                 batch_size=settings.batch_size)  # fmt: skip
    publish_forecast_summary(result, key="refresh-forecast-summary", sales=clean.sales, catalog=clean.catalog)
    url = settings.ledger_url
    as_of, stored = store_forecast_snapshot(result.forecasts, history, ledger_url=url, run_id=run_id)
    updated = record_actuals(history, ledger_url=url)
    publish_refresh_summary(as_of=as_of, snapshot_rows=stored, actual_rows=updated, history=history,
                            horizon=params.horizon_days)  # fmt: skip
    report = build_learning_report(ledger_url=url, as_of=as_of + timedelta(days=1), weeks=params.report_weeks,
                                   adjustments_file=settings.adjustments_file)  # fmt: skip
    publish_learning_report(report)
    adjusted = write_adjusted_forecast(result.forecasts, report, out_dir)
    return {
        "as_of": as_of.isoformat(),
        "snapshot_rows": stored,
        "actual_rows": updated,
        "measured_lines": report.measured_lines,
        "pending_lines": report.pending_lines,
        "suggestions": [s.text for s in report.suggestions],
        "adjustments": [a.id for a in report.adjustments],
        "adjusted_forecast": str(adjusted) if adjusted else None,
    }
