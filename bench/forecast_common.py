"""Shared helpers of the forecast benchmarks: metrics per series and the table/JSON report."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def wide(frame: pd.DataFrame, value: str, ids: pd.Index, dates: pd.DatetimeIndex) -> np.ndarray:
    """A series x date array of ``value`` from a long frame."""
    table = frame.pivot_table(index="unique_id", columns="ds", values=value, aggfunc="sum")
    return table.reindex(index=ids, columns=dates).to_numpy(dtype=float)


def scores(
    train: pd.DataFrame, test: pd.DataFrame, forecast: pd.DataFrame, column: str = "forecast"
) -> dict[str, float]:
    """Mean RMSSE (M5 scale: one-step changes of the training history), WAPE and bias over all series."""
    ids = pd.Index(sorted(test["unique_id"].unique()))
    dates = pd.DatetimeIndex(sorted(test["ds"].unique()))
    actual = wide(test, "y", ids, dates)
    pred = wide(forecast.rename(columns={column: "yhat"}), "yhat", ids, dates)
    history = train.sort_values(["unique_id", "ds"])
    scale = history.groupby("unique_id")["y"].apply(lambda s: np.mean(np.diff(s.to_numpy(dtype=float)) ** 2))
    scale = scale.reindex(ids).to_numpy()
    rmsse = np.sqrt(np.mean((actual - pred) ** 2, axis=1) / scale)
    return {
        "rmsse": float(np.mean(rmsse)),
        "wape": float(np.abs(actual - pred).sum() / np.abs(actual).sum()),
        "bias": float(pred.sum() / actual.sum() - 1),
    }


def coverage(test: pd.DataFrame, forecast: pd.DataFrame) -> float:
    """Share of actual periods inside the forecast's P10-P90 interval."""
    merged = forecast.merge(test, on=["unique_id", "ds"])
    return float(np.mean((merged["y"] >= merged["p10"]) & (merged["y"] <= merged["p90"])))


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """(result, wall seconds)."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def report(title: str, rows: list[dict[str, Any]], extra: dict[str, Any], references: str) -> None:
    """Print the results as a table, the reference figures, and one JSON line."""
    print(f"\n{title}\n")
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nReferences: {references}")
    print("\nJSON " + json.dumps({"benchmark": title, "results": rows, **extra}, default=float))
