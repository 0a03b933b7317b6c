"""A planning forecast with the adjustments people enabled: the weekly plan orders against it.

``AdjustedForecast`` wraps any ``DemandForecast`` (usually the forecaster's ``BatchedForecast``) and applies the
ENABLED ``AdjustmentProposal``s of SKU scope and, given the catalog's SKU -> category map, of category scope (every
SKU of the category), each on its dates (``start``/``end``; none = every day). Precedence, per SKU and day: where
any of the SKU's own adjustments covers the day, only those apply (their factors multiplied); elsewhere its
category's adjustments do. So the more specific adjustment wins, and only on its own dates.

- daily rows (``predict``): the mean and every quantile of an adjusted SKU's day are multiplied by the factor;
- windows (``predict_window``): the base answer's mean and quantiles are multiplied by the ratio of adjusted to base
  MEDIAN daily demand summed over the window's days, ``sum(f_d * m_d) / sum(m_d)``. This is an approximation: it
  scales the whole window distribution by one number, as if the adjustment shifted every day's demand in
  proportion, so the window's relative spread is kept (an exact answer would need the base model's daily
  dependence). Where the window's medians sum to 0 (intermittent demand) the daily means weigh the days instead,
  and where those sum to 0 too, every day weighs the same.

Disabled proposals, other scopes, and category scope without a category map change nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.domain.learning.adjustments import AdjustmentProposal
from stockgate.domain.learning.snapshots import split_unique_id
from stockgate.domain.replenish.demand import DemandForecast

_MODEL_CHARS = 40  # forecast_snapshots.model


def sku_adjustments(proposals: Iterable[AdjustmentProposal]) -> list[AdjustmentProposal]:
    """The proposals that change a planning forecast without a category map: enabled, SKU scope."""
    return [p for p in proposals if p.enabled and p.scope == "sku"]


def plan_adjustments(
    proposals: Iterable[AdjustmentProposal], *, categories: Mapping[str, str] | None
) -> list[AdjustmentProposal]:
    """The enabled proposals of SKU scope and, when ``categories`` (SKU -> category) is given, of category scope."""
    scopes = {"sku"} if categories is None else {"sku", "category"}
    return [p for p in proposals if p.enabled and p.scope in scopes]


def sku_categories(catalog: pd.DataFrame) -> dict[str, str]:
    """SKU -> category from the catalog's ``sku`` and ``category`` columns (blank category: "")."""
    return dict(zip(catalog["sku"].astype(str), catalog["category"].fillna("").astype(str), strict=True))


def check_plan_scopes(
    proposals: Iterable[AdjustmentProposal], *, categories: Mapping[str, str]
) -> tuple[list[AdjustmentProposal], list[str]]:
    """(the enabled proposals a plan can apply, one problem sentence per enabled one it cannot: a SKU not in the
    catalog, a category no SKU has, another scope), each sentence naming the entry and how to fix it."""
    known = sorted(set(categories.values()) - {""})
    usable, problems = [], []
    for p in (p for p in proposals if p.enabled):
        if p.scope == "sku" and p.value not in categories:
            problems.append(f"entry {p.id} names SKU '{p.value}', which is not in the catalog: correct its value "
                            "to a catalog SKU or remove the entry")  # fmt: skip
        elif p.scope == "category" and p.value not in known:
            problems.append(f"entry {p.id} names category '{p.value}', which no SKU of the catalog has: set its "
                            f"value to one of {', '.join(known[:20])} or remove the entry")  # fmt: skip
        elif p.scope not in ("sku", "category"):
            problems.append(f"entry {p.id} has scope '{p.scope}': planning applies scope sku or category only; "
                            "change its scope or remove the entry")  # fmt: skip
        else:
            usable.append(p)
    return usable, problems


def _on_days(p: AdjustmentProposal, when: pd.Series) -> pd.Series:
    return (when >= pd.Timestamp(p.start or date.min)) & (when <= pd.Timestamp(p.end or date.max))


def daily_factors(
    *, skus: pd.Series, days: pd.Series, adjustments: Sequence[AdjustmentProposal],
    categories: Mapping[str, str] | None = None,
) -> np.ndarray:  # fmt: skip
    """Per (SKU, day) row: the product of the factors of the SKU's own adjustments that cover the day or, where
    none does, of its category's (``categories``: SKU -> category); 1.0 where no adjustment covers it."""
    when = pd.to_datetime(pd.Series(days).reset_index(drop=True))
    names = pd.Series(skus).astype(str).reset_index(drop=True)
    groups = names.map(dict(categories or {}))
    own, shared = np.ones(len(names), dtype=float), np.ones(len(names), dtype=float)
    covered = np.zeros(len(names), dtype=bool)
    for p in adjustments:
        if p.scope == "sku":
            rows = (_on_days(p, when) & (names == p.value)).to_numpy()
            own[rows] *= p.factor
            covered |= rows
        elif p.scope == "category":
            shared[(_on_days(p, when) & (groups == p.value)).to_numpy()] *= p.factor
    return np.where(covered, own, shared)


def _value_columns(frame: pd.DataFrame, *, mean: str) -> list[str]:
    return [c for c in frame.columns if c == mean or (c.startswith("p") and c[1:].replace(".", "").isdigit())]


def _scaled(frame: pd.DataFrame, factors: np.ndarray, *, mean: str) -> pd.DataFrame:
    out = frame.copy()
    columns = _value_columns(out, mean=mean)
    out[columns] = out[columns].astype(float).mul(factors, axis=0)
    return out


class AdjustedForecast:
    """``base`` with the enabled SKU-scope ``adjustments`` applied, and category-scope ones when ``categories``
    (SKU -> category) is given; ``cutoff`` = last day of history (period 0 of a window is the day after it).
    Satisfies ``DemandForecast``; answers are in units (per day, per window)."""

    def __init__(
        self, base: DemandForecast, *, adjustments: Sequence[AdjustmentProposal], cutoff: date,
        categories: Mapping[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.base = base
        self.adjustments = plan_adjustments(adjustments, categories=categories)
        self.categories = dict(categories or {})
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
        skus = split_unique_id(frame["unique_id"])["sku"]
        factors = daily_factors(skus=skus, days=frame["ds"], adjustments=self.adjustments, categories=self.categories)
        return _scaled(frame, factors, mean="forecast")

    def predict_window(self, windows: pd.DataFrame, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """The base window quantiles, each row scaled by ``window_ratios`` (see the module docstring)."""
        out = self.base.predict_window(windows, quantiles)
        if not self.adjustments or out.empty:
            return out
        return _scaled(out, self.window_ratios(out[["unique_id", "start", "length"]]), mean="mean")

    def window_ratios(self, windows: pd.DataFrame) -> np.ndarray:
        """Per window row: adjusted / base median demand summed over its days (1.0 for unadjusted SKUs)."""
        frame = windows.reset_index(drop=True)
        ratios = np.ones(len(frame), dtype=float)
        skus = split_unique_id(frame["unique_id"])["sku"]
        groups = skus.map(self.categories).isin({p.value for p in self.adjustments if p.scope == "category"})
        touched = (skus.isin({p.value for p in self.adjustments if p.scope == "sku"}) | groups).to_numpy()
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
        factors = daily_factors(skus=pd.Series([sku] * length), days=pd.Series(days), adjustments=self.adjustments,
                                categories=self.categories)  # fmt: skip
        for column in ("p50", "forecast"):
            weights = picked[column].astype(float).fillna(0.0).clip(lower=0.0).to_numpy() if column in picked else None
            if weights is not None and weights.sum() > 0:
                return float((weights * factors).sum() / weights.sum())
        return float(factors.mean())


def adjust_snapshot_forecast(
    forecasts: pd.DataFrame, adjustments: Sequence[AdjustmentProposal], *, categories: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The forecaster's daily rows as planning used them: enabled SKU (and, given ``categories``, category)
    adjustments applied on their dates, and ``model`` marked ``+adjusted`` on the rows they changed (fits the
    snapshot's 40-character model column)."""
    enabled = plan_adjustments(adjustments, categories=categories)
    if not enabled:
        return forecasts
    skus = split_unique_id(forecasts["unique_id"])["sku"]
    factors = daily_factors(skus=skus, days=forecasts["ds"], adjustments=enabled, categories=categories)
    out = _scaled(forecasts, factors, mean="forecast")
    if "model" in out:
        changed = factors != 1.0
        marked = out["model"].astype(str).str.slice(0, _MODEL_CHARS - len("+adjusted")) + "+adjusted"
        out["model"] = np.where(changed, marked, out["model"].astype(str))
    return out


def adjustment_reason(p: AdjustmentProposal) -> str:
    """One sentence for a purchase-order line: which adjustment (and category), its factor, dates, who enabled it."""
    dates = f" from {p.start or 'the start'} until {p.end or 'further notice'}" if p.start or p.end else ""
    group = f" for category {p.value}" if p.scope == "category" else ""
    source = "learned from recurring edits" if p.edits else "written in the adjustments file"
    return (
        f"Forecast multiplied by {p.factor:.2f}{dates}: adjustment {p.id}{group} ('{p.reason_category}', {source}), "
        f"enabled by {p.enabled_by}."
    )


def _covers(p: AdjustmentProposal, day: date) -> bool:
    return (p.start or date.min) <= day <= (p.end or date.max)


def line_reasons(
    *, sku: str, category: str | None, live: Sequence[AdjustmentProposal], days: Sequence[date]
) -> list[str]:
    """The reasons for one SKU's line: each of its own adjustments, then each of its category's, said to apply
    (partly, or not at all) where its own adjustments take precedence on ``days`` (the planning horizon)."""
    own = [p for p in live if p.scope == "sku" and p.value == sku]
    reasons = [adjustment_reason(p) for p in own]
    for p in (p for p in live if p.scope == "category" and category is not None and p.value == category):
        mine = {d for d in days if _covers(p, d)}
        winners = [q.id for q in own if any(_covers(q, d) for d in mine)]
        if not winners:
            reasons.append(adjustment_reason(p))
        elif all(any(_covers(q, d) for q in own) for d in mine):
            reasons.append(f"Category {category} adjustment {p.id} (x{p.factor:.2f}) not applied: this SKU's own "
                           f"adjustment {', '.join(winners)} takes precedence.")  # fmt: skip
        else:
            reasons.append(adjustment_reason(p) + f" On the dates of this SKU's own adjustment {', '.join(winners)}, "
                           "that one applies instead.")  # fmt: skip
    return reasons


def note_adjustments(
    orders: Sequence[PurchaseOrder], *, adjustments: Sequence[AdjustmentProposal], cutoff: date, horizon_days: int,
    categories: Mapping[str, str] | None = None,
) -> list[PurchaseOrder]:  # fmt: skip
    """Copies of ``orders`` whose lines of an adjusted SKU (or, given ``categories``, of an adjusted category) say
    so in their reasons, when the adjustment's dates overlap the planning horizon (``cutoff`` + 1 .. +
    ``horizon_days``, days); see ``line_reasons``."""
    first, last = cutoff + timedelta(days=1), cutoff + timedelta(days=max(horizon_days, 1))
    live = [p for p in plan_adjustments(adjustments, categories=categories)
            if (p.start or first) <= last and (p.end or last) >= first]  # fmt: skip
    if not live:
        return list(orders)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    lookup = dict(categories or {})

    def noted(line: POLine) -> POLine:
        extra = line_reasons(sku=line.sku, category=lookup.get(line.sku), live=live, days=days)
        return line.model_copy(update={"reasons": [*line.reasons, *extra]}) if extra else line

    return [o.model_copy(update={"lines": [noted(line) for line in o.lines]}) for o in orders]
