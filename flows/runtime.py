"""What every flow needs at start: run names, the output folder, and the task runner chosen by configuration."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner


def week_label(day: date | None) -> str:
    """ISO week of ``day`` (today if None): ``2026-W48``."""
    year, week, _ = (day or date.today()).isocalendar()
    return f"{year}-W{week:02d}"


def run_name(prefix: str) -> Any:
    """A ``flow_run_name`` callable: ``replenish-2026-W48`` from the ``params.as_of`` parameter (or today)."""

    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters.get("params") or {}
        as_of = params.get("as_of") if isinstance(params, dict) else getattr(params, "as_of", None)
        day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return f"{prefix}-{week_label(day)}"

    return name


def output_dir(data_dir: str, out_dir: str | None, run_label: str) -> Path:
    """``out_dir`` or ``<data_dir>/runs/<run label>``, created."""
    path = Path(out_dir) if out_dir else Path(data_dir) / "runs" / run_label
    path.mkdir(parents=True, exist_ok=True)
    return path


def task_runner() -> TaskRunner[Any]:
    """Threads by default; a Dask cluster when ``STOCKGATE_DASK_ADDRESS`` is set ('local' starts one).

    Read at import time on purpose: it is configuration of the worker, like the BLAS thread count.
    """
    address = os.environ.get("STOCKGATE_DASK_ADDRESS")
    if not address:
        return ThreadPoolTaskRunner(max_workers=max(2, os.cpu_count() or 2))
    from prefect_dask import DaskTaskRunner

    if address == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, os.cpu_count() or 1), "threads_per_worker": 1})
    return DaskTaskRunner(address=address)
