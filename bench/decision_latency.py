"""Time from a recorded decision to the waiting flow continuing (the approved order committed by the run).

One local run (pause mode, poll interval 1 s) waits on N purchase-order requests; the bench approves them one at
a time through the same path as the CLI (decide + wake) and measures until the run has committed each one.
Target (issue #5): median under 1.5 s locally. Prints a table and JSON.

    uv run python bench/decision_latency.py [--n 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
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
    drafts = [PurchaseOrder(po_id=f"PO-BENCH-{i:03d}", supplier=f"SUP{i:03d}", lines=[line]) for i in range(args.n)]

    @flow(name="latency-bench")
    def gate_flow() -> None:
        settings = get_settings()
        requests = open_requests(drafts, settings=settings, started_by="bench", flow_run_id=current_flow_run_id())
        run_gate(requests, settings=settings, mode="pause")

    with prefect_test_harness(server_startup_timeout=120):
        runner = threading.Thread(target=gate_flow, daemon=True)
        runner.start()
        ledger, policy, waker = Ledger(get_settings().resolved_ledger_url), load_policy(None), PrefectRunWaker()
        while len(ledger.list_requests(status="pending")) < args.n:
            time.sleep(0.2)
        time.sleep(2)  # let the run reach its pause
        latencies = []
        for request in ledger.list_requests(status="pending"):
            started = time.perf_counter()
            decide(ledger, policy, request_id=request.id, expected_version=request.version, actor="ana",
                   action="approve", route="cli")  # fmt: skip
            waker.wake(flow_run_id=str(request.flow_run_id), request_id=request.id)
            while ledger.get(request.id).status.value != "committed":
                time.sleep(0.02)
            latencies.append(time.perf_counter() - started)
        runner.join(timeout=60)
    latencies.sort()
    figures = {
        "decisions": len(latencies),
        "median_s": round(statistics.median(latencies), 3),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "max_s": round(latencies[-1], 3),
        "target_median_s": 1.5,
        "mode": "local pause, poll 1 s",
    }
    print(f"{'decisions':>10} {'median s':>9} {'p95 s':>7} {'max s':>7}  target median")
    print(f"{figures['decisions']:>10} {figures['median_s']:>9} {figures['p95_s']:>7} {figures['max_s']:>7}  < 1.5 s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
