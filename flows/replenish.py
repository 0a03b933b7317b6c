"""Weekly replenishment: load, validate, forecast (with the adjustments people enabled, stored as the week's
snapshot), plan, gate, commit. This module only sequences tasks."""

from __future__ import annotations

from typing import Any, cast

from prefect import flow

from flows.params import ReplenishParams
from flows.runtime import output_dir, run_name, task_runner
from stockgate.domain.approvals.requests import Status
from stockgate.settings import get_settings
from tasks.artifacts import Progress
from tasks.forecast import forecast_for_planning, publish_forecast_summary, write_forecast
from tasks.gate import ledger_and_policy, notify_approvers, open_requests, require_valid_drafts
from tasks.gate_loop import run_gate
from tasks.inputs import load_input_files, validate_input_files, warnings_by_sku
from tasks.learning import adjust_planning_forecast, note_plan_adjustments, store_planning_snapshot
from tasks.logs import show_package_logs
from tasks.plan import plan_orders, validate_orders, write_orders
from tasks.waiting import current_flow_run_id, wait_mode
from validations.outcomes import SuiteResult

show_package_logs()  # the package's log lines appear in the Prefect UI, however the flow is started


@flow(name="weekly-replenishment", flow_run_name=run_name("replenish"), task_runner=task_runner())
def weekly_replenishment(params: ReplenishParams) -> dict[str, Any]:
    """Draft one purchase order per supplier, wait for people to decide, and commit what they approve."""
    settings = get_settings()
    run_id = current_flow_run_id()
    ledger, _ = ledger_and_policy(settings)
    requests = ledger.list_requests(flow_run_id=run_id) if run_id else []
    out_dir = output_dir(params.data_dir, params.out_dir, f"replenish-{run_id or 'local'}")
    if not requests:  # a suspended run re-runs from the top: its drafts are already in the ledger
        progress = Progress("replenish-progress", "Weekly replenishment: starting")
        progress.update(0.02, "Loading inputs")
        bundle = load_input_files(params.data_dir)
        progress.update(0.08, "Validating inputs")
        report = validate_input_files(bundle, out_dir=out_dir / "validation")
        clean = report.cleaned
        warnings = warnings_by_sku(report, bundle)
        demand = forecast_for_planning(sales=clean.sales, catalog=clean.catalog, inventory=clean.inventory,
                                       suppliers=clean.suppliers, freq=clean.freq, min_horizon=params.horizon_days,
                                       batch_size=settings.forecast_batch_size,
                                       progress=progress.part(0.15, 0.80, "Forecasting"))  # fmt: skip
        publish_forecast_summary(demand, sales=clean.sales, catalog=clean.catalog)
        write_forecast(demand, out_dir)
        url = settings.resolved_ledger_url
        planning = adjust_planning_forecast(demand, ledger_url=url, adjustments_file=settings.resolved_adjustments_file,
                                            catalog=clean.catalog)  # fmt: skip
        store_planning_snapshot(demand, sales=clean.sales, forecast=planning, ledger_url=url, run_id=run_id)
        progress.update(0.82, "Planning purchase orders")
        plan = plan_orders(sales=clean.sales, catalog=clean.catalog, inventory=clean.inventory,
                           suppliers=clean.suppliers, freq=clean.freq, warnings=warnings,
                           forecast=planning)  # fmt: skip
        plan = note_plan_adjustments(plan, forecast=planning)
        progress.update(0.90, "Checking and writing the drafts")
        budget, currency = plan.config.run_budget, plan.config.run_budget_currency
        validation = cast(SuiteResult, validate_orders(plan.orders, catalog=clean.catalog, suppliers=clean.suppliers,
                                                       run_budget=budget, run_budget_currency=currency))  # fmt: skip
        require_valid_drafts(validation)
        written = write_orders(plan, out_dir)
        progress.update(0.95, "Opening approval requests")
        requests = open_requests(plan.orders, settings=settings, started_by=params.started_by, flow_run_id=run_id)
        notify_approvers(requests, settings=settings, charts_dir=written.get("charts"))
        progress.update(1.0, f"Waiting for decisions on {len(requests)} purchase order(s)")
    final = run_gate(requests, settings=settings, mode=wait_mode(params.wait), sink_spec=params.sink)
    return {
        "out_dir": str(out_dir),
        "requests": [r.id for r in final],
        "committed": [r.external_ref for r in final if r.status == Status.COMMITTED],
        "outcomes": {r.id: r.status.value for r in final},
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m flows.replenish DATA_DIR [STARTED_BY]``: run the weekly flow once, here (pause mode)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit("usage: python -m flows.replenish DATA_DIR [STARTED_BY]")
    started_by = args[1] if len(args) > 1 else "local"
    weekly_replenishment(
        ReplenishParams.model_validate({"data_dir": args[0], "started_by": started_by, "wait": "pause"})
    )


if __name__ == "__main__":
    main()
