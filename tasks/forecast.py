"""Prefect tasks around the Forecaster: batches of 50-500 series mapped through the flow's task runner.

Mapping one task per series costs seconds per thousand series in Prefect bookkeeping alone; batches do not.
Each batch fits its own global LightGBM over its series (single-threaded: parallelism comes from the runner),
so the same flow runs on threads or, by configuration (``flows.runtime.task_runner``), on a Dask cluster.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from prefect import task, unmapped
from prefect.futures import as_completed

from stockgate.domain.forecast.batched import BatchedForecast
from stockgate.errors import ForecastError
from tasks.artifacts import Progress, ProgressSink, publish_markdown, publish_table
from tasks.logs import show_package_logs

log = logging.getLogger(__name__)

BLAS_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def limit_threads() -> None:
    """One BLAS/OpenMP thread per worker: many small fits beside each other slow down 3-6x otherwise."""
    for var in BLAS_VARS:
        os.environ.setdefault(var, "1")


limit_threads()
show_package_logs()  # also in Dask workers, which import this module but not the flow's


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts (one row per series and period), the per-series summary, run-level notes, batches run,
    (with ``keep_models``) the fitted forecaster of each batch, and where each batch ran."""

    forecasts: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str]
    batches: int = 1
    parts: tuple[Any, ...] = ()
    workers: tuple[str, ...] = ()  # host:pid that ran each batch

    def as_demand_forecast(self) -> BatchedForecast:
        """The batches' fitted forecasters as one ``DemandForecast`` for planning (needs ``keep_models``)."""
        if not self.parts:
            raise ForecastError(
                "this forecast kept no fitted models, so planning cannot ask it for window quantiles.",
                hint="Call forecast_in_batches(..., keep_models=True).",
            )
        return BatchedForecast(self.parts, summary=self.summary)


def split_batches(ids: Sequence[str], *, batch_size: int = 500, min_size: int = 50) -> list[list[str]]:
    """Series ids in batches of at most ``batch_size`` and, where possible, at least ``min_size``."""
    ordered = sorted(set(map(str, ids)))
    if not ordered:
        return []
    n_batches = max(1, int(np.ceil(len(ordered) / batch_size)))
    n_batches = min(n_batches, max(1, len(ordered) // min_size))
    return [list(part) for part in np.array_split(np.array(ordered, dtype=object), n_batches)]


def batch_run_name(parameters: dict[str, Any]) -> str:
    """``forecast-batch-3-of-12`` (batches count from 1 in names; ``index`` counts from 0)."""
    return f"forecast-batch-{int(parameters['index']) + 1}-of-{int(parameters.get('total') or 1)}"


@task(name="forecast-batch", task_run_name=batch_run_name)  # type: ignore[arg-type]  # Prefect passes parameters=
def forecast_batch(
    sales: pd.DataFrame,
    *,
    index: int,
    horizon: int,
    quantiles: Sequence[float],
    freq: str,
    cutoff: str | None = None,
    options: dict[str, Any] | None = None,
    total: int = 1,
    keep_model: bool = False,
) -> ForecastResult:
    """Fit, forecast and summarise batch ``index`` of ``total`` (a long frame ``unique_id, ds, y``); ``options``
    go to ``Forecaster`` (e.g. ``{"models": ("lgbm", "seasonal_naive")}``); ``keep_model`` returns the fitted
    forecaster too (for window quantiles at planning time)."""
    from stockgate.domain.forecast import Forecaster

    limit_threads()
    fc = Forecaster(freq=freq, horizon=horizon, **(options or {})).fit(sales, cutoff=cutoff)
    notes = list(fc.trained.notes) if fc.trained else []
    summary = fc.summary()
    log.info("Batch %s of %s: %s series forecast %s periods ahead.", index + 1, total, len(summary), horizon)
    return ForecastResult(fc.predict(horizon, quantiles=quantiles), summary, notes, parts=(fc,) if keep_model else (),
                          workers=(f"{socket.gethostname()}:{os.getpid()}",))  # fmt: skip


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
    keep_models: bool = False,
    progress: ProgressSink | None = None,
) -> ForecastResult:
    """Inside a flow: map ``forecast_batch`` over batches through the flow's task runner and gather the results.

    Progress goes to ``progress`` as batches finish (default: a ``forecast-progress`` artifact of its own).
    """
    groups = split_batches(sales["unique_id"].astype(str).unique().tolist(), batch_size=batch_size, min_size=min_batch)
    key = sales["unique_id"].astype(str)
    frames = [sales[key.isin(set(g))] for g in groups]
    progress = progress or Progress("forecast-progress", f"Forecasting {len(groups)} batch(es) of series")
    progress.update(0.0, f"{len(frames)} batch(es) of up to {batch_size} series started")
    futures = forecast_batch.map(
        frames,
        index=list(range(len(frames))),
        horizon=unmapped(horizon),
        quantiles=unmapped(tuple(quantiles)),
        freq=unmapped(freq),
        cutoff=unmapped(cutoff),
        options=unmapped(options),
        total=unmapped(len(frames)),
        keep_model=unmapped(keep_models),
    )
    for done, _ in enumerate(as_completed(list(futures)), start=1):
        progress.update(done / max(len(frames), 1), f"{done} of {len(frames)} batch(es) done")
    results = [f.result() for f in futures]
    return ForecastResult(
        pd.concat([r.forecasts for r in results], ignore_index=True),
        pd.concat([r.summary for r in results], ignore_index=True),
        [note for r in results for note in r.notes],
        batches=len(results),
        parts=tuple(part for r in results for part in r.parts),
        workers=tuple(w for r in results for w in r.workers),
    )


def forecast_for_planning(
    *,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    suppliers: pd.DataFrame,
    freq: str = "D",
    min_horizon: int = 1,
    batch_size: int = 500,
    min_batch: int = 50,
    options: dict[str, Any] | None = None,
    progress: ProgressSink | None = None,
) -> ForecastResult:
    """Inside a flow: forecast the contract's sales in batches for as many days as planning will ask for (at
    least ``min_horizon``), keeping each batch's fitted model for the plan's window quantiles (``as_demand_forecast``).
    """
    from stockgate.domain.replenish.horizon import forecast_horizon
    from stockgate.domain.replenish.inputs import sales_long

    long = sales_long(sales)
    horizon = max(min_horizon, forecast_horizon(sales=long, catalog=catalog, inventory=inventory, suppliers=suppliers))
    cutoff = str(pd.Timestamp(long["ds"].max()).date())
    log.info("Forecasting %s series %s days ahead of %s.", long["unique_id"].nunique(), horizon, cutoff)
    return forecast_in_batches(long, horizon=horizon, freq=freq, cutoff=cutoff, batch_size=batch_size,
                               min_batch=min_batch, options=options, keep_models=True, progress=progress)  # fmt: skip


@task(name="write-forecast", retries=2, retry_delay_seconds=5)
def write_forecast(result: ForecastResult, out_dir: Path) -> dict[str, Path]:
    """Write forecast.csv (one row per series and day: forecast and quantiles, units) and forecast_summary.csv
    (model, backtest errors, confidence, explanation per series) for review, e.g. notebooks/forecast_review."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"forecast": out_dir / "forecast.csv", "summary": out_dir / "forecast_summary.csv"}
    result.forecasts.to_csv(paths["forecast"], index=False, date_format="%Y-%m-%d")
    result.summary.to_csv(paths["summary"], index=False)
    log.info("Forecast written to %s and %s.", paths["forecast"], paths["summary"])
    return paths


@task(name="publish-forecast-summary")
def publish_forecast_summary(
    result: ForecastResult,
    *,
    key: str = "forecast-summary",
    sales: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
) -> None:
    """Artifacts for planners: the models chosen, backtest accuracy by segment (model, confidence and, given the
    contract's ``sales`` and ``catalog``, ABC and XYZ class), and the least confident series."""
    from stockgate.domain.forecast.accuracy import accuracy_by_segment, models_chosen

    s = result.summary
    publish_table(key, models_chosen(s), "Models chosen per series (with fallbacks) and their mean backtest "
                  "RMSSE (lower is better; 1.0 = as good as repeating last season) vs seasonal naive.")  # fmt: skip
    segments = None
    if sales is not None and catalog is not None:
        from stockgate.domain.replenish.segments import series_classes

        segments = series_classes(sales=sales, catalog=catalog)
    publish_table(f"{key}-accuracy", accuracy_by_segment(s, segments=segments),
                  "Backtest accuracy by segment: mean RMSSE, share of series beating seasonal naive, "
                  "low-confidence series.")  # fmt: skip
    low = s[s["confidence"] == "low"].head(20)
    lines = [f"- **{r.unique_id}** ({r.model}): {r.explanation}" for r in low.itertuples()]
    fallbacks = int((s["fallback"] != "").sum())
    text = (
        f"# Forecast\n\n{len(s)} series in {result.batches} batch(es); {fallbacks} fell back to seasonal naive "
        "after a failed fit.\n\n"
        + "\n".join(f"- note: {n}" for n in result.notes)
        + "\n\n## Least confident series\n\n"
        + ("\n".join(lines) or "None.")
    )
    publish_markdown(f"{key}-notes", text, "Forecast notes, fallbacks and the least confident series.")
