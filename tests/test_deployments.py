"""Every deployment in prefect.yaml on a real Prefect server, its schedules really firing, and a worker run to the gate.

Real subprocesses throughout (tests/deployment_stack.py): ``prefect server start`` with its own SQLite,
``prefect --no-prompt deploy --all`` from the repository, ``prefect worker start``. The weekly run comes from its
deployment, so it SUSPENDS at the gate (its process ends, no worker is held), is approved with
``stockgate approvals approve`` (which wakes it), is picked up again by the worker and commits exactly once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
import yaml

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import load_policy
from stockgate.domain.generator import write_dataset
from stockgate.services.decisions import decide
from tests.deployment_stack import ROOT, LocalStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

WEEKLY = "weekly-replenishment/weekly-replenishment"


def _yaml_deployments() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"])


def _resolve(value: Any, env: dict[str, str]) -> Any:
    """prefect.yaml's ``{{ $NAME }}`` templates, filled in from ``env`` as ``prefect deploy`` does."""
    if isinstance(value, dict):
        return {k: _resolve(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, env) for v in value]
    if isinstance(value, str):
        return re.sub(r"\{\{\s*\$(\w+)\s*\}\}", lambda m: env[m.group(1)], value)
    return value


def _field_matches(field: str, value: int) -> bool:
    """One cron field (``*``, ``*/n``, ``a``, ``a-b``, ``a,b``) against a value."""
    for part in field.split(","):
        if part == "*" or (part.startswith("*/") and value % int(part[2:]) == 0):
            return True
        low, _, high = part.partition("-")
        if low.isdigit() and int(low) <= value <= int(high or low):
            return True
    return False


def cron_matches(cron: str, when: datetime) -> bool:
    """True when ``when`` (already in the schedule's timezone) is a firing time of the 5-field ``cron``."""
    minute, hour, day, month, weekday = cron.split()
    return all(
        _field_matches(field, value)
        for field, value in ((minute, when.minute), (hour, when.hour), (day, when.day), (month, when.month),
                             (weekday, when.isoweekday() % 7))
    )  # fmt: skip


def test_cron_matcher_can_fail() -> None:
    """The independent cron check used below rejects a wrong hour, weekday and step."""
    berlin = ZoneInfo("Europe/Berlin")
    monday_six = datetime(2026, 11, 23, 6, 0, tzinfo=berlin)
    assert cron_matches("0 6 * * 1", monday_six)
    assert not cron_matches("0 6 * * 2", monday_six)
    assert not cron_matches("0 5 * * *", monday_six)
    assert cron_matches("*/5 * * * *", monday_six.replace(minute=35))
    assert not cron_matches("*/5 * * * *", monday_six.replace(minute=36))


@pytest.fixture()
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """A running server with every deployment of prefect.yaml, on generated data; every process ends afterwards."""
    data = tmp_path / "data"
    write_dataset(out_dir=data, n_series=6, n_days=180, seed=5, fmt="csv", n_suppliers=2)
    home = tmp_path / "stockgate-home"
    home.mkdir()
    local = LocalStack(workdir=tmp_path, stockgate_home=home, data_dir=data)
    try:
        local.start_server()
        local.deploy_all()
        yield local
    finally:
        local.stop()


def _client(stack: LocalStack) -> Any:
    from prefect.client.orchestration import SyncPrefectClient

    return SyncPrefectClient(stack.api_url)


def _check_deployment(client: Any, spec: dict[str, Any], env: dict[str, str]) -> Any:
    flow_name = spec["entrypoint"].split(":")[1].replace("_", "-")
    deployment = client.read_deployment_by_name(f"{flow_name}/{spec['name']}")
    name = spec["name"]
    assert deployment.work_pool_name == "stockgate-process", name
    assert deployment.enforce_parameter_schema is True, name
    assert deployment.entrypoint == spec["entrypoint"], name
    assert deployment.parameters == _resolve(spec.get("parameters", {}), env), name
    assert deployment.job_variables["env"]["OMP_NUM_THREADS"] == "1", name
    assert deployment.job_variables["env"]["STOCKGATE_HOME"] == env["STOCKGATE_HOME"], name
    limit = deployment.global_concurrency_limit
    assert limit is not None and limit.limit == spec["concurrency_limit"], name
    schema = deployment.parameter_openapi_schema or {}
    assert set(spec.get("parameters", {})) <= set(schema.get("properties", {})), (name, schema)
    expected = [(s["cron"], s["timezone"]) for s in spec["schedules"]]
    actual = [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules if s.active]
    assert actual == expected, name
    return deployment


def _refuses_bad_parameters(client: Any, deployment: Any) -> None:
    """With the schema enforced, the server refuses a run whose parameters do not fit the form."""
    from prefect.exceptions import PrefectHTTPStatusError

    with pytest.raises(PrefectHTTPStatusError) as refused:
        client.create_flow_run_from_deployment(deployment.id, parameters={"params": {"data_dir": 42}})
    assert refused.value.response.status_code in (409, 422), refused.value.response.text


def _scheduled_runs(client: Any, deployment_id: UUID) -> list[Any]:
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    return list(
        client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
        )
    )


def _state(client: Any, run_id: UUID) -> Any:
    return client.read_flow_run(run_id).state


def _run_story(client: Any, run_id: UUID) -> str:
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    states = [s.name for s in client.read_flow_run_states(run_id)]
    logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    return f"states: {states}\nflow-run logs:\n" + "\n".join(f"  {entry.message}" for entry in logs[-40:])


def test_every_deployment_is_scheduled_and_a_worker_runs_the_weekly_flow_to_the_gate(stack: LocalStack) -> None:
    """Deploy all, schedules create runs; a deployment run suspends at the gate, is approved, commits once."""
    env = stack.env()
    specs = _yaml_deployments()
    with _client(stack) as client:
        deployments = {spec["name"]: _check_deployment(client, spec, env) for spec in specs}
        for spec in specs:
            if spec.get("parameters"):
                _refuses_bad_parameters(client, deployments[spec["name"]])

        for spec in specs:  # the scheduler really creates runs, at the cron's times in the cron's timezone
            deployment = deployments[spec["name"]]
            runs = stack.wait_for(lambda d=deployment: _scheduled_runs(client, d.id), 60,
                                  f"the scheduler to create runs of {spec['name']}")  # fmt: skip
            zone = ZoneInfo(spec["schedules"][0]["timezone"])
            for run in runs:
                when = run.expected_start_time.astimezone(zone)
                assert run.auto_scheduled and cron_matches(spec["schedules"][0]["cron"], when), (spec["name"], when)

        # Only the run under test may reach the worker: the sweep would also wake it (this test proves the CLI's
        # waker does), and a refresh due at 05:00 would compete for the two cores.
        for name, deployment in deployments.items():
            if name != "weekly-replenishment":
                client.pause_deployment(deployment.id)
                for scheduled in _scheduled_runs(client, deployment.id):
                    client.delete_flow_run(scheduled.id)

        run = client.create_flow_run_from_deployment(client.read_deployment_by_name(WEEKLY).id)
        stack.start_worker()
        story = lambda: _run_story(client, run.id)  # noqa: E731

        def suspended() -> bool:
            state = _state(client, run.id)
            if state.is_final():
                raise AssertionError(f"the weekly run ended {state.name} before the gate.\n{story()}\n{stack.logs()}")
            return state.is_paused()

        stack.wait_for(suspended, 150, "the weekly run to reach the approval gate")
        state = _state(client, run.id)
        assert state.name == "Suspended", f"a deployment run must suspend, not {state.name}\n{story()}"
        assert state.state_details.pause_reschedule, "a suspended run is rescheduled on a worker when resumed"
        assert client.read_flow_run(run.id).name.startswith("replenish-")
        stack.wait_for(lambda: not stack.flow_run_processes(), 30, "the suspended run's process to end")

        ledger = Ledger(f"sqlite:///{stack.stockgate_home / 'ledger.db'}")
        requests = ledger.list_requests(flow_run_id=str(run.id))
        assert requests and all(r.status.value == "pending" for r in requests), requests
        assert {r.kind for r in requests} == {"purchase_order"}
        approved, others = requests[0], requests[1:]
        for other in others:  # through the decisions service, which does not wake the run
            decide(ledger, load_policy(None), request_id=other.id, expected_version=other.version, actor="ana",
                   action="reject", reason="stock is fine", route="cli")  # fmt: skip
        assert _state(client, run.id).is_paused()
        output = stack.run("approve", ["stockgate", "approvals", "approve", approved.id, "--as", "ana"])
        assert f"Woke Prefect run {run.id}" in output, output

        def completed() -> bool:
            state = _state(client, run.id)
            if state.is_final() and not state.is_completed():
                raise AssertionError(f"the resumed run ended {state.name}.\n{story()}\n{stack.logs()}")
            return state.is_completed()

        stack.wait_for(completed, 150, "the resumed run to commit and complete")
        names = [s.name for s in client.read_flow_run_states(run.id)]
        assert "Suspended" in names and names.index("Suspended") < names.index("Completed"), names

    assert ledger.get(approved.id).status.value == "committed"
    assert all(ledger.get(o.id).status.value == "rejected" for o in others)
    files = list((stack.stockgate_home / "procurement").rglob("*.json"))
    assert len(files) == 1, files
    assert json.loads(files[0].read_text())["request_id"] == approved.id
    events = [e.event for e in ledger.audit_trail(approved.id)]
    assert events.count("committed") == 1, events
