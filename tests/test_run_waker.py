"""The run waker against a real Prefect server: a decision that lands just before the run pauses still wakes it."""

from __future__ import annotations

import contextvars
import threading
import time
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client

from stockgate.adapters.runs import PrefectRunWaker
from tasks.waiting import current_flow_run_id, wait_for_people


def _state_name(flow_run_id: str) -> str:
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    return state.type.value if state else "none"


def _wait_for_state(context: contextvars.Context, flow_run_id: str, state: str) -> None:
    deadline = time.monotonic() + 60
    while context.run(_state_name, flow_run_id) != state:
        assert time.monotonic() < deadline, f"run {flow_run_id} never reached {state}"
        time.sleep(0.2)


def _start_late_pauser(
    context: contextvars.Context, go: threading.Event
) -> tuple[threading.Thread, list[str], list[str]]:
    """A run that stays Running until ``go`` is set, then pauses once and records the request id it was woken with."""
    started: list[str] = []
    woken_with: list[str] = []

    @flow(name="late-pauser")
    def late_pauser() -> None:
        started.append(current_flow_run_id() or "")
        assert go.wait(60), "the test never let the run pause"
        answer = wait_for_people(mode="pause", round_no=1, timeout_s=60, poll_interval_s=1, description="test")
        woken_with.append(answer.request_id)

    runner = threading.Thread(target=lambda: context.copy().run(late_pauser), daemon=True)
    runner.start()
    deadline = time.monotonic() + 60
    while not started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started, "the test flow did not start"
    return runner, started, woken_with


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_wake_while_the_run_is_about_to_pause_still_resumes_it() -> None:
    """Woken while still Running, the waker waits for the pause and resumes it; no sweep needed."""
    context, go = contextvars.copy_context(), threading.Event()
    runner, started, woken_with = _start_late_pauser(context, go)
    _wait_for_state(context, started[0], "RUNNING")
    woke: list[bool] = []
    waker = PrefectRunWaker(settle_s=30, step_s=0.2)
    waking = threading.Thread(target=lambda: woke.append(context.copy().run(
        waker.wake, flow_run_id=started[0], request_id="AR-late")), daemon=True)  # fmt: skip
    waking.start()
    time.sleep(1.0)  # the waker has met the Running run and is retrying (any delay works; this one is generous)
    go.set()
    waking.join(60)
    runner.join(60)
    assert woke == [True]
    assert woken_with == ["AR-late"]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_wake_without_settling_time_gives_up_on_a_running_run() -> None:
    """With no settling time the waker reports False at once (the sweep would wake the run later)."""
    context, go = contextvars.copy_context(), threading.Event()
    runner, started, woken_with = _start_late_pauser(context, go)
    _wait_for_state(context, started[0], "RUNNING")
    woke = context.run(PrefectRunWaker(settle_s=0).wake, flow_run_id=started[0], request_id="AR-early")
    assert woke is False
    go.set()
    _wait_for_state(context, started[0], "PAUSED")
    assert context.run(PrefectRunWaker().wake, flow_run_id=started[0], request_id="AR-sweep") is True
    runner.join(60)
    assert woken_with == ["AR-sweep"]
