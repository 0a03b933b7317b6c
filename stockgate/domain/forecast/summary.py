"""The per-series summary table: model, backtest errors, fallback, confidence and the briefing sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stockgate.domain.forecast.explain import LOCAL_DRIVERS, Facts, confidence, sentence, top_driver
from stockgate.domain.forecast.features import FEATURE_GROUPS, FEATURES, Windows
from stockgate.domain.forecast.panel import Panel

if TYPE_CHECKING:
    from stockgate.domain.forecast.engine import Trained


def lgbm_drivers(panel: Panel, tr: Trained, rows: np.ndarray, *, budget: int = 20_000) -> dict[str, np.ndarray]:
    """Mean LightGBM contribution (log scale) per driver group for series ``rows``, over up to 4 evenly spaced
    forecast periods per series (fewer when there are many series: exact contributions cost ~1 ms per row)."""
    if tr.lgbm is None or tr.lgbm.booster is None or not len(rows):
        return {}
    k = int(np.clip(budget // len(rows), 1, min(4, tr.h)))
    steps = np.unique(np.linspace(1, tr.h, k + 2)[1:-1].round().astype(int)) if k < tr.h else np.arange(1, tr.h + 1)
    feats = tr.lgbm.rows(panel.y, origin=panel.y.shape[1] - 1, h=tr.h, steps=steps, series=rows)
    contrib = tr.lgbm.contributions(feats)[:, : len(FEATURES)]
    contrib = contrib.reshape(len(rows), len(steps), len(FEATURES)).mean(axis=1)
    groups: dict[str, np.ndarray] = {}
    for j, name in enumerate(FEATURES):
        group = FEATURE_GROUPS[name]
        groups[group] = groups.get(group, 0.0) + contrib[:, j]
    return groups


def last_year_totals(panel: Panel, h: int) -> np.ndarray:
    """Demand in the same periods one year before the forecast periods (NaN where history does not reach)."""
    year = Windows.for_freq(panel.freq).year
    t = panel.y.shape[1]
    idx = np.arange(t, t + h) - year
    if idx[0] < 0 or idx[-1] >= t:
        return np.full(panel.n, np.nan)
    return panel.y[:, idx].sum(axis=1)


def summarise(panel: Panel, tr: Trained, predict_window: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """One row per series; the sentence covers the whole trained horizon."""
    h = tr.h
    window = predict_window(pd.DataFrame({"unique_id": panel.ids.astype(str), "start": 0, "length": h}))
    total, low, high = (window[c].to_numpy(dtype=float) for c in ("mean", "p10", "p90"))
    last_year = last_year_totals(panel, h)
    lgbm_rows = np.flatnonzero(tr.choice.model == "lgbm")
    groups = lgbm_drivers(panel, tr, lgbm_rows)
    position = {int(r): k for k, r in enumerate(lgbm_rows)}
    month = int(panel.future_dates(h)[h // 2].month)
    history = (~np.isnan(panel.y)).sum(axis=1)
    unit = "weeks" if panel.freq.upper().startswith("W") else "days"
    records = []
    for i in range(panel.n):
        model = str(tr.choice.model[i])
        if i in position:
            driver, effect = top_driver({g: float(v[position[i]]) for g, v in groups.items()}, month=month)
        else:
            driver, effect = LOCAL_DRIVERS.get(model, "recent sales"), 0.0
        facts = Facts(
            total=float(total[i]),
            low=float(low[i]),
            high=float(high[i]),
            periods=h,
            unit=unit,
            last_year=float(last_year[i]) if np.isfinite(last_year[i]) else None,
            driver=driver,
            driver_effect=effect,
            model=model,
            score=float(tr.choice.score[i]),
            naive_score=float(tr.choice.naive_score[i]),
            fallback=str(tr.fallback[i]),
        )
        records.append(
            {
                "unique_id": str(panel.ids[i]),
                "model": model,
                "backtest_rmsse": facts.score,
                "naive_rmsse": facts.naive_score,
                "fallback": facts.fallback,
                "confidence": confidence(facts, history=int(history[i])),
                "explanation": sentence(facts),
            }
        )
    return pd.DataFrame.from_records(records)
