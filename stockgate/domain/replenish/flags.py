"""Risk flags from history and inputs, each with a plain-word reason (see ``reasons`` for the list of flags)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import pandas as pd

from stockgate.domain.contracts import ItemStatus
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.reasons import relative_change, unusual_quantity


@dataclass(frozen=True)
class FlagContext:
    """Per series and SKU facts the flags need: history length (days), recent sales and prices, warnings."""

    history_days: Mapping[str, int]
    recent_daily: Mapping[str, float]
    recent_price: Mapping[str, float]
    items: pd.DataFrame
    min_history_days: int
    warnings: Mapping[str, Sequence[str]]
    previous_costs: Mapping[tuple[str, str], float]
    sales: pd.DataFrame

    @classmethod
    def build(
        cls,
        *,
        sales: pd.DataFrame,
        items: pd.DataFrame,
        config_min_history: int,
        warnings: Mapping[str, Sequence[str]],
        previous_costs: Mapping[tuple[str, str], float],
        cutoff: date,
    ) -> FlagContext:
        """Summaries of the long sales frame up to ``cutoff``: days since first sale, mean of the last 28 days."""
        end = pd.Timestamp(cutoff)
        first = sales.groupby("unique_id")["ds"].min()
        recent = sales[sales["ds"] > end - pd.Timedelta(days=28)]
        prices = sales[sales["ds"] > end - pd.Timedelta(days=14)]
        if "promo" in prices.columns:
            prices = prices[prices["promo"].fillna(0) == 0]  # promotions are planned price cuts, not changes
        price = prices.groupby("unique_id")["price"].mean().dropna() if "price" in sales.columns else pd.Series()
        return cls(
            history_days={str(k): int((end - v).days) + 1 for k, v in first.items()},
            recent_daily={str(k): float(v) / 28.0 for k, v in recent.groupby("unique_id")["y"].sum().items()},
            recent_price={str(k): float(v) for k, v in price.items()},
            items=items,
            min_history_days=config_min_history,
            warnings=warnings,
            previous_costs=previous_costs,
            sales=sales,
        )


def attach_flags(
    lines: Sequence[PlannedLine],
    *,
    context: FlagContext,
    unusual_factor: float,
    price_change: float,
    cost_change: float,
    chart_history_days: int,
) -> None:
    """Set flags and their reasons on each line, and keep the recent history for its chart."""
    histories = _histories(context.sales, days=chart_history_days)
    for ln in lines:
        ln.history_days = context.history_days.get(ln.unique_id, 0)
        ln.history = histories.get(ln.unique_id, pd.Series(dtype=float))
        _history_flags(ln, context=context, unusual_factor=unusual_factor)
        _money_flags(ln, context=context, price_change=price_change, cost_change=cost_change)
        notes = [*context.warnings.get(ln.sku, ()), *context.warnings.get(ln.unique_id, ())]
        if notes:
            ln.add_flag("data_warning")
            ln.reasons.append(f"Data warning: {'; '.join(notes[:3])}.")


def _history_flags(ln: PlannedLine, *, context: FlagContext, unusual_factor: float) -> None:
    status = str(context.items.loc[ln.sku, "status"]).lower()
    if status == ItemStatus.NEW or ln.history_days < context.min_history_days:
        ln.add_flag("new_item")
        ln.reasons.append(
            f"New item: {ln.history_days} days of sales history (fewer than {context.min_history_days}); "
            "a person should check the quantity."
        )
    if not ln.has_forecast:
        ln.add_flag("no_forecast")
        ln.reasons.append("No forecast for this item: nothing proposed; order by hand if needed.")
    recent = context.recent_daily.get(ln.unique_id, 0.0)
    if unusual_quantity(
        quantity=ln.quantity, moq=ln.moq, recent_daily=recent, span_days=ln.window_days, factor=unusual_factor
    ):
        ln.add_flag("unusual_quantity")
        ln.reasons.append(
            f"Unusual quantity: {ln.quantity:,} units is more than {unusual_factor:g} times the "
            f"{recent * ln.window_days:,.0f} units sold over {ln.window_days} days recently."
        )


def _money_flags(ln: PlannedLine, *, context: FlagContext, price_change: float, cost_change: float) -> None:
    catalog_price = float(cast(float, context.items.loc[ln.sku, "price"]))
    moved = relative_change(context.recent_price.get(ln.unique_id, float("nan")), catalog_price)
    if abs(moved) > price_change:
        ln.add_flag("price_change")
        ln.reasons.append(
            f"Price change: sold at {context.recent_price[ln.unique_id]:,.2f} off promotion over the last 14 days, "
            f"{moved:+.0%} against the catalog price {catalog_price:,.2f}."
        )
    previous = context.previous_costs.get((ln.supplier_id, ln.sku))
    cost_moved = relative_change(ln.unit_cost, previous)
    if previous is not None and abs(cost_moved) > cost_change:
        ln.add_flag("cost_change")
        ln.reasons.append(
            f"Cost change: unit cost {ln.unit_cost:,.2f} is {cost_moved:+.0%} against the last approved order "
            f"from {ln.supplier_id} ({previous:,.2f})."
        )


def _histories(sales: pd.DataFrame, *, days: int) -> dict[str, pd.Series]:
    """The last ``days`` of daily units per series, indexed by date."""
    recent = sales[sales["ds"] > sales["ds"].max() - pd.Timedelta(days=days)]
    return {str(uid): grp.set_index("ds")["y"] for uid, grp in recent.groupby("unique_id")}
