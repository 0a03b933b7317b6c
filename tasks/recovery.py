"""Runs whose process died while paused: detect them, fail them cleanly, and commit their approvals here.

A paused (not suspended) run keeps its process alive. If that process dies, resuming the run would leave it
RUNNING forever with nobody executing it. Before the sweep wakes a paused run, it checks the ``run_waiting`` event
the run wrote to the ledger (host and pid): on this host with that pid gone, the run is marked Crashed with a
message, and the sweep commits the run's approved requests itself. Its open requests stay answerable (or expire).
"""

from __future__ import annotations

import logging
import os
import socket
from uuid import UUID

from prefect import get_client
from prefect.states import Crashed

from stockgate.adapters.ledger import Ledger

log = logging.getLogger(__name__)
WAITING_EVENT = "run_waiting"


def waiting_process(ledger: Ledger, flow_run_id: str) -> tuple[str, int] | None:
    """Host and pid of the process that last waited for ``flow_run_id`` in pause mode, if recorded."""
    found = None
    for event in ledger.audit_trail(None):
        if event.event == WAITING_EVENT and event.changes.get("flow_run_id") == flow_run_id:
            found = (str(event.changes.get("host")), int(event.changes.get("pid", 0)))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead_paused_run(ledger: Ledger, flow_run_id: str) -> bool:
    """True when the run is Paused (not Suspended) and its waiting process on this host is gone."""
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    if state is None or not state.is_paused() or state.name == "Suspended":
        return False
    where = waiting_process(ledger, flow_run_id)
    return where is not None and where[0] == socket.gethostname() and not _alive(where[1])


def mark_crashed(ledger: Ledger, flow_run_id: str) -> None:
    """Fail the run cleanly (Crashed, with the reason) and record that in the audit trail."""
    message = "The process waiting for approvals died; the approvals sweep commits its approved requests."
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(flow_run_id), state=Crashed(message=message), force=True)
    ledger.record_event(None, actor="stockgate", event="run_recovered", changes={"flow_run_id": flow_run_id})
    log.warning("Run %s: %s", flow_run_id, message)


def recovered_runs(ledger: Ledger) -> set[str]:
    """Runs the sweep has marked Crashed; their approved requests are committed by the sweep."""
    return {str(e.changes.get("flow_run_id")) for e in ledger.audit_trail(None) if e.event == "run_recovered"}
