"""Every deployment in prefect.yaml names an importable flow, with a schedule in a timezone and a process pool."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml
from prefect import Flow

ROOT = Path(__file__).resolve().parents[1]


def test_every_entrypoint_imports_as_a_flow() -> None:
    """Each entrypoint file:function loads and is a Prefect flow."""
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert config["deployments"]
    for deployment in config["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        spec = importlib.util.spec_from_file_location(f"entry_{name}", ROOT / path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert isinstance(getattr(module, name), Flow), deployment["name"]
        assert deployment["work_pool"]["name"] == "stockgate-process"
        assert deployment["enforce_parameter_schema"] is True
        assert all(s["timezone"] and s["cron"] for s in deployment["schedules"])
        assert deployment["work_pool"]["job_variables"]["env"]["OMP_NUM_THREADS"] == "1"
