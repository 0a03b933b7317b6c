"""Approvals sweep: reminders, escalations, expiry, and waking waiting runs that have work. Runs every 5 minutes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, task

from stockgate.adapters.runs import PrefectRunWaker
from stockgate.services.sweep import sweep
from stockgate.settings import get_settings
from tasks.gate import ledger_and_policy, reminders_for


@task(name="sweep-approvals", retries=2, retry_delay_seconds=10)
def sweep_approvals() -> dict[str, Any]:
    """One sweep over every open request; wakes the suspended or paused runs that have something to do."""
    settings = get_settings()
    ledger, policy = ledger_and_policy(settings)
    result = sweep(ledger, reminders_for(settings, ledger, policy), now=datetime.now(UTC))
    waker = PrefectRunWaker()
    woken = [run for run, request in result.runs_to_wake.items() if waker.wake(flow_run_id=run, request_id=request)]
    return {"expired": result.expired, "reminded": result.reminded, "escalated": result.escalated, "woken": woken}


@flow(name="approvals-sweep")
def approvals_sweep() -> dict[str, Any]:
    """Send due reminders and escalations, expire overdue requests, wake runs with decisions to act on."""
    return sweep_approvals()
