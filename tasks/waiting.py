"""How a run waits for people: pause locally, suspend from a deployment, and wake up on decisions.

The wait input carries only a request id (the Prefect UI form may also carry a decision, which goes through the
same ledger path as every other route). After every wake-up the run re-reads its requests from the ledger.

Locally (``pause``), the run's own process stays alive and a small watcher thread does what the approvals sweep
does for suspended runs: it sends due reminders and escalations, expires overdue requests, records a heartbeat,
and wakes the run when there is something to do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from prefect.context import FlowRunContext
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from pydantic import Field

from stockgate.domain.learning.reasons import ReasonCategory

log = logging.getLogger(__name__)

WaitMode = Literal["pause", "suspend"]


class GateInput(RunInput):
    """The Prefect UI's resume form: which request, and optionally a decision by a named person and its reason
    category (``stockgate.domain.learning.reasons.ReasonCategory``; unknown values are refused by validation)."""

    request_id: str = Field(description="The approval request this input is about (see the 'approvals' artifact).")
    action: Literal["none", "approve", "reject"] = Field(
        "none", description="none: just re-read the ledger. approve/reject: decide as `decided_by`."
    )
    decided_by: str = Field("", description="Your name as the approval policy knows it.")
    reason: str = Field("", description="Required to reject.")
    reason_category: ReasonCategory | None = Field(
        None,
        description="Why you decided so (optional): promotion, supplier_issue, data_error, gut_feeling or other "
        "('other' needs a reason). Measured later by the learning loop.",
    )


def wait_mode(requested: Literal["auto", "pause", "suspend"]) -> WaitMode:
    """``auto`` suspends when the run comes from a deployment (no worker held for hours), else pauses."""
    if requested != "auto":
        return requested
    context = FlowRunContext.get()
    from_deployment = bool(context and context.flow_run and context.flow_run.deployment_id)
    return "suspend" if from_deployment else "pause"


def current_flow_run_id() -> str | None:
    """The id of the flow run this code runs in, if any."""
    context = FlowRunContext.get()
    return str(context.flow_run.id) if context and context.flow_run else None


def wait_for_people(
    *, mode: WaitMode, round_no: int, timeout_s: int, poll_interval_s: float, description: str
) -> GateInput:
    """Block (pause) or end the process (suspend) until resumed; returns the resume input.

    ``round_no`` makes the pause key: a suspended run that re-runs from the top passes through the rounds it
    has already been resumed from without stopping, and stops again at the first new round.
    """
    form = GateInput.with_initial_data(description=description, request_id="", action="none")
    key = f"gate-{round_no}"
    if mode == "suspend":
        result = suspend_flow_run(wait_for_input=form, timeout=timeout_s, key=key)
    else:
        poll = max(1, round(poll_interval_s))
        result = pause_flow_run(wait_for_input=form, timeout=timeout_s, poll_interval=poll, key=key)
    return GateInput.model_validate(result.model_dump())


class Watcher:
    """A daemon thread that runs ``tick()`` every ``interval_s`` seconds while the run waits in-process."""

    def __init__(self, tick: Callable[[datetime], None], *, interval_s: float) -> None:
        self._tick = tick
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stockgate-gate-watcher", daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval_s + 5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._tick(datetime.now(UTC))
            except Exception:  # the watcher must survive a failed tick; the next one retries
                log.exception("Approval watcher tick failed; retrying in %.0f s", self._interval_s)
