"""Every deployment in prefect.yaml names an importable flow, with a schedule in a timezone and a process pool.

The deployment itself, on a real server with a worker, is tested in tests/test_deployments.py (slow).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect import Flow

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    # deployment: (cron, what the parameters must at least name)
    "weekly-replenishment": ("0 6 * * 1", {"data_dir", "started_by"}),
    "marketing-copy": ("0 7 * * 2", {"data_dir", "started_by"}),
    "daily-forecast-refresh": ("0 5 * * *", {"data_dir"}),
    "approvals-sweep": ("*/5 * * * *", set()),
}


def _config() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "prefect.yaml").read_text()))


def _deployments() -> list[dict[str, Any]]:
    return list(_config()["deployments"])


@cache
def _load_flow(entrypoint: str) -> Flow[Any, Any]:
    path, name = entrypoint.split(":")
    spec = importlib.util.spec_from_file_location(f"entry_{name}", ROOT / path)
    assert spec and spec.loader, f"{path} cannot be imported"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    flow = getattr(module, name)
    assert isinstance(flow, Flow), f"{entrypoint} is not a Prefect flow"
    return flow


def _fill_templates(value: Any) -> Any:
    """``{{ $NAME }}`` placeholders as ``prefect deploy`` fills them, with a stand-in value."""
    if isinstance(value, dict):
        return {k: _fill_templates(v) for k, v in value.items()}
    if isinstance(value, str):
        return re.sub(r"\{\{\s*\$(\w+)\s*\}\}", "/srv/stockgate/inputs", value)
    return value


def test_every_deployment_stockgate_ships_is_defined_with_its_schedule() -> None:
    """Weekly orders Monday 06:00, copy Tuesday 07:00, refresh daily 05:00, sweep every 5 minutes (Berlin)."""
    by_name = {d["name"]: d for d in _deployments()}
    assert set(by_name) == set(EXPECTED)
    for name, (cron, _) in EXPECTED.items():
        schedules = by_name[name]["schedules"]
        assert [(s["cron"], s["timezone"], s["active"]) for s in schedules] == [(cron, "Europe/Berlin", True)], name


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["name"])
def test_every_entrypoint_imports_as_a_flow(deployment: dict[str, Any]) -> None:
    """Each entrypoint file:function loads as a flow named like its deployment, on the process pool."""
    flow = _load_flow(deployment["entrypoint"])
    assert flow.name == deployment["name"], "the flow and deployment names match, so `flow/deployment` is stable"
    assert deployment["work_pool"]["name"] == "stockgate-process"
    assert deployment["enforce_parameter_schema"] is True
    assert deployment["concurrency_limit"] == 1
    assert all(s["timezone"] and s["cron"] for s in deployment["schedules"])
    env = deployment["work_pool"]["job_variables"]["env"]
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["STOCKGATE_HOME"] == "{{ $STOCKGATE_HOME }}"


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["name"])
def test_parameters_fit_the_flows_form(deployment: dict[str, Any]) -> None:
    """The deployment's parameters validate against the flow's pydantic parameters, as the server will enforce."""
    flow = _load_flow(deployment["entrypoint"])
    parameters = _fill_templates(deployment.get("parameters", {}))
    flow.validate_parameters(parameters)
    named = set(parameters.get("params", {}))
    assert EXPECTED[deployment["name"]][1] <= named, f"{deployment['name']} should set {EXPECTED[deployment['name']]}"


def test_a_wrong_parameter_is_refused_by_the_form() -> None:
    """The check above can fail: a horizon outside 7-180 days does not validate."""
    from prefect.exceptions import ParameterTypeError

    flow = _load_flow("flows/replenish.py:weekly_replenishment")
    with pytest.raises(ParameterTypeError):
        flow.validate_parameters({"params": {"data_dir": "/x", "horizon_days": 2}})


def test_workers_run_flows_from_the_project_folder() -> None:
    """The pull step sets the working directory the docs tell you to export."""
    assert _config()["pull"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $STOCKGATE_PROJECT_DIR }}"}}
    ]
