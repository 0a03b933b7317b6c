"""Supplier terms, order dates, and grouping planned lines into one purchase-order draft per supplier.

Order date: the supplier's first order day on or after the first planning day (the day after the stock
snapshot). Delivery date: order date + the mean lead time, rounded to whole days. The next order after this one
is the first order day at least ``review_period_days`` later; the protection window runs until it arrives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from stockgate.domain.contracts import parse_order_days
from stockgate.domain.drafts import Confidence, POLine, PurchaseOrder
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.rounding import RoundingStep
from stockgate.domain.replenish.wording import count
from stockgate.errors import PlanningError

_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class SupplierTerms:
    """One supplier's terms: lead time (days), review period (days), order weekdays (Mon=0), budget, currency."""

    supplier_id: str
    name: str
    lead_time_mean_days: float
    lead_time_std_days: float
    review_period_days: int
    order_days: tuple[int, ...]
    budget: float | None
    currency: str
    approver_group: str | None = None

    @property
    def lead_time_days(self) -> int:
        """Mean lead time rounded to whole days."""
        return max(round(self.lead_time_mean_days), 0)

    def next_order_date(self, on_or_after: date) -> date:
        """The first order day on or after ``on_or_after``."""
        return next(d for d in (on_or_after + timedelta(days=i) for i in range(7)) if d.weekday() in self.order_days)

    def review_days(self, order_date: date) -> int:
        """Days from ``order_date`` to the next order: the first order day at least the review period later."""
        following = self.next_order_date(order_date + timedelta(days=max(self.review_period_days, 1)))
        return (following - order_date).days

    def review_schedule(self, order_date: date) -> tuple[tuple[int, ...], int]:
        """Days after ``order_date`` of the orders of one repeating period (starting with 0), and the period (days):
        the order days actually used, given the review period, until the weekday repeats. When the sequence never
        comes back to this weekday (Mon/Wed/Fri with a 3-day review from a Wednesday: Mon, Fri, Mon...), the
        order is treated as repeating every ``review_days(order_date)``."""
        offsets, day, seen = [0], order_date, {order_date.weekday()}
        for _ in range(7):
            day += timedelta(days=self.review_days(day))
            gap = (day - order_date).days
            if day.weekday() == order_date.weekday():
                return tuple(offsets), gap
            if day.weekday() in seen:
                break
            seen.add(day.weekday())
            offsets.append(gap)
        return (0,), self.review_days(order_date)


def _number(value: object, default: float | None) -> float | None:
    """A float from a cell, ``default`` for empty or missing values."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if math.isnan(out) else out


def supplier_terms(suppliers: pd.DataFrame, *, default_currency: str) -> dict[str, SupplierTerms]:
    """Terms by supplier id from the suppliers input; PlanningError naming the row for bad order days."""
    terms: dict[str, SupplierTerms] = {}
    for row in suppliers.to_dict(orient="records"):
        try:
            days = parse_order_days(str(row["order_days"]))
        except ValueError as exc:
            raise PlanningError(
                f"suppliers row {row.get('_row', '?')}, column 'order_days': {exc}.", hint="Fix the file and rerun."
            ) from None
        currency = row.get("currency")
        terms[str(row["supplier_id"])] = SupplierTerms(
            supplier_id=str(row["supplier_id"]),
            name=str(row.get("name") or row["supplier_id"]),
            lead_time_mean_days=float(row["lead_time_mean_days"]),
            lead_time_std_days=_number(row.get("lead_time_std_days"), 0.0) or 0.0,
            review_period_days=int(row["review_period_days"]),
            order_days=days,
            budget=_number(row.get("budget"), None),
            currency=str(currency) if isinstance(currency, str) and currency else default_currency,
            approver_group=str(row["approver_group"]) if row.get("approver_group") else None,
        )
    return terms


def lowest_confidence(grades: Iterable[Confidence]) -> Confidence:
    """The lowest grade of the lines ('high' when there are none)."""
    return min(grades, key=lambda g: _RANK[g], default="high")


NEEDS_A_PERSON = frozenset({"new_item", "no_forecast", "unusual_quantity"})
"""Line flags that make the whole order's confidence low (a person must look at the line)."""


def order_confidence(lines: Sequence[POLine]) -> Confidence:
    """The grade that at least half of the order's value reaches (the value-weighted median of the lines to buy),
    but ``low`` when any line to buy needs a person's check (``new_item``, ``no_forecast``, ``unusual_quantity``:
    such an order must never pass a ``min_confidence`` auto-approval rule); the lowest line grade when nothing is
    bought. A line merely forecast with less confidence does not mark a whole order low: its own grade says so."""
    bought = sorted((ln for ln in lines if ln.quantity > 0), key=lambda ln: _RANK[ln.confidence])
    if any(NEEDS_A_PERSON.intersection(ln.flags) for ln in bought):
        return "low"
    total = sum(ln.line_cost for ln in bought)
    if total <= 0:
        return lowest_confidence(ln.confidence for ln in lines)
    below = 0.0
    for line in bought:
        below += line.line_cost
        if below >= total / 2:
            return line.confidence
    return bought[-1].confidence


def build_order(
    *, terms: SupplierTerms, lines: Sequence[PlannedLine], po_lines: Sequence[POLine], warnings: Sequence[str]
) -> PurchaseOrder:
    """One purchase-order draft for one supplier, with a one-sentence summary of the risk of not ordering."""
    first = lines[0]
    flags = sorted({f for ln in lines for f in ln.flags})
    ordered = sum(1 for ln in lines if ln.quantity > 0)
    summary = f"{ordered} of {len(lines)} lines to order, delivery {first.delivery_date:%a %d %b}."
    cut = [ln for ln in lines if "budget_cut" in ln.flags]
    if ordered == 0 and cut:
        scopes = sorted(
            {s.scope for ln in cut for s in ln.rounding_steps if isinstance(s, RoundingStep) and s.kind == "budget_cut"}
        )
        where = " and ".join(f"the {s} budget ({'planning file' if s == 'run' else 'suppliers file'})" for s in scopes)
        summary = (
            f"Nothing to order: {where or 'the budget'} cut all {count(len(cut), 'line')} it touched to zero; "
            "raise it to order."
        )
    at_risk = sorted(
        (str(p.facts["stockout_date"]), p.name or p.sku, p.location) for p in po_lines if p.facts.get("stockout_date")
    )
    if at_risk:
        day, name, location = at_risk[0]
        summary += (
            f" If nothing is ordered, {len(at_risk)} of them run out in the coming weeks, the first "
            f"({name} at {location}) around {date.fromisoformat(day):%a %d %b}."
        )
    return PurchaseOrder(
        po_id=f"PO-{terms.supplier_id}-{first.order_date:%Y%m%d}",
        supplier=terms.supplier_id,
        supplier_name=terms.name,
        currency=terms.currency,
        order_date=first.order_date,
        delivery_date=first.delivery_date,
        approver_group=terms.approver_group,
        lines=list(po_lines),
        confidence=order_confidence(po_lines),
        flags=flags,
        warnings=list(warnings),
        summary=summary,
    )


def group_by_supplier(lines: Iterable[PlannedLine]) -> Mapping[str, list[PlannedLine]]:
    """Lines per supplier id, suppliers and lines in a stable order (location, then SKU)."""
    groups: dict[str, list[PlannedLine]] = {}
    for line in sorted(lines, key=lambda ln: (ln.supplier_id, ln.location, ln.sku)):
        groups.setdefault(line.supplier_id, []).append(line)
    return groups
