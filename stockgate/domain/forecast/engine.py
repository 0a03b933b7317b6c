"""The Forecaster: Nixtla-shaped ``fit`` / ``predict`` over a long frame ``unique_id, ds, y``.

``fit`` reads the data; the work happens for a horizon (given up front or by the first ``predict``): a rolling-origin
backtest of every eligible model, a per-series choice, the final forecasts from the chosen models, and the
residual calibration that gives quantiles per period and over any window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockgate.domain.forecast import candidates as cand
from stockgate.domain.forecast.backtest import Backtest, start_backtest
from stockgate.domain.forecast.features import calendar_table
from stockgate.domain.forecast.models.lgbm import LGBMConfig
from stockgate.domain.forecast.panel import Panel, build_panel
from stockgate.domain.forecast.quantiles import (
    Uncertainty,
    daily_quantiles,
    fit_uncertainty,
    quantile_column,
    window_moments,
    window_quantiles,
    with_defaults,
)
from stockgate.domain.forecast.selection import Choice, choose
from stockgate.errors import ForecastError

log = logging.getLogger(__name__)
ALL_MODELS = ("lgbm", "ets", "intermittent", "seasonal_naive")


@dataclass
class Trained:
    """Everything a horizon produced: means (n x h), choice, fallbacks, uncertainty, the global model."""

    h: int
    mean: np.ndarray
    choice: Choice
    fallback: np.ndarray
    unc: Uncertainty
    lgbm: cand.GlobalLGBM | None
    calendar: dict[str, np.ndarray]
    notes: list[str]


class Forecaster:
    """Forecast many series: global LightGBM, ETS, Croston/SBA/TSB and seasonal naive, chosen per series."""

    def __init__(
        self,
        *,
        freq: str | None = "D",
        season_length: int | None = None,
        horizon: int | None = None,
        models: Sequence[str] = ALL_MODELS,
        backtest_windows: int = 2,
        margin: float = 0.1,
        ets_max_series: int = 200,
        intermittent_share: float = 0.3,
        refit: bool = True,
        lgbm: LGBMConfig | None = None,
        n_jobs: int = 1,
    ) -> None:
        unknown = set(models) - set(ALL_MODELS)
        if unknown:
            raise ForecastError(f"unknown model(s) {sorted(unknown)}; choose from {', '.join(ALL_MODELS)}.")
        self.freq, self.season_length, self.horizon = freq, season_length, horizon
        self.models = tuple(models) if "seasonal_naive" in models else (*models, "seasonal_naive")
        self.backtest_windows, self.margin, self.refit = backtest_windows, margin, refit
        self.ets_max_series, self.intermittent_share = ets_max_series, intermittent_share
        self.lgbm_config = lgbm or LGBMConfig(n_jobs=n_jobs)
        self.panel: Panel | None = None
        self.trained: Trained | None = None
        self.timings: dict[str, float] = {}

    def fit(self, df: pd.DataFrame, *, cutoff: str | pd.Timestamp | None = None) -> Forecaster:
        """Read ``unique_id, ds, y`` (rows after ``cutoff`` ignored); trains now if a horizon was given."""
        started = time.perf_counter()
        self.panel = build_panel(
            df,
            freq=self.freq,
            season_length=self.season_length,
            cutoff=pd.Timestamp(cutoff) if cutoff is not None else None,
        )
        self.timings["panel"] = time.perf_counter() - started
        self.trained = None
        if self.horizon:
            self._train(self.horizon)
        return self

    def _require(self, h: int) -> Trained:
        if self.panel is None:
            raise ForecastError("the forecaster has no data yet.", hint="Call fit(df) first.")
        if h < 1:
            raise ForecastError(f"horizon {h} is not a positive number of periods.", hint="Use for example 28.")
        if self.trained is None or self.trained.h < h:
            self._train(h)
        assert self.trained is not None
        return self.trained

    def _stage(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - started
        log.info("forecast stage %s took %.1f s", name, now - started)
        return now

    def _train(self, h: int) -> None:
        panel = self.panel
        assert panel is not None
        t0 = time.perf_counter()
        y, m = panel.y, panel.season_length
        calendar = calendar_table(pd.DatetimeIndex(panel.dates.append(panel.future_dates(h))))
        lgbm = cand.make_lgbm(self.lgbm_config, panel.freq, calendar, panel.exog) if "lgbm" in self.models else None
        short = 2 * m if m > 7 else 365
        elig = cand.eligibility(
            y,
            models=self.models,
            intermittent_share=self.intermittent_share,
            ets_max_series=self.ets_max_series,
            short=short,
        )
        bt = start_backtest(y, h=h, windows=self.backtest_windows, min_history=max(h, 14 if m <= 7 else 8))
        cand.backtest_candidates(bt, y, elig, h=h, season_length=m, lgbm=lgbm)
        t0 = self._stage("backtest", t0)
        choice = choose(bt.scores(), n=panel.n, margin=self.margin)
        mean, fallback = cand.final_forecast(y, choice.model, h=h, season_length=m, lgbm=lgbm, refit=self.refit)
        choice.model[fallback != ""] = "seasonal_naive"
        t0 = self._stage("final_fit", t0)
        unc = fit_uncertainty(bt.actual, _chosen_backtest(bt, choice.model))
        self._stage("calibration", t0)
        self.trained = Trained(h, mean, choice, fallback, unc, lgbm, calendar, elig.notes)

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """One row per series and period: ``unique_id, ds, forecast, p10, p50, p90, ...pNN, model`` (units)."""
        tr = self._require(h)
        panel = self.panel
        assert panel is not None
        qs = with_defaults(quantiles)
        mean = tr.mean[:, :h]
        out = pd.DataFrame(
            {
                "unique_id": np.repeat(panel.ids, h).astype(str),
                "ds": np.tile(panel.future_dates(h).to_numpy(), panel.n),
                "forecast": mean.ravel(),
            }
        )
        for q, values in daily_quantiles(mean, tr.unc, qs).items():
            out[quantile_column(q)] = values.ravel()
        out["model"] = np.repeat(tr.choice.model, h).astype(str)
        return out

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles of demand summed over periods ``start..start+length-1`` after the cutoff (start 0 = first).

        ``windows`` has ``unique_id, start, length``; returns them with ``mean`` and one ``pNN`` column each."""
        missing = {"unique_id", "start", "length"} - set(windows.columns)
        if missing:
            raise ForecastError(
                f"windows frame lacks column(s) {sorted(missing)}.", hint="Pass unique_id, start, length."
            )
        start = windows["start"].to_numpy(dtype=int)
        length = windows["length"].to_numpy(dtype=int)
        if (start < 0).any() or (length < 1).any():
            raise ForecastError("window start must be >= 0 and length >= 1 (periods after the cutoff).")
        tr = self._require(int((start + length).max()))
        rows = self._rows(windows["unique_id"])
        total, var = window_moments(tr.mean, tr.unc, rows, start, length)
        out = windows[["unique_id", "start", "length"]].reset_index(drop=True).copy()
        out["mean"] = total
        for q, values in window_quantiles(total, var, tr.unc, length, with_defaults(quantiles)).items():
            out[quantile_column(q)] = values
        return out

    def _rows(self, ids: pd.Series) -> np.ndarray:
        assert self.panel is not None
        index = pd.Index(self.panel.ids.astype(str))
        rows = index.get_indexer(ids.astype(str))
        if (rows < 0).any():
            unknown = ids[rows < 0].astype(str).unique()[:5].tolist()
            raise ForecastError(f"no forecast for series {unknown}: they are not in the fitted data.")
        return rows

    def summary(self) -> pd.DataFrame:
        """Per series: ``unique_id, model, backtest_rmsse, naive_rmsse, fallback, confidence, explanation``."""
        if self.trained is None:
            raise ForecastError("nothing forecast yet.", hint="Call predict(h) first or pass horizon= to Forecaster.")
        from stockgate.domain.forecast.summary import summarise

        assert self.panel is not None
        return summarise(self.panel, self.trained, self.predict_window)


def _chosen_backtest(bt: Backtest, chosen: np.ndarray) -> np.ndarray:
    """Backtest forecasts of each series' chosen model (n x windows x h)."""
    out = np.full(bt.actual.shape, np.nan)
    for name, forecasts in bt.forecasts.items():
        rows = chosen == name
        out[rows] = forecasts[rows]
    return out
