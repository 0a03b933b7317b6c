"""A planning forecast with the adjustments people enabled: the weekly plan orders against it.

``AdjustedForecast`` wraps any ``DemandForecast`` (usually the forecaster's ``BatchedForecast``) and applies the
ENABLED SKU-scope ``AdjustmentProposal``s, each on its dates (``start``/``end``; none = every day):

- daily rows (``predict``): the mean and every quantile of an adjusted SKU's day are multiplied by the factor;
- windows (``predict_window``): the base answer's mean and quantiles are multiplied by the ratio of adjusted to base
  MEDIAN daily demand summed over the window's days, ``sum(f_d * m_d) / sum(m_d)``. This is an approximation: it
  scales the whole window distribution by one number, as if the adjustment shifted every day's demand in
  proportion, so the window's relative spread is kept (an exact answer would need the base model's daily
  dependence). Where the window's medians sum to 0 (intermittent demand) the daily means weigh the days instead,
  and where those sum to 0 too, every day weighs the same.

Disabled proposals and proposals of other scopes (e.g. category) change nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.domain.learning.adjustments import AdjustmentProposal, apply_adjustments
from stockgate.domain.learning.snapshots import split_unique_id
from stockgate.domain.replenish.demand import DemandForecast

_MODEL_CHARS = 40  # forecast_snapshots.model


def sku_adjustments(proposals: Iterable[AdjustmentProposal]) -> list[AdjustmentProposal]:
    """The proposals that change a planning forecast: enabled, SKU scope."""
    return [p for p in proposals if p.enabled and p.scope == "sku"]


def daily_factors(*, skus: pd.Series, days: pd.Series, adjustments: Sequence[AdjustmentProposal]) -> np.ndarray:
    """The product of the factors of ``adjustments`` that cover each (SKU, day) row; 1.0 where none does."""
    factors = np.ones(len(skus), dtype=float)
    when = pd.to_datetime(pd.Series(days).reset_index(drop=True))
    names = pd.Series(skus).astype(str).reset_index(drop=True)
    for p in adjustments:
        rows = (names == p.value) & (when >= pd.Timestamp(p.start or date.min))
        rows &= when <= pd.Timestamp(p.end or date.max)
        factors[rows.to_numpy()] *= p.factor
    return factors


def _value_columns(frame: pd.DataFrame, *, mean: str) -> list[str]:
    return [c for c in frame.columns if c == mean or (c.startswith("p") and c[1:].replace(".", "").isdigit())]


class AdjustedForecast:
    """``base`` with the enabled SKU-scope ``adjustments`` applied; ``cutoff`` = last day of history (period 0 of
    a window is the day after it). Satisfies ``DemandForecast``; answers are in units (per day, per window)."""

    def __init__(self, base: DemandForecast, *, adjustments: Sequence[AdjustmentProposal], cutoff: date) -> None:
        self.base = base
        self.adjustments = sku_adjustments(adjustments)
        self.cutoff = cutoff

    @property
    def horizon(self) -> int:
        """Periods the base forecast was trained for (0 if it does not say)."""
        return int(getattr(self.base, "horizon", 0) or 0)

    def summary(self) -> pd.DataFrame:
        """The base forecast's per-series summary (empty when the base has none)."""
        summary = getattr(self.base, "summary", None)
        return summary() if callable(summary) else pd.DataFrame(columns=["unique_id", "confidence"])

    def predict(self, h: int, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """The base rows ``unique_id, ds, forecast, pNN...`` with adjusted SKUs' days scaled by their factors."""
        frame = self.base.predict(h, quantiles=quantiles)
        if not self.adjustments:
            return frame
        skus = split_unique_id(frame["unique_id"])["sku"].set_axis(frame.index)
        return apply_adjustments(frame, self.adjustments, scope_values=skus, days=frame["ds"])

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """The base window quantiles, each row scaled by ``window_ratios`` (see the module docstring)."""
        out = self.base.predict_window(windows, quantiles)
        if not self.adjustments or out.empty:
            return out
        ratios = self.window_ratios(out[["unique_id", "start", "length"]])
        columns = _value_columns(out, mean="mean")
        out = out.copy()
        out[columns] = out[columns].astype(float).mul(ratios, axis=0)
        return out

    def window_ratios(self, windows: pd.DataFrame) -> np.ndarray:
        """Per window row: adjusted / base median demand summed over its days (1.0 for unadjusted SKUs)."""
        frame = windows.reset_index(drop=True)
        ratios = np.ones(len(frame), dtype=float)
        skus = split_unique_id(frame["unique_id"])["sku"]
        touched = skus.isin({p.value for p in self.adjustments}).to_numpy()
        if not touched.any():
            return ratios
        end = int((frame["start"] + frame["length"]).max())
        daily = self.base.predict(end, quantiles=(0.5,))
        daily = daily[daily["unique_id"].astype(str).isin(set(frame.loc[touched, "unique_id"].astype(str)))]
        by_id = {str(uid): rows.sort_values("ds") for uid, rows in daily.groupby("unique_id", sort=False)}
        ids, names = frame["unique_id"].astype(str).tolist(), skus.astype(str).tolist()
        starts, lengths = frame["start"].to_numpy(dtype=int), frame["length"].to_numpy(dtype=int)
        for i in (int(i) for i in np.flatnonzero(touched)):
            rows = by_id.get(ids[i])
            if rows is not None:
                ratios[i] = self._ratio(rows, sku=names[i], start=int(starts[i]), length=int(lengths[i]))
        return ratios

    def _ratio(self, rows: pd.DataFrame, *, sku: str, start: int, length: int) -> float:
        first = pd.Timestamp(self.cutoff + timedelta(days=1 + start))
        days = pd.date_range(first, periods=length, freq="D")
        picked = rows.set_index(pd.to_datetime(rows["ds"]).dt.normalize()).reindex(days)
        factors = daily_factors(skus=pd.Series([sku] * length), days=pd.Series(days), adjustments=self.adjustments)
        for column in ("p50", "forecast"):
            weights = picked[column].astype(float).fillna(0.0).clip(lower=0.0).to_numpy() if column in picked else None
            if weights is not None and weights.sum() > 0:
                return float((weights * factors).sum() / weights.sum())
        return float(factors.mean())


def adjust_snapshot_forecast(forecasts: pd.DataFrame, adjustments: Sequence[AdjustmentProposal]) -> pd.DataFrame:
    """The forecaster's daily rows as planning used them: enabled SKU adjustments applied on their dates, and
    ``model`` marked ``+adjusted`` on the rows they changed (fits the snapshot's 40-character model column)."""
    enabled = sku_adjustments(adjustments)
    if not enabled:
        return forecasts
    skus = split_unique_id(forecasts["unique_id"])["sku"]
    factors = daily_factors(skus=skus, days=forecasts["ds"], adjustments=enabled)
    out = apply_adjustments(forecasts, enabled, scope_values=skus.set_axis(forecasts.index), days=forecasts["ds"])
    if "model" in out:
        changed = factors != 1.0
        marked = out["model"].astype(str).str.slice(0, _MODEL_CHARS - len("+adjusted")) + "+adjusted"
        out["model"] = np.where(changed, marked, out["model"].astype(str))
    return out


def adjustment_reason(p: AdjustmentProposal) -> str:
    """One sentence for a purchase-order line: which adjustment, its factor, its dates and who enabled it."""
    dates = f" from {p.start or 'the start'} until {p.end or 'further notice'}" if p.start or p.end else ""
    return (
        f"Forecast multiplied by {p.factor:.2f}{dates}: adjustment {p.id} ('{p.reason_category}', learned from "
        f"recurring edits), enabled by {p.enabled_by}."
    )


def note_adjustments(
    orders: Sequence[PurchaseOrder], *, adjustments: Sequence[AdjustmentProposal], cutoff: date, horizon_days: int
) -> list[PurchaseOrder]:
    """Copies of ``orders`` whose lines of an adjusted SKU say so in their reasons, when the adjustment's dates
    overlap the planning horizon (``cutoff`` + 1 .. + ``horizon_days``, days)."""
    first, last = cutoff + timedelta(days=1), cutoff + timedelta(days=max(horizon_days, 1))
    live = [p for p in sku_adjustments(adjustments) if (p.start or first) <= last and (p.end or last) >= first]
    if not live:
        return list(orders)

    def noted(line: POLine) -> POLine:
        extra = [adjustment_reason(p) for p in live if p.value == line.sku]
        return line.model_copy(update={"reasons": [*line.reasons, *extra]}) if extra else line

    return [o.model_copy(update={"lines": [noted(line) for line in o.lines]}) for o in orders]
