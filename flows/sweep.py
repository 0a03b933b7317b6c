"""Approvals sweep: reminders, escalations, expiry, waking runs with work, recovering runs whose process died.

Runs every 5 minutes from ``prefect.yaml``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, task

from stockgate.adapters.runs import PrefectRunWaker
from stockgate.services.sweep import sweep
from stockgate.settings import get_settings
from tasks.gate import commit_request, ledger_and_policy, reminders_for
from tasks.recovery import is_dead_paused_run, mark_crashed, recovered_runs


@task(name="sweep-approvals", retries=2, retry_delay_seconds=10)
def sweep_approvals() -> dict[str, Any]:
    """One sweep over every open request; wakes live waiting runs and recovers dead paused ones."""
    settings = get_settings()
    ledger, policy = ledger_and_policy(settings)
    result = sweep(ledger, reminders_for(settings, ledger, policy), now=datetime.now(UTC))
    waker, woken, recovered = PrefectRunWaker(), [], []
    for run, request_id in result.runs_to_wake.items():
        if is_dead_paused_run(ledger, run):
            mark_crashed(ledger, run)
            recovered.append(run)
        elif waker.wake(flow_run_id=run, request_id=request_id):
            woken.append(run)
    orphaned = recovered_runs(ledger)
    committed = [
        commit_request.fn(r.id, settings=settings).message
        for r in ledger.list_requests(status="approved")
        if r.flow_run_id in orphaned
    ]
    return {"expired": result.expired, "reminded": result.reminded, "escalated": result.escalated,
            "woken": woken, "recovered": recovered, "committed": committed}  # fmt: skip


@flow(name="approvals-sweep")
def approvals_sweep() -> dict[str, Any]:
    """Send due reminders and escalations, expire overdue requests, wake or recover waiting runs."""
    return sweep_approvals()
