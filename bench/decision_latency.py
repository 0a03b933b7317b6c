"""Time from a recorded decision to the waiting flow continuing (the approved order committed by the run).

Local mode (default): one run (pause mode, poll interval 1 s) waits on N purchase-order requests; the bench approves
them one at a time through the same path as the CLI (decide + wake) and measures until the run has committed each
one. Target (issue #5): median under 1.5 s locally.

``--deployment``: a real ``prefect server start``, the weekly-replenishment deployment from prefect.yaml and a
``prefect worker start`` (tests/deployment_stack.py). The run comes from the deployment, so it SUSPENDS at the gate:
each decision resumes it, the worker starts a new process that re-runs the flow from the top (drafts come from the
ledger) and commits. Measured per decision: until the run is Running again, and until the order is committed.
``--worker-poll`` is the worker's PREFECT_WORKER_QUERY_SECONDS (Prefect's default is 10 s). Prints a table and JSON.

    uv run python bench/decision_latency.py [--n 50]
    uv run python bench/decision_latency.py --deployment [--n 10] [--worker-poll 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.deployment_stack import LocalStack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=None, help="decisions (default 50 locally, 10 with --deployment)")
    parser.add_argument("--deployment", action="store_true", help="a run from a deployment: suspend + worker")
    parser.add_argument("--worker-poll", type=float, default=10.0, help="worker query interval, s (--deployment)")
    args = parser.parse_args()
    if args.deployment:
        deployment_mode(n=args.n or 10, worker_poll_s=args.worker_poll)
    else:
        local_mode(n=args.n or 50)


def _quantiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "median_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max_s": round(ordered[-1], 3),
    }


def local_mode(*, n: int) -> None:
    """A local run in pause mode, decided N times (the reference: target median under 1.5 s)."""
    home = Path(tempfile.mkdtemp(prefix="stockgate-latency-"))
    os.environ.update(STOCKGATE_HOME=str(home), STOCKGATE_PAUSE_POLL_INTERVAL_S="1")
    from prefect import flow
    from prefect.testing.utilities import prefect_test_harness

    from stockgate.adapters.ledger import Ledger
    from stockgate.adapters.runs import PrefectRunWaker
    from stockgate.domain.approvals.policy import load_policy
    from stockgate.domain.drafts import POLine, PurchaseOrder
    from stockgate.services.decisions import decide
    from stockgate.settings import get_settings
    from tasks.gate import open_requests
    from tasks.gate_loop import run_gate
    from tasks.waiting import current_flow_run_id

    line = POLine(sku="SKU1", location="S01", quantity=12, pack_size=6, moq=6, unit_cost=2.0, line_cost=24.0)
    drafts = [PurchaseOrder(po_id=f"PO-BENCH-{i:03d}", supplier=f"SUP{i:03d}", lines=[line]) for i in range(n)]

    @flow(name="latency-bench")
    def gate_flow() -> None:
        settings = get_settings()
        requests = open_requests(drafts, settings=settings, started_by="bench", flow_run_id=current_flow_run_id())
        run_gate(requests, settings=settings, mode="pause")

    with prefect_test_harness(server_startup_timeout=120):
        runner = threading.Thread(target=gate_flow, daemon=True)
        runner.start()
        ledger, policy, waker = Ledger(get_settings().resolved_ledger_url), load_policy(None), PrefectRunWaker()
        while len(ledger.list_requests(status="pending")) < n:
            time.sleep(0.2)
        time.sleep(2)  # let the run reach its pause
        latencies = []
        for request in ledger.list_requests(status="pending"):
            started = time.perf_counter()
            decide(ledger, policy, request_id=request.id, expected_version=request.version, actor="ana",
                   action="approve", route="cli")  # fmt: skip
            waker.wake(flow_run_id=str(request.flow_run_id), request_id=request.id)
            deadline = time.monotonic() + 120
            while ledger.get(request.id).status.value != "committed":
                if time.monotonic() > deadline:
                    raise SystemExit(f"{request.id} was approved but not committed within 120 s")
                time.sleep(0.02)
            latencies.append(time.perf_counter() - started)
        runner.join(timeout=60)
    figures = {"decisions": len(latencies), **_quantiles(latencies), "target_median_s": 1.5,
               "mode": "local pause, poll 1 s"}  # fmt: skip
    print(f"{'decisions':>10} {'median s':>9} {'p95 s':>7} {'max s':>7}  target median")
    print(f"{figures['decisions']:>10} {figures['median_s']:>9} {figures['p95_s']:>7} {figures['max_s']:>7}  < 1.5 s")
    print(json.dumps(figures))


def deployment_mode(*, n: int, worker_poll_s: float) -> None:
    """A run of the weekly-replenishment deployment on a real server and worker, suspended and resumed N times."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from stockgate.domain.generator import write_dataset
    from tests.deployment_stack import LocalStack  # the same real stack as tests/test_deployments.py

    work = Path(tempfile.mkdtemp(prefix="stockgate-latency-deploy-"))
    data, home = work / "data", work / "stockgate-home"
    home.mkdir()
    # One location, four SKUs per supplier: most suppliers get an order (the bench decides at most N).
    write_dataset(out_dir=data, n_series=4 * (n + 2), n_days=180, seed=5, fmt="csv", n_suppliers=n + 2, n_locations=1)
    stack = LocalStack(workdir=work, stockgate_home=home, data_dir=data, worker_query_s=worker_poll_s)
    # This process talks to the same server (before Prefect is imported here, so its settings see it).
    os.environ.update({k: v for k, v in stack.env().items() if k.startswith(("PREFECT_", "STOCKGATE_"))})
    try:
        stack.start_server()
        stack.deploy_all(["weekly-replenishment"])
        stack.start_worker()
        to_running, to_commit = _decide_deployment_run(stack, n)
    finally:
        stack.stop()
    figures = {
        "decisions": len(to_commit),
        "to_committed": _quantiles(to_commit),
        "to_running": _quantiles(to_running),
        "worker_poll_s": worker_poll_s,
        "reference_local_target_median_s": 1.5,
        "mode": "deployment: suspend, resume, worker re-runs the flow",
    }
    print(f"{'decisions':>10} {'until':>10} {'median s':>9} {'p95 s':>7} {'max s':>7}")
    for label in ("to_running", "to_committed"):
        q = figures[label]
        print(f"{figures['decisions']:>10} {label[3:]:>10} {q['median_s']:>9} {q['p95_s']:>7} {q['max_s']:>7}")
    print(f"worker poll {worker_poll_s:g} s; reference: local pause mode, target median < 1.5 s")
    print(json.dumps(figures))


def _decide_deployment_run(stack: LocalStack, n: int) -> tuple[list[float], list[float]]:
    """Start the weekly run from its deployment; approve N requests one at a time, each once the run is suspended."""
    from prefect.client.orchestration import get_client

    from stockgate.adapters.ledger import Ledger
    from stockgate.adapters.runs import PrefectRunWaker
    from stockgate.domain.approvals.policy import load_policy
    from stockgate.services.decisions import decide

    ledger, policy, waker = (
        Ledger(f"sqlite:///{stack.stockgate_home / 'ledger.db'}"),
        load_policy(None),
        PrefectRunWaker(),
    )
    to_running: list[float] = []
    to_commit: list[float] = []
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("weekly-replenishment/weekly-replenishment")
        run_id = client.create_flow_run_from_deployment(deployment.id).id

        def suspended() -> bool:
            state = client.read_flow_run(run_id).state
            if state is not None and state.is_final():
                raise AssertionError(f"the run ended {state.name}.\n{stack.logs()}")
            return bool(state and state.is_paused() and not stack.flow_run_processes())

        stack.wait_for(suspended, 300, "the weekly run to suspend at the gate")
        pending = ledger.list_requests(flow_run_id=str(run_id), status="pending")[:n]
        for number, request in enumerate(pending, 1):
            if number > 1:
                stack.wait_for(suspended, 300, "the run to suspend again", every_s=0.2)
            started = time.perf_counter()
            decide(ledger, policy, request_id=request.id, expected_version=request.version, actor="ana",
                   action="approve", route="cli")  # fmt: skip
            if not waker.wake(flow_run_id=str(run_id), request_id=request.id):
                raise AssertionError(f"the waker could not resume run {run_id}")
            stack.wait_for(lambda: client.read_flow_run(run_id).state.is_running(), 300, "the run to run again",
                           every_s=0.1)  # fmt: skip
            to_running.append(time.perf_counter() - started)
            stack.wait_for(lambda r=request: ledger.get(r.id).status.value == "committed", 300,
                           f"request {request.id} to be committed", every_s=0.1)  # fmt: skip
            to_commit.append(time.perf_counter() - started)
            print(f"decision {number}/{len(pending)}: running after {to_running[-1]:.1f} s, "
                  f"committed after {to_commit[-1]:.1f} s")  # fmt: skip
    return to_running, to_commit


if __name__ == "__main__":
    main()
