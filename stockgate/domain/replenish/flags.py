"""Risk flags from history and inputs, each with a plain-word reason (see ``reasons`` for the list of flags)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import pandas as pd

from stockgate.domain.contracts import ItemStatus
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.reasons import count, number, relative_change, unusual_quantity

RECENT_DAYS = 28  # the shortest look-back of the unusual-quantity flag (shorter spans are scaled from it)


@dataclass(frozen=True)
class FlagContext:
    """Per series and SKU facts the flags need: history length (days), daily sales and recent prices, warnings."""

    history_days: Mapping[str, int]
    daily_sold: Mapping[str, pd.Series]
    recent_price: Mapping[str, float]
    items: pd.DataFrame
    min_history_days: int
    warnings: Mapping[str, Sequence[str]]
    previous_costs: Mapping[tuple[str, str], float]
    sales: pd.DataFrame
    cutoff: pd.Timestamp

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
        """Summaries of the long sales frame up to ``cutoff``: days since first sale, units sold per day."""
        end = pd.Timestamp(cutoff)
        first = sales.groupby("unique_id")["ds"].min()
        upto = sales[sales["ds"] <= end]
        prices = sales[sales["ds"] > end - pd.Timedelta(days=14)]
        if "promo" in prices.columns:
            prices = prices[prices["promo"].fillna(0) == 0]  # promotions are planned price cuts, not changes
        price = prices.groupby("unique_id")["price"].mean().dropna() if "price" in sales.columns else pd.Series()
        return cls(
            history_days={str(k): int((end - v).days) + 1 for k, v in first.items()},
            daily_sold={str(k): grp.groupby("ds")["y"].sum() for k, grp in upto.groupby("unique_id")},
            recent_price={str(k): float(v) for k, v in price.items()},
            items=items,
            min_history_days=config_min_history,
            warnings=warnings,
            previous_costs=previous_costs,
            sales=sales,
            cutoff=end,
        )

    def sold_before(self, unique_id: str, *, days: int) -> tuple[float, int]:
        """Units sold in the last ``days`` days up to the cutoff, and the days that covers (fewer if history is)."""
        span = max(1, min(days, self.history_days.get(unique_id, 0)))
        sold = self.daily_sold.get(unique_id, pd.Series(dtype=float))
        return float(sold[sold.index > self.cutoff - pd.Timedelta(days=span)].sum()), span


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
            ln.reasons.append(f"Data warning: {'; '.join(n.rstrip('.') for n in notes[:3])}.")


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
    _unusual_flag(ln, context=context, factor=unusual_factor)


def _unusual_flag(ln: PlannedLine, *, context: FlagContext, factor: float) -> None:
    """Compare the proposed quantity with what sold over the same span, from at least the last 28 days."""
    span = ln.window_days
    sold, days = context.sold_before(ln.unique_id, days=max(span, RECENT_DAYS))
    usual = sold * span / days
    if not unusual_quantity(quantity=ln.quantity, moq=ln.moq, usual=usual, factor=factor):
        return
    ln.add_flag("unusual_quantity")
    recently = f"{count(sold, 'unit')} sold in the last {count(days, 'day')}"
    if days == span:
        basis = f"the {recently}"
    else:
        basis = f"the usual sales over {count(span, 'day')} (about {number(usual)}: {recently})"
    ln.reasons.append(
        f"Unusual quantity: the proposed {count(ln.quantity, 'unit')} are more than {factor:g} times {basis}."
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
