"""Wake a waiting Prefect run after a decision: the run then re-reads the ledger.

The resume input carries only the request id; the decision itself is already in the ledger. A resume that loses a
race (the run is not paused right now, or another resume won) is harmless: the waiting run re-reads every request
of its own before it waits again, and the approvals sweep wakes runs that still have work.

``PrefectRunWaker`` is the real implementation; ``RecordingRunWaker`` records calls for tests of callers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

log = logging.getLogger(__name__)


class RunWaker(Protocol):
    """Something that can wake the run waiting on an approval request."""

    def wake(self, *, flow_run_id: str, request_id: str) -> bool:
        """Resume the run; True when it was paused and is now running."""
        ...

    async def awake(self, *, flow_run_id: str, request_id: str) -> bool:
        """Async variant, for callers inside an event loop (Bolt's async adapters)."""
        ...


def _wake_input(request_id: str) -> dict[str, str]:
    return {"request_id": request_id, "action": "none"}


class PrefectRunWaker:
    """Resume paused or suspended Prefect runs through the Prefect API.

    A run that is still Running when the decision lands may be about to pause or suspend (it read the ledger just
    before the decision), and a run that has just paused may not have saved its input form yet: the waker retries
    for up to ``settle_s`` seconds in both cases, so that decision does not wait for the next sweep.
    """

    def __init__(self, *, settle_s: float = 6.0, step_s: float = 0.5) -> None:
        self.settle_s, self.step_s = settle_s, step_s

    def wake(self, *, flow_run_id: str, request_id: str) -> bool:
        """Resume synchronously; never raises for a run that is not waiting."""
        from prefect.exceptions import FlowPauseTimeout, NotPausedError, ObjectNotFound
        from prefect.flow_runs import resume_flow_run

        deadline = time.monotonic() + self.settle_s
        while True:
            try:
                resume_flow_run(UUID(flow_run_id), run_input=_wake_input(request_id))
                return True
            except NotPausedError as exc:
                if time.monotonic() >= deadline or not _is_running(flow_run_id):
                    return _not_resumed(flow_run_id, request_id, exc)
                time.sleep(self.step_s)
            except RuntimeError as exc:  # paused a moment ago: its input form is not saved yet
                if time.monotonic() >= deadline or not _form_not_saved_yet(exc):
                    return _not_resumed(flow_run_id, request_id, exc)
                time.sleep(self.step_s)
            except (FlowPauseTimeout, ObjectNotFound) as exc:
                return _not_resumed(flow_run_id, request_id, exc)

    async def awake(self, *, flow_run_id: str, request_id: str) -> bool:
        """Resume from inside an event loop (the sync API would return an un-awaited coroutine there)."""
        from prefect.exceptions import FlowPauseTimeout, NotPausedError, ObjectNotFound
        from prefect.flow_runs import aresume_flow_run

        deadline = time.monotonic() + self.settle_s
        while True:
            try:
                await aresume_flow_run(UUID(flow_run_id), run_input=_wake_input(request_id))
                return True
            except NotPausedError as exc:
                if time.monotonic() >= deadline or not await _ais_running(flow_run_id):
                    return _not_resumed(flow_run_id, request_id, exc)
                await asyncio.sleep(self.step_s)
            except RuntimeError as exc:  # paused a moment ago: its input form is not saved yet
                if time.monotonic() >= deadline or not _form_not_saved_yet(exc):
                    return _not_resumed(flow_run_id, request_id, exc)
                await asyncio.sleep(self.step_s)
            except (FlowPauseTimeout, ObjectNotFound) as exc:
                return _not_resumed(flow_run_id, request_id, exc)


def _form_not_saved_yet(exc: RuntimeError) -> bool:
    """Prefect sets a run Paused first and saves its input form right after; a resume in between is refused."""
    return "schema not found" in str(exc).lower()


def _not_resumed(flow_run_id: str, request_id: str, exc: Exception) -> bool:
    log.info("Run %s not resumed for request %s: %s", flow_run_id, request_id, exc)
    return False


def _is_running(flow_run_id: str) -> bool:
    """True while the run is Running (it may be about to pause); False for any other or unknown state."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(UUID(flow_run_id)).state
    except Exception:  # an unreadable run is treated as not about to pause
        return False
    return bool(state and state.is_running())


async def _ais_running(flow_run_id: str) -> bool:
    from prefect.client.orchestration import get_client

    try:
        async with get_client() as client:
            state = (await client.read_flow_run(UUID(flow_run_id))).state
    except Exception:  # an unreadable run is treated as not about to pause
        return False
    return bool(state and state.is_running())


@dataclass
class RecordingRunWaker:
    """Fake waker for tests: records each call and answers ``result``."""

    result: bool = True
    calls: list[tuple[str, str]] = field(default_factory=list)

    def wake(self, *, flow_run_id: str, request_id: str) -> bool:
        """Record the call."""
        self.calls.append((flow_run_id, request_id))
        return self.result

    async def awake(self, *, flow_run_id: str, request_id: str) -> bool:
        """Record the call."""
        return self.wake(flow_run_id=flow_run_id, request_id=request_id)
