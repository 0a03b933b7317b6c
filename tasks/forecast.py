"""Prefect tasks around the Forecaster: batches of 50-500 series mapped through the flow's task runner.

Mapping one task per series costs seconds per thousand series in Prefect bookkeeping alone; batches do not.
Each batch fits its own global LightGBM over its series (single-threaded: parallelism comes from the runner),
so the same flow runs on threads or, by configuration (``flows.runtime.task_runner``), on a Dask cluster.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from prefect import task, unmapped

from tasks.artifacts import publish_markdown, publish_table

BLAS_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def limit_threads() -> None:
    """One BLAS/OpenMP thread per worker: many small fits beside each other slow down 3-6x otherwise."""
    for var in BLAS_VARS:
        os.environ.setdefault(var, "1")


limit_threads()


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts (one row per series and period), the per-series summary, run-level notes, batches run."""

    forecasts: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str]
    batches: int = 1


def split_batches(ids: Sequence[str], *, batch_size: int = 500, min_size: int = 50) -> list[list[str]]:
    """Series ids in batches of at most ``batch_size`` and, where possible, at least ``min_size``."""
    ordered = sorted(set(map(str, ids)))
    if not ordered:
        return []
    n_batches = max(1, int(np.ceil(len(ordered) / batch_size)))
    n_batches = min(n_batches, max(1, len(ordered) // min_size))
    return [list(part) for part in np.array_split(np.array(ordered, dtype=object), n_batches)]


@task(name="forecast-batch", task_run_name="forecast-batch-{index}")
def forecast_batch(
    sales: pd.DataFrame,
    *,
    index: int,
    horizon: int,
    quantiles: Sequence[float],
    freq: str,
    cutoff: str | None = None,
    options: dict[str, Any] | None = None,
) -> ForecastResult:
    """Fit, forecast and summarise one batch of series (a long frame ``unique_id, ds, y``); ``options`` go to
    ``Forecaster`` (e.g. ``{"models": ("lgbm", "seasonal_naive")}``)."""
    from stockgate.domain.forecast import Forecaster

    limit_threads()
    fc = Forecaster(freq=freq, horizon=horizon, **(options or {})).fit(sales, cutoff=cutoff)
    notes = list(fc.trained.notes) if fc.trained else []
    return ForecastResult(fc.predict(horizon, quantiles=quantiles), fc.summary(), notes)


def forecast_in_batches(
    sales: pd.DataFrame,
    *,
    horizon: int,
    freq: str = "D",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    cutoff: str | None = None,
    batch_size: int = 500,
    min_batch: int = 50,
    options: dict[str, Any] | None = None,
) -> ForecastResult:
    """Inside a flow: map ``forecast_batch`` over batches through the flow's task runner and gather the results."""
    groups = split_batches(sales["unique_id"].astype(str).unique().tolist(), batch_size=batch_size, min_size=min_batch)
    key = sales["unique_id"].astype(str)
    frames = [sales[key.isin(set(g))] for g in groups]
    futures = forecast_batch.map(
        frames,
        index=list(range(len(frames))),
        horizon=unmapped(horizon),
        quantiles=unmapped(tuple(quantiles)),
        freq=unmapped(freq),
        cutoff=unmapped(cutoff),
        options=unmapped(options),
    )
    results = [f.result() for f in futures]
    return ForecastResult(
        pd.concat([r.forecasts for r in results], ignore_index=True),
        pd.concat([r.summary for r in results], ignore_index=True),
        [note for r in results for note in r.notes],
        batches=len(results),
    )


@task(name="publish-forecast-summary")
def publish_forecast_summary(result: ForecastResult, *, key: str = "forecast-summary") -> None:
    """Artifacts for planners: accuracy per model against seasonal naive, and the least confident series."""
    s = result.summary
    by_model = (
        s.groupby("model")
        .agg(
            series=("unique_id", "size"), backtest_rmsse=("backtest_rmsse", "mean"), naive_rmsse=("naive_rmsse", "mean")
        )
        .reset_index()
        .round(3)
    )
    publish_table(
        key, by_model, "Series per chosen model with mean backtest RMSSE (lower is better) vs seasonal naive."
    )
    low = s[s["confidence"] == "low"].head(20)
    lines = [f"- **{r.unique_id}** ({r.model}): {r.explanation}" for r in low.itertuples()]
    fallbacks = int((s["fallback"] != "").sum())
    text = (
        f"# Forecast\n\n{len(s)} series; {fallbacks} fell back to seasonal naive after a failed fit.\n\n"
        + "\n".join(f"- note: {n}" for n in result.notes)
        + "\n\n## Least confident series\n\n"
        + ("\n".join(lines) or "None.")
    )
    publish_markdown(f"{key}-notes", text, "Forecast notes, fallbacks and the least confident series.")
