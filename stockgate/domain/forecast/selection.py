"""Per-series model choice from backtest RMSSE, with a bias towards the model that is best across all series.

Picking the minimum of several noisy backtest scores per series overfits; a series leaves the overall best model
only when another model beat it there by at least ``margin`` (relative). Series without a backtest get the
overall best model too, and the reason is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PREFERENCE = ("lgbm", "ets", "tsb", "sba", "croston", "seasonal_naive")
"""Tie order: earlier wins when scores are equal or missing."""


@dataclass(frozen=True)
class Choice:
    """Chosen model per series, its backtest RMSSE, seasonal naive's, and the overall default model."""

    model: np.ndarray
    score: np.ndarray
    naive_score: np.ndarray
    default: str


def overall_best(scores: dict[str, np.ndarray], *, candidates: list[str]) -> str:
    """The model with the lowest mean RMSSE over the series where every candidate has a score (seasonal naive
    when there was no backtest at all)."""
    stack = np.stack([scores[m] for m in candidates])
    if not np.isfinite(stack).any():
        return "seasonal_naive" if "seasonal_naive" in candidates else candidates[-1]
    common = np.all(np.isfinite(stack), axis=0)
    if not common.any():
        common = np.isfinite(stack).any(axis=0)
    means = np.array(
        [float(np.nanmean(np.where(common, s, np.nan))) if np.isfinite(s[common]).any() else np.inf for s in stack]
    )
    return candidates[int(np.argmin(means))]


def choose(scores: dict[str, np.ndarray], *, n: int, margin: float = 0.05, fallback: str = "seasonal_naive") -> Choice:
    """Choose a model per series from ``scores`` (model -> RMSSE per series, NaN where it did not run)."""
    candidates = [m for m in PREFERENCE if m in scores]
    naive = scores.get("seasonal_naive", np.full(n, np.nan))
    if not candidates:
        return Choice(np.full(n, fallback, dtype=object), np.full(n, np.nan), naive, fallback)
    default = overall_best(scores, candidates=candidates)
    model = np.full(n, default, dtype=object)
    best = scores[default].copy()
    missing = ~np.isfinite(best)
    best[missing] = np.inf
    for name in candidates:
        score = scores[name]
        better = np.isfinite(score) & (score < best * (1 - margin) if name != default else False)
        better |= missing & np.isfinite(score) & (score < best)
        model[better], best[better] = name, score[better]
    best[~np.isfinite(best)] = np.nan
    return Choice(model, best, naive, default)
