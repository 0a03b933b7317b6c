"""Plan replenishment: from forecast, stock, catalog and supplier terms to purchase-order drafts.

Steps: join the inputs into lines (discontinued items left out) -> service class per series -> window
quantiles from the forecast (lead-time scenarios mixed) -> order-up-to level -> need = level - position - demand
lost before delivery -> pack, minimum and shelf-life rounding -> budgets per supplier, then per run -> flags,
confidence, reasons -> one purchase order per supplier. Lines with nothing to order and nothing to flag are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import pandas as pd

from stockgate.domain.drafts import Confidence, PurchaseOrder
from stockgate.domain.replenish.budget import BudgetLine, cut_to_budget
from stockgate.domain.replenish.classes import ServiceLevels, classify
from stockgate.domain.replenish.demand import DemandForecast
from stockgate.domain.replenish.flags import FlagContext, attach_flags
from stockgate.domain.replenish.inputs import build_lines
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.orders import SupplierTerms, build_order, group_by_supplier, supplier_terms
from stockgate.domain.replenish.policy import ServiceMeasure, quantile_grid
from stockgate.domain.replenish.position import project_stock, stockout_day
from stockgate.domain.replenish.reasons import StockFacts, explain, grade_confidence, stock_facts
from stockgate.domain.replenish.rounding import RoundingStep, round_order
from stockgate.domain.replenish.windows import (
    WindowRequest,
    WindowTable,
    daily_paths,
    protection_level,
    request_for,
    windows_frame,
)
from stockgate.domain.replenish.wording import count
from stockgate.errors import PlanningError


@dataclass(frozen=True)
class PlanConfig:
    """How to plan; every field has a safe default (days, probabilities, currency amounts)."""

    service: ServiceLevels = field(default_factory=ServiceLevels)
    measure: ServiceMeasure = "fill_rate"
    run_budget: float | None = None
    run_budget_currency: str | None = None
    min_history_days: int = 56
    lead_time_scenarios: int = 15
    unusual_factor: float = 2.5
    price_change: float = 0.10
    cost_change: float = 0.05
    max_shelf_window_days: int = 56
    chart_history_days: int = 56
    currency: str = "EUR"


@dataclass
class Plan:
    """The result: purchase-order drafts, the planned lines behind them, and notes on items left out."""

    orders: list[PurchaseOrder]
    lines: list[PlannedLine]
    skipped: list[str]
    notes: list[str] = field(default_factory=list)
    config: PlanConfig = field(default_factory=PlanConfig)


def plan_replenishment(
    *,
    forecast: DemandForecast,
    sales: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    suppliers: pd.DataFrame,
    config: PlanConfig | None = None,
    forecast_confidence: Mapping[str, Confidence] | None = None,
    warnings: Mapping[str, Sequence[str]] | None = None,
    previous_costs: Mapping[tuple[str, str], float] | None = None,
) -> Plan:
    """Purchase-order drafts, one per supplier. ``sales`` is the long frame ``unique_id, ds, y[, price]``.

    ``forecast_confidence`` is the forecaster's grade per unique_id; ``warnings`` data warnings per SKU or
    unique_id; ``previous_costs`` the unit cost on the last approved order per (supplier id, SKU), for the
    ``cost_change`` flag (``Ledger.last_unit_costs``).
    """
    config = config or PlanConfig()
    if sales.empty:
        raise PlanningError("The sales history is empty: nothing to forecast from.", hint="Check the sales file.")
    terms = supplier_terms(suppliers, default_currency=config.currency)
    cutoff = pd.Timestamp(sales["ds"].max()).date()
    lines, skipped = build_lines(inventory=inventory, catalog=catalog, terms=terms, cutoff=cutoff)
    items = catalog.drop_duplicates("sku").set_index("sku")
    _classify(lines, sales=sales, items=items, config=config)
    _size_orders(lines, forecast=forecast, terms=terms, items=items, cutoff=cutoff, config=config)
    # Budgets before flags: the flags and their reasons describe the quantity that is actually proposed.
    notes = _apply_budgets(
        lines, terms=terms, run_budget=config.run_budget, currency=config.run_budget_currency or config.currency
    )
    context = FlagContext.build(
        sales=sales,
        items=items,
        config_min_history=config.min_history_days,
        warnings=warnings or {},
        previous_costs=previous_costs or {},
        cutoff=cutoff,
    )
    attach_flags(
        lines,
        context=context,
        unusual_factor=config.unusual_factor,
        price_change=config.price_change,
        cost_change=config.cost_change,
        chart_history_days=config.chart_history_days,
    )
    kept = [ln for ln in lines if ln.quantity > 0 or ln.flags]
    orders = _finish(kept, terms=terms, confidence=forecast_confidence or {}, warnings=warnings or {})
    return Plan(orders=orders, lines=kept, skipped=skipped, notes=notes, config=config)


def _classify(lines: list[PlannedLine], *, sales: pd.DataFrame, items: pd.DataFrame, config: PlanConfig) -> None:
    prices = {ln.unique_id: float(cast(float, items.loc[ln.sku, "price"])) for ln in lines}
    classes = classify(sales[sales["unique_id"].isin(prices)], prices=prices, levels=config.service)
    by_id = classes.set_index("unique_id")
    for ln in lines:
        if ln.unique_id in by_id.index:
            ln.service_class = str(by_id.at[ln.unique_id, "service_class"])
            ln.service_level = float(cast(float, by_id.at[ln.unique_id, "service_level"]))
        else:
            ln.service_class, ln.service_level = "CZ", config.service.target("CZ")


def _size_orders(
    lines: list[PlannedLine],
    *,
    forecast: DemandForecast,
    terms: Mapping[str, SupplierTerms],
    items: pd.DataFrame,
    cutoff: date,
    config: PlanConfig,
) -> None:
    requests = {ln.unique_id: _request(ln, terms=terms, items=items, cutoff=cutoff, config=config) for ln in lines}
    levels = quantile_grid([0.1, 0.9, *{ln.service_level for ln in lines}])
    windows = windows_frame(requests)
    horizon = max((ln.window_days for ln in lines), default=1) + 28
    longest = int((windows["start"] + windows["length"]).max()) if len(windows) else 1
    # The daily forecast first, over the longest horizon, so a lazily trained forecaster trains once.
    paths = daily_paths(forecast, starts={u: r.start for u, r in requests.items()}, horizon=horizon, at_least=longest)
    table = WindowTable(forecast.predict_window(windows, levels), levels)
    for ln in lines:
        ln.has_forecast = table.has(ln.unique_id) and ln.unique_id in paths
        if ln.has_forecast:
            ln.daily_mean, ln.daily_low, ln.daily_high = paths[ln.unique_id]
            _size_one(ln, req=requests[ln.unique_id], table=table, measure=config.measure)


def _request(
    ln: PlannedLine, *, terms: Mapping[str, SupplierTerms], items: pd.DataFrame, cutoff: date, config: PlanConfig
) -> WindowRequest:
    shelf = items.loc[ln.sku].get("shelf_life_days")
    too_long = shelf is None or pd.isna(shelf) or float(shelf) > config.max_shelf_window_days
    shelf_days = None if too_long else float(shelf)
    return request_for(
        ln, terms=terms[ln.supplier_id], cutoff=cutoff, scenarios=config.lead_time_scenarios, shelf_life_days=shelf_days
    )


def _size_one(ln: PlannedLine, *, req: WindowRequest, table: WindowTable, measure: ServiceMeasure) -> None:
    ln.order_up_to, protection, before = protection_level(
        table, ln.unique_id, req, service_level=ln.service_level, measure=measure, daily_means=ln.daily_mean
    )
    ln.window_mean, ln.window_low, ln.window_high = protection.mean, protection.quantile(0.1), protection.quantile(0.9)
    ln.reorder_point = before.quantile(ln.service_level)
    if measure != "fill_rate_backorder":  # a shop: what cannot be served before the delivery is lost, not owed
        ln.lost_before_delivery = before.expected_excess(max(ln.position, 0.0))
    ln.need = ln.order_up_to - ln.position - ln.lost_before_delivery
    if ln.lost_before_delivery >= 0.5 and ln.need > 0:
        ln.reasons.append(
            f"Stock runs short before this delivery arrives: about {count(ln.lost_before_delivery, 'unit')} of "
            "demand until then cannot be served and are lost, so the order does not replace them."
        )
    # What sells before expiry, less what is left at delivery (in a shop: position less the demand it can serve).
    shelf_demand = None if req.shelf is None else table.get(ln.unique_id, req.start, req.shelf).mean
    cap = None if shelf_demand is None else shelf_demand - ln.position - ln.lost_before_delivery
    rounded = round_order(need=ln.need, pack_size=ln.pack_size, moq=ln.moq, cap=cap)
    ln.quantity = ln.proposed_before_budget = rounded.quantity
    ln.rounding_steps = list(rounded.steps)
    if rounded.capped:
        ln.add_flag("shelf_life_cap")


def _budget_line(ln: PlannedLine) -> BudgetLine:
    """The cut rule's view of a line: days until it runs out without this order if every day sells at the high end
    of its forecast (P90; open orders counted on their due day; never within the forecast = infinite), and days
    until the next order's delivery."""
    busy = ln.daily_high if len(ln.daily_high) == len(ln.daily_mean) else ln.daily_mean
    stock = project_stock(start=ln.on_hand - ln.backorders, daily_demand=busy, arrivals=ln.arrivals(with_order=False))
    stockout = stockout_day(stock)
    return BudgetLine(
        key=ln.unique_id,
        quantity=ln.quantity,
        pack_size=ln.pack_size,
        moq=ln.moq,
        unit_cost=ln.unit_cost,
        service_class=ln.service_class,
        days_until_stockout=math.inf if stockout is None else float(stockout),
        next_delivery_days=float(ln.window_days),
    )


def _cut(lines: list[PlannedLine], *, budget: float | None, what: str, currency: str) -> None:
    changed = cut_to_budget([_budget_line(ln) for ln in lines], budget=budget)
    for ln in lines:
        if ln.unique_id in changed:
            before, ln.quantity = ln.quantity, changed[ln.unique_id]
            ln.add_flag("budget_cut")
            ln.rounding_steps.append(
                RoundingStep(
                    "budget_cut",
                    before=before,
                    after=ln.quantity,
                    pack_size=ln.pack_size,
                    moq=ln.moq,
                    budget=budget,
                    scope=what,
                    currency=currency,
                )
            )


def _apply_budgets(
    lines: list[PlannedLine], *, terms: Mapping[str, SupplierTerms], run_budget: float | None, currency: str
) -> list[str]:
    """Supplier budgets, then the run budget over the orders in its currency (amounts in different currencies are
    never added up); returns a note per supplier the run budget cannot cover."""
    notes: list[str] = []
    for supplier_id, group in group_by_supplier(lines).items():
        terms_of = terms[supplier_id]
        _cut(group, budget=terms_of.budget, what=f"supplier {supplier_id}", currency=terms_of.currency)
    if run_budget is None:
        return notes
    other = sorted({ln.supplier_id for ln in lines if terms[ln.supplier_id].currency != currency and ln.quantity > 0})
    for supplier_id in other:
        notes.append(
            f"The run budget of {run_budget:,.2f} {currency} does not cover supplier {supplier_id}, whose orders are "
            f"in {terms[supplier_id].currency}; give that supplier its own budget in the suppliers file."
        )
    covered = [ln for ln in lines if terms[ln.supplier_id].currency == currency]
    _cut(covered, budget=run_budget, what="run", currency=currency)
    return notes


def _finish(
    lines: list[PlannedLine],
    *,
    terms: Mapping[str, SupplierTerms],
    confidence: Mapping[str, Confidence],
    warnings: Mapping[str, Sequence[str]],
) -> list[PurchaseOrder]:
    orders = []
    for supplier_id, group in group_by_supplier(lines).items():
        po_lines = []
        for ln in group:
            facts = stock_facts(ln)
            ln.confidence = grade_confidence(confidence.get(ln.unique_id, "medium"), ln.flags)
            ln.reasons = explain(ln, facts, currency=terms[supplier_id].currency) + ln.reasons
            po_lines.append(ln.to_po_line(facts=_facts(ln, facts)))
        notes = [w for ln in group for key in (ln.sku, ln.unique_id) for w in warnings.get(key, ())]
        orders.append(build_order(terms=terms[supplier_id], lines=group, po_lines=po_lines, warnings=notes))
    return orders


def _finite(value: float) -> float | None:
    """Rounded value, None for infinite or missing (JSON has no infinity)."""
    return round(value, 2) if math.isfinite(value) else None


def _facts(ln: PlannedLine, facts: StockFacts) -> dict[str, float | int | str | None]:
    stockout = None if facts.stockout_index is None else ln.day(facts.stockout_index).isoformat()
    return {
        "unique_id": ln.unique_id,
        "position": round(ln.position, 2),
        "cover_now_days": _finite(facts.cover_now_days),
        "cover_after_days": _finite(facts.cover_after_days),
        "stockout_date": stockout,
        "window_days": ln.window_days,
        "forecast_window": round(ln.window_mean, 2),
        "forecast_low": round(ln.window_low, 2),
        "forecast_high": round(ln.window_high, 2),
        "order_up_to": round(ln.order_up_to, 2),
        "reorder_point": round(ln.reorder_point, 2),
        "service_class": ln.service_class,
        "service_level": ln.service_level,
        "need": round(ln.need, 2),
        "lost_before_delivery": round(ln.lost_before_delivery, 2),
        "proposed_before_budget": ln.proposed_before_budget,
    }
