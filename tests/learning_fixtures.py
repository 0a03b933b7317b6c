"""A generated decision history in a real ledger where the right answer is known.

Two suppliers, weekly orders over ``weeks`` weeks, one 7-day window per order (orders tile the calendar).
The machine forecasts each SKU's base demand exactly but cannot see promotions (they lift true demand by 50 %;
only SUP02's SKUs have them).

- SUP01's lines are edited by alice, who always inflates by 20 % ("gut_feeling"): value added must be negative.
- SUP02's lines are edited by bob, who adds the promotions the data lacks ("promotion"): value added positive.

Each week the refresh is recorded through ``record_refresh`` (snapshot as of the day before the order, actuals
into earlier snapshots), exactly as the daily flow does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.services.decisions import decide, open_request
from stockgate.services.learning import record_refresh

WINDOW = 7
HORIZON = 14
SUPPLIERS = {"SUP01": ("alice", "carol", "inflate"), "SUP02": ("bob", "carol", "promo")}


@dataclass(frozen=True)
class History:
    """What was generated: the first order date, the last sales day, the sales, and how many orders were edited."""

    start: date
    end: date
    sales: pd.DataFrame
    edited_orders: int


def _truth(
    start: date, weeks: int, skus: dict[str, float], promoted: set[str], rng: np.random.Generator
) -> tuple[pd.DataFrame, set]:
    first = start - timedelta(days=28)
    days = pd.date_range(first, start + timedelta(days=weeks * WINDOW - 1), freq="D")
    promos = {(sku, w) for sku in sorted(promoted) for w in range(weeks) if rng.random() < 0.4}
    rows = []
    for sku, base in skus.items():
        for day in days:
            week = (day.date() - start).days // WINDOW
            lift = 1.5 if (sku, week) in promos else 1.0
            rows.append({"unique_id": f"S01/{sku}", "ds": day, "y": float(rng.poisson(base * lift))})
    return pd.DataFrame(rows), promos


def _forecast(skus: dict[str, float], as_of: date) -> pd.DataFrame:
    days = pd.date_range(as_of + timedelta(days=1), periods=HORIZON, freq="D")
    return pd.DataFrame(
        [
            {"unique_id": f"S01/{sku}", "ds": d, "forecast": base, "model": "lgbm"}
            for sku, base in skus.items()
            for d in days
        ]
    )


def _order(supplier: str, week: int, order_date: date, skus: dict[str, float]) -> PurchaseOrder:
    lines = []
    for sku, base in skus.items():
        qty = round(base * WINDOW)
        facts: dict[str, float | int | str | None] = {
            "window_days": WINDOW,
            "service_class": "AX" if base > 9 else "BY",
        }
        cost = round(qty * 2.5, 2)
        lines.append(POLine(sku=sku, location="S01", quantity=qty, pack_size=1, moq=1, unit_cost=2.5,
                            line_cost=cost, proposed_quantity=qty, confidence="high", facts=facts))  # fmt: skip
    return PurchaseOrder(po_id=f"PO-{supplier}-{week}", supplier=supplier, lines=lines, order_date=order_date,
                         delivery_date=order_date + timedelta(days=2), confidence="high")  # fmt: skip


def _decide_week(ledger: Ledger, policy: Policy, po: PurchaseOrder, *, effect: str, promos: set, week: int,
                 editor: str, approver: str, at: datetime) -> None:  # fmt: skip
    request = open_request(ledger, policy, draft=po, started_by="scheduler", now=at)
    if effect == "inflate":
        changes = {f"{ln.sku}@S01": round(ln.quantity * 1.2) for ln in po.lines}
        category, reason = "gut_feeling", "feels low"
    else:
        changes = {f"{ln.sku}@S01": round(ln.quantity * 1.5) for ln in po.lines if (ln.sku, week) in promos}
        category, reason = "promotion", "promotion next week"
    later = at + timedelta(hours=3)
    if changes:
        decide(ledger, policy, request_id=request.id, expected_version=1, actor=editor, action="edit", reason=reason,
               edit={"quantities": changes}, route="slack", reason_category=category, now=later)  # fmt: skip
        later += timedelta(hours=1)
    decide(ledger, policy, request_id=request.id, expected_version=ledger.get(request.id).version, actor=approver,
           action="approve", route="cli", now=later)  # fmt: skip


def seed_history(ledger: Ledger, policy: Policy, *, start: date, weeks: int = 6, seed: int = 11) -> History:
    """Generate and record the history; returns where it is. Orders are placed on ``start + 7 * week``."""
    rng = np.random.default_rng(seed)
    catalog = {"SUP01": {"SKU0001": 8.0, "SKU0002": 12.0}, "SUP02": {"SKU0003": 10.0, "SKU0004": 6.0}}
    every = {sku: base for skus in catalog.values() for sku, base in skus.items()}
    sales, promos = _truth(start, weeks, every, set(catalog["SUP02"]), rng)
    edited_orders = 0
    for week in range(weeks):
        order_date = start + timedelta(days=week * WINDOW)
        as_of = order_date - timedelta(days=1)
        record_refresh(ledger, forecasts=_forecast(every, as_of), history=sales[sales["ds"] <= pd.Timestamp(as_of)])
        at = datetime.combine(order_date, time(8), tzinfo=UTC)
        for supplier, (editor, approver, effect) in SUPPLIERS.items():
            po = _order(supplier, week, order_date, catalog[supplier])
            edited_orders += effect == "inflate" or any((ln.sku, week) in promos for ln in po.lines)
            _decide_week(ledger, policy, po, effect=effect, promos=promos, week=week, editor=editor,
                         approver=approver, at=at)  # fmt: skip
    end = start + timedelta(days=weeks * WINDOW - 1)
    record_refresh(ledger, forecasts=_forecast(every, end), history=sales)
    return History(start=start, end=end, sales=sales, edited_orders=edited_orders)
