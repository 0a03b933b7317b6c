"""Runs every candidate model on a backtest and for the final forecast, recording failures per series."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from stockgate.domain.forecast.backtest import Backtest, Forecast, run_local
from stockgate.domain.forecast.features import Windows
from stockgate.domain.forecast.models import LOCAL_MODELS
from stockgate.domain.forecast.models.ets import ets
from stockgate.domain.forecast.models.lgbm import GlobalLGBM, LGBMConfig
from stockgate.domain.forecast.models.seasonal_naive import seasonal_naive

log = logging.getLogger(__name__)
INTERMITTENT = ("croston", "sba", "tsb")


@dataclass
class Eligibility:
    """Which series each model may forecast (boolean masks), and run-level notes."""

    masks: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)


def eligibility(
    y: np.ndarray, *, models: tuple[str, ...], intermittent_share: float, ets_max_series: int, short: int
) -> Eligibility:
    """Masks: intermittent methods for series with many zero periods; ETS for all series of a small set, else for
    short or intermittent ones (at most ``ets_max_series``); seasonal naive and LightGBM for all."""
    n = y.shape[0]
    active = ~np.isnan(y)
    zeros = (np.nan_to_num(y) == 0) & active
    share = zeros.sum(axis=1) / np.maximum(active.sum(axis=1), 1)
    inter = share >= intermittent_share
    masks = {"seasonal_naive": np.ones(n, dtype=bool)}
    if "lgbm" in models:
        masks["lgbm"] = np.ones(n, dtype=bool)
    if "ets" in models:
        wanted = np.ones(n, dtype=bool) if n <= ets_max_series else inter | (active.sum(axis=1) < short)
        masks["ets"] = wanted & (np.cumsum(wanted) <= ets_max_series)
    if "intermittent" in models:
        masks.update({m: inter for m in INTERMITTENT})
    return Eligibility(masks)


def backtest_candidates(
    bt: Backtest, y: np.ndarray, elig: Eligibility, *, h: int, season_length: int, lgbm: GlobalLGBM | None
) -> None:
    """Fill ``bt`` with every eligible model's forecasts (NaN for ineligible or failed series)."""
    for name, mask in elig.masks.items():
        rows = np.flatnonzero(mask)
        out = np.full(bt.actual.shape, np.nan)
        notes = np.full(len(y), "", dtype=object)
        if name in LOCAL_MODELS and len(rows):
            out[rows] = run_local(bt, y[rows], _local(name, season_length), h)
        elif name == "ets" and len(rows):
            for w, o in enumerate(bt.origins):
                res = ets(y[rows, : o + 1], h=h, season_length=season_length)
                failed = res.fallback != ""
                out[rows, w] = np.where(failed[:, None], np.nan, res.forecast)
                notes[rows[failed]] = res.fallback[failed]
        elif name == "lgbm" and lgbm is not None and bt.origins:
            try:
                lgbm.fit(y, last=bt.origins[0], horizon=h)
                out[:] = np.stack([lgbm.predict(y, origin=o, h=h) for o in bt.origins], axis=1)
            except Exception as exc:  # recorded for every series and in the run notes
                elig.notes.append(f"global LightGBM could not be backtested ({exc}); it was not used")
                log.warning(elig.notes[-1])
                continue
        bt.add(name, out, notes)


def _local(name: str, season_length: int) -> Forecast:
    """A backtest runner for the local model ``name``."""
    fn = LOCAL_MODELS[name]

    def run(part: np.ndarray, _origin: int, h: int) -> np.ndarray:
        return fn(part, h=h, season_length=season_length)

    return run


def final_forecast(
    y: np.ndarray, chosen: np.ndarray, *, h: int, season_length: int, lgbm: GlobalLGBM | None, refit: bool
) -> tuple[np.ndarray, np.ndarray]:
    """n x h units from each series' chosen model, and per-series fallback notes ('' when none)."""
    n, last = y.shape[0], y.shape[1] - 1
    mean = seasonal_naive(y, h=h, season_length=season_length)
    notes = np.full(n, "", dtype=object)
    for name in np.unique(chosen):
        rows = np.flatnonzero(chosen == name)
        if name in LOCAL_MODELS:
            mean[rows] = LOCAL_MODELS[name](y[rows], h=h, season_length=season_length)
        elif name == "ets":
            res = ets(y[rows], h=h, season_length=season_length)
            mean[rows], notes[rows] = res.forecast, res.fallback
        elif name == "lgbm" and lgbm is not None:
            try:
                if refit:
                    lgbm.fit(y, last=last, horizon=h)
                mean[rows] = lgbm.predict(y, origin=last, h=h)[rows]
            except Exception as exc:  # the seasonal naive forecast stays, and the reason is recorded per series
                notes[rows] = f"global LightGBM failed ({type(exc).__name__}: {str(exc)[:80]}); used seasonal_naive"
    return np.maximum(mean, 0.0), notes


def make_lgbm(
    config: LGBMConfig, freq: str, calendar: dict[str, np.ndarray], exog: dict[str, np.ndarray]
) -> GlobalLGBM:
    """A global model for the panel's frequency, calendar and optional price/promo arrays (n x T)."""
    return GlobalLGBM(config, Windows.for_freq(freq), calendar, exog)
