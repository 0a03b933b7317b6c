"""Marketing copy: load, validate, forecast, pick, draft, check, gate, publish. This module only sequences tasks."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.params import CopyParams
from flows.runtime import output_dir, run_name, task_runner
from stockgate.domain.approvals.requests import Status
from stockgate.settings import get_settings
from tasks.copy import (
    blocked_in,
    check_copy,
    copy_brand,
    copy_generator,
    draft_copy_task,
    forecast_input,
    hold_back_blocked,
    horizon_periods,
    pick_copy_candidates,
    recent_copy,
    supersede_pending_copy,
    superseded_by_run,
    write_copy_drafts,
)
from tasks.forecast import forecast_in_batches, publish_forecast_summary
from tasks.gate import ledger_and_policy, notify_approvers, open_requests
from tasks.gate_loop import run_gate
from tasks.inputs import load_input_files, validate_input_files
from tasks.waiting import current_flow_run_id, wait_mode


@flow(name="marketing-copy", flow_run_name=run_name("copy"), task_runner=task_runner())
def marketing_copy(params: CopyParams) -> dict[str, Any]:
    """Draft copy for the products the numbers point at, ask people, and publish each approved version once."""
    settings = get_settings()
    run_id = current_flow_run_id()
    ledger, _ = ledger_and_policy(settings)
    requests = ledger.list_requests(flow_run_id=run_id) if run_id else []
    out_dir = output_dir(params.data_dir, params.out_dir, f"copy-{run_id or 'local'}")
    superseded = superseded_by_run(requests, settings=settings) if requests else []  # a resumed run reports them too
    if not requests:  # a suspended run re-runs from the top: its requests are already in the ledger
        bundle = load_input_files(params.data_dir)
        clean = validate_input_files(bundle, out_dir=out_dir / "validation").cleaned
        forecast = forecast_in_batches(forecast_input(clean.sales), horizon=horizon_periods(clean.freq),
                                       freq=clean.freq)  # fmt: skip
        publish_forecast_summary(forecast, key="copy-forecast-summary")
        brand = copy_brand(settings)
        candidates = pick_copy_candidates(forecast=forecast.forecasts, sales=clean.sales, catalog=clean.catalog,
                                          inventory=clean.inventory, brand=brand, freq=clean.freq)  # fmt: skip
        drafts = draft_copy_task(candidates, brand=brand, generator=copy_generator(settings))
        checked = check_copy(drafts, brand=brand, recent=recent_copy(settings))
        write_copy_drafts(checked, out_dir)
        ready = hold_back_blocked(checked, settings=settings, flow_run_id=run_id)
        withdrawn = supersede_pending_copy(ready, settings=settings, started_by=params.started_by, flow_run_id=run_id)
        superseded = [w.old_request for w in withdrawn]
        requests = open_requests(ready, settings=settings, started_by=params.started_by, flow_run_id=run_id)
        notify_approvers(requests, settings=settings, charts_dir=None)
    final = run_gate(requests, settings=settings, mode=wait_mode(params.wait), sink_spec=params.sink)
    return {
        "out_dir": str(out_dir),
        "blocked": blocked_in(out_dir),
        "superseded": superseded,
        "requests": [r.id for r in final],
        "published": [r.external_ref for r in final if r.status == Status.COMMITTED],
        "outcomes": {r.id: r.status.value for r in final},
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m flows.copy DATA_DIR [STARTED_BY]``: run the copy flow once, here (pause mode)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit("usage: python -m flows.copy DATA_DIR [STARTED_BY]")
    started_by = args[1] if len(args) > 1 else "local"
    marketing_copy(CopyParams.model_validate({"data_dir": args[0], "started_by": started_by, "wait": "pause"}))


if __name__ == "__main__":
    main()
