"""Forecast accuracy for planners: backtest error per segment, and which models were chosen.

Both read the forecaster's per-series summary (``unique_id, model, backtest_rmsse, naive_rmsse, fallback,
confidence``). RMSSE is the backtest error scaled by the series' own naive error: 1.0 means "as good as repeating
last season", lower is better.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _family(model: str, fallback: str) -> str:
    return f"{model} (fallback)" if fallback else model


def accuracy_by_segment(
    summary: pd.DataFrame, *, segments: pd.DataFrame | None = None, by: Sequence[str] = ("abc", "xyz")
) -> pd.DataFrame:
    """One row per segment: ``segment_by, segment, series, backtest_rmsse, naive_rmsse, beats_naive_pct,
    low_confidence``; segments are the chosen model family, the confidence grade, and each column of ``by`` in
    ``segments`` (a frame with ``unique_id`` and, for example, ``abc`` and ``xyz`` classes)."""
    frame = summary.assign(
        family=[_family(str(m), str(f)) for m, f in zip(summary["model"], summary["fallback"], strict=True)]
    )
    keys = ["family", "confidence"]
    if segments is not None and len(segments):
        wanted = [c for c in by if c in segments.columns]
        frame = frame.merge(segments[["unique_id", *wanted]].astype({"unique_id": str}), on="unique_id", how="left")
        frame[wanted] = frame[wanted].fillna("unclassified")
        keys = [*wanted, *keys]
    names = {"family": "model", "abc": "ABC class", "xyz": "XYZ class"}
    parts = [_one_segmentation(frame, key, names.get(key, key)) for key in keys]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _one_segmentation(frame: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    beats = frame["backtest_rmsse"] < frame["naive_rmsse"]
    grouped = frame.assign(beats=beats, low=frame["confidence"] == "low").groupby(key, sort=True)
    out = grouped.agg(
        series=("unique_id", "size"),
        backtest_rmsse=("backtest_rmsse", "mean"),
        naive_rmsse=("naive_rmsse", "mean"),
        beats_naive_pct=("beats", "mean"),
        low_confidence=("low", "sum"),
    ).reset_index(names="segment")
    out["beats_naive_pct"] = 100 * out["beats_naive_pct"]
    out.insert(0, "segment_by", label)
    return out.round({"backtest_rmsse": 3, "naive_rmsse": 3, "beats_naive_pct": 1})


def models_chosen(summary: pd.DataFrame) -> pd.DataFrame:
    """Per chosen model: ``model, series, share_pct, fallbacks, backtest_rmsse, naive_rmsse`` (means). Series
    whose model failed to fit fell back to seasonal naive: they count under seasonal_naive and in ``fallbacks``."""
    fell_back = summary["fallback"].astype(str) != ""
    out = (
        summary.assign(fell_back=fell_back)
        .groupby("model", sort=True)
        .agg(
            series=("unique_id", "size"),
            fallbacks=("fell_back", "sum"),
            backtest_rmsse=("backtest_rmsse", "mean"),
            naive_rmsse=("naive_rmsse", "mean"),
        )
        .reset_index()
        .round({"backtest_rmsse": 3, "naive_rmsse": 3})
    )
    out.insert(2, "share_pct", np.round(100 * out["series"] / max(len(summary), 1), 1))
    return out.sort_values(["series", "model"], ascending=[False, True], ignore_index=True)
