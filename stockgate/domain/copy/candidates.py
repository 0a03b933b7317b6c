"""Which products deserve a word to customers, and the numbers behind each choice.

Five kinds of candidate, one per SKU at most (the first that applies, in this order):

- ``back_in_stock``: the SKU sold nothing for ``back_in_stock_gap_days`` in a row within the last
  ``back_in_stock_lookback_days``, usually sells, and has stock on hand again;
- ``new_arrival``: the catalog status is ``new`` and there is stock on hand;
- ``price_drop``: the catalog price is at least ``price_drop_min_pct`` below the recent median selling price;
- ``overstock``: weeks of cover (stock / forecast weekly demand) is at least ``overstock_factor`` times the target;
  the draft offers the brand's clearance discount;
- ``rising_seller``: units of the last ``rising_window_days`` are ``rising_growth_pct`` above the window before,
  with enough stock to keep selling.

Discontinued items only ever get clearance (overstock) copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from stockgate.domain.copy import signals
from stockgate.domain.copy.brand import Clearance

Fact = float | int | str | None


class CandidateKind(StrEnum):
    """Why a product gets copy; the order is the priority when several apply."""

    BACK_IN_STOCK = "back_in_stock"
    NEW_ARRIVAL = "new_arrival"
    PRICE_DROP = "price_drop"
    OVERSTOCK = "overstock"
    RISING_SELLER = "rising_seller"


class CandidateRules(BaseModel):
    """Thresholds for picking candidates (days are calendar days, cover in weeks)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_cover_weeks: float = Field(default=4.0, gt=0)
    overstock_factor: float = Field(default=2.0, gt=1)
    min_overstock_units: float = Field(default=10, ge=0)
    rising_window_days: int = Field(default=28, ge=7)
    rising_growth_pct: float = Field(default=30.0, gt=0)
    rising_min_units: float = Field(default=20, ge=0, description="Units in the recent window, so noise is not news.")
    rising_min_cover_weeks: float = Field(default=1.0, ge=0)
    back_in_stock_gap_days: int = Field(default=5, ge=1)
    back_in_stock_lookback_days: int = Field(default=21, ge=2)
    back_in_stock_min_weekly_units: float = Field(default=3.0, ge=0, description="Usual sales before the gap.")
    price_window_days: int = Field(default=28, ge=1)
    price_drop_min_pct: float = Field(default=5.0, gt=0)
    max_candidates: int = Field(default=20, ge=1)


class Candidate(BaseModel):
    """A product worth copy, why, and the numbers behind it (``facts`` also carries name, price and as_of)."""

    sku: str
    name: str
    kind: CandidateKind
    score: float = Field(description="Strength of the signal within its kind; higher first.")
    facts: dict[str, Fact]


def pick_candidates(
    *,
    forecast: pd.DataFrame,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    as_of: date,
    freq: str = "D",
    clearance: Clearance | None = None,
    rules: CandidateRules | None = None,
) -> list[Candidate]:
    """Candidates in priority order (kind, then score), at most ``rules.max_candidates``, one per SKU."""
    ctx = _Context(as_of=as_of, freq=freq, rules=rules or CandidateRules(), clearance=clearance or Clearance())
    table = _sku_table(forecast=forecast, sales=sales, catalog=catalog, inventory=inventory, ctx=ctx)
    units = sales.groupby(["sku", "date"], observed=True)["units"].sum().reset_index()  # over locations
    sales_by_sku = {str(sku): group for sku, group in units.groupby("sku", observed=True)}
    found: list[Candidate] = []
    for sku, row in table.iterrows():
        candidate = _classify(str(sku), row, sales_by_sku.get(str(sku)), ctx)
        if candidate is not None:
            found.append(candidate)
    order = list(CandidateKind)
    found.sort(key=lambda c: (order.index(c.kind), -c.score, c.sku))
    return found[: ctx.rules.max_candidates]


@dataclass(frozen=True)
class _Context:
    as_of: date
    freq: str
    rules: CandidateRules
    clearance: Clearance


def _sku_table(
    *, forecast: pd.DataFrame, sales: pd.DataFrame, catalog: pd.DataFrame, inventory: pd.DataFrame, ctx: _Context
) -> pd.DataFrame:
    table = catalog.drop_duplicates("sku").set_index("sku")[["name", "price", "status"]].copy()
    table = table.join(signals.stock_by_sku(inventory), how="left")
    table = table.join(signals.weekly_demand_by_sku(forecast, freq=ctx.freq), how="left")
    recent_price = signals.recent_price_by_sku(sales, as_of=ctx.as_of, days=ctx.rules.price_window_days)
    table = table.join(recent_price.rename("recent_price"), how="left")
    return table.fillna({"on_hand": 0.0, "on_order": 0.0, "backorders": 0.0, "stock_units": 0.0})


def _classify(sku: str, row: pd.Series, sales: pd.DataFrame | None, ctx: _Context) -> Candidate | None:
    base: dict[str, Fact] = {"sku": sku, "name": str(row["name"]), "price": _money(row["price"])}
    base |= {"as_of": ctx.as_of.isoformat(), "on_hand": _num(row["on_hand"])}
    discontinued = str(row["status"]).lower() == "discontinued"
    for kind in CandidateKind:
        if discontinued and kind is not CandidateKind.OVERSTOCK:
            continue
        found = _DETECTORS[kind](row, sales, ctx)
        if found is not None:
            score, facts = found
            return Candidate(sku=sku, name=str(row["name"]), kind=kind, score=score, facts=base | facts)
    return None


Found = tuple[float, dict[str, Fact]] | None


def _back_in_stock(row: pd.Series, sales: pd.DataFrame | None, ctx: _Context) -> Found:
    rules, as_of = ctx.rules, ctx.as_of
    if sales is None or row["on_hand"] <= 0:
        return None
    step = signals.period_days(ctx.freq)
    units = signals.period_units(sales, as_of=as_of, days=rules.back_in_stock_lookback_days, freq=ctx.freq)
    run, end = signals.longest_zero_run(units.tolist())
    if run * step < rules.back_in_stock_gap_days:
        return None
    gap_start = pd.Timestamp(units.index[end - run]).date()
    before = signals.window_units(sales, start=gap_start - timedelta(days=56), end=gap_start - timedelta(days=1))
    weekly_before = float(before.sum()) / 8
    if weekly_before < rules.back_in_stock_min_weekly_units:
        return None
    facts: dict[str, Fact] = {"out_of_stock_days": run * step, "weekly_units_before": round(weekly_before, 1)}
    return float(run * step), facts


def _new_arrival(row: pd.Series, _sales: pd.DataFrame | None, _ctx: _Context) -> Found:
    if str(row["status"]).lower() != "new" or row["on_hand"] <= 0:
        return None
    return float(row["on_hand"]), {}


def _price_drop(row: pd.Series, _sales: pd.DataFrame | None, ctx: _Context) -> Found:
    previous = row.get("recent_price")
    if previous is None or pd.isna(previous) or previous <= 0 or row["on_hand"] <= 0:
        return None
    drop_pct = (previous - row["price"]) / previous * 100
    if drop_pct < ctx.rules.price_drop_min_pct:
        return None
    saving = _money(previous - row["price"])
    return float(drop_pct), {"previous_price": _money(previous), "saving": saving, "drop_pct": round(drop_pct, 1)}


def _overstock(row: pd.Series, _sales: pd.DataFrame | None, ctx: _Context) -> Found:
    rules, clearance = ctx.rules, ctx.clearance
    stock, weekly = float(row["stock_units"]), row.get("weekly_demand")
    if weekly is None or pd.isna(weekly) or row["on_hand"] < rules.min_overstock_units:
        return None
    cover = stock / weekly if weekly > 0 else float("inf")
    if cover < rules.overstock_factor * rules.target_cover_weeks:
        return None
    promo_price = _money(row["price"] * (1 - clearance.discount_pct / 100))
    facts: dict[str, Fact] = {
        "stock_units": _num(stock),
        "weekly_demand": round(float(weekly), 1),
        "weeks_of_cover": round(min(cover, 999.0), 1),
        "target_cover_weeks": rules.target_cover_weeks,
        "discount_pct": _num(clearance.discount_pct),
        "promo_price": promo_price,
        "saving": _money(float(row["price"]) - promo_price),
        "promo_end": (ctx.as_of + timedelta(days=clearance.days)).isoformat(),
    }
    return min(cover, 999.0), facts


def _rising(row: pd.Series, sales: pd.DataFrame | None, ctx: _Context) -> Found:
    rules, as_of = ctx.rules, ctx.as_of
    weekly = row.get("weekly_demand")
    if sales is None or weekly is None or pd.isna(weekly) or weekly <= 0:
        return None
    w = rules.rising_window_days
    recent = float(signals.window_units(sales, start=as_of - timedelta(days=w - 1), end=as_of).sum())
    prior_end = as_of - timedelta(days=w)
    prior = float(signals.window_units(sales, start=prior_end - timedelta(days=w - 1), end=prior_end).sum())
    cover = float(row["stock_units"]) / weekly
    if prior <= 0 or recent < rules.rising_min_units or cover < rules.rising_min_cover_weeks:
        return None
    growth = (recent - prior) / prior * 100
    if growth < rules.rising_growth_pct:
        return None
    facts: dict[str, Fact] = {"units_recent": _num(recent), "units_prior": _num(prior), "growth_pct": round(growth, 1)}
    return growth, facts | {"window_days": w, "weeks_of_cover": round(cover, 1)}


_DETECTORS = {
    CandidateKind.BACK_IN_STOCK: _back_in_stock,
    CandidateKind.NEW_ARRIVAL: _new_arrival,
    CandidateKind.PRICE_DROP: _price_drop,
    CandidateKind.OVERSTOCK: _overstock,
    CandidateKind.RISING_SELLER: _rising,
}


def _money(value: float) -> float:
    return round(float(value), 2)


def _num(value: float) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)
