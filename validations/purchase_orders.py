"""Validate purchase-order drafts and human edits of them with the ``purchase_orders`` suite.

The suite checks plain columns, so each rule is computed here once as a derived column of a flat frame (one row
per line, ``_row`` = the line number in ``purchase_order_lines.csv``, header = 1):

==========================  =====================================================================
quantity_fraction           quantity minus its whole part (0 for whole units)
pack_remainder              quantity modulo the CATALOG pack size (0 for whole packs)
moq_shortfall               units missing to the catalog minimum, for lines ordering anything
catalog_status              the SKU's catalog status (empty when the SKU is unknown)
cost_difference             |unit_cost - catalog unit_cost|
pack_size_difference        |pack_size - catalog| + |moq - catalog|
line_cost_error             |line_cost - quantity x unit_cost|
supplier_matches            the line is on the order of the SKU's catalog supplier
supplier_budget_headroom    supplier budget - order total (empty when the supplier has no budget)
run_budget_headroom         run budget - total of all orders (empty when no run budget)
edit_ratio                  quantity / the machine's proposed quantity (empty when none was proposed)
==========================  =====================================================================

The approvals engineer re-validates an edited order with the same entry point:
``validate_purchase_orders([edited_order], catalog=..., suppliers=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stockgate.domain.drafts import PurchaseOrder

if TYPE_CHECKING:
    from validations.runner import SuiteResult

SUITE = "purchase_orders"
LINE_COLUMNS = ("sku", "location", "quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity")


def _as_dict(order: PurchaseOrder | Mapping[str, Any]) -> Mapping[str, Any]:
    return order.model_dump(mode="json") if isinstance(order, PurchaseOrder) else order


def lines_frame(orders: Sequence[PurchaseOrder | Mapping[str, Any]]) -> pd.DataFrame:
    """One row per line with ``po_id`` and ``supplier``; raw values, so bad edits (12.5 units) stay visible."""
    rows = []
    for order in map(_as_dict, orders):
        for line in order.get("lines", []):
            row = {"po_id": order.get("po_id"), "supplier": order.get("supplier")}
            row.update({c: line.get(c) for c in LINE_COLUMNS})
            rows.append(row)
    frame = pd.DataFrame(rows, columns=["po_id", "supplier", *LINE_COLUMNS])
    for col in ("quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame.insert(0, "_row", np.arange(len(frame), dtype="int64") + 2)
    return frame


def purchase_order_frame(
    orders: Sequence[PurchaseOrder | Mapping[str, Any]],
    *,
    catalog: pd.DataFrame,
    suppliers: pd.DataFrame,
    run_budget: float | None = None,
) -> pd.DataFrame:
    """The flat lines plus the derived check columns the suite reads (see the module docstring)."""
    frame = lines_frame(orders)
    items = catalog.drop_duplicates("sku").set_index("sku")
    cat = items.reindex(frame["sku"].astype(str))
    qty = frame["quantity"]
    cat_pack = cat["pack_size"].to_numpy(dtype=float)
    frame["quantity_fraction"] = (qty - np.floor(qty)).abs()
    frame["pack_remainder"] = np.where(np.isnan(cat_pack), np.nan, np.mod(qty, np.where(cat_pack > 0, cat_pack, 1)))
    frame["moq_shortfall"] = np.where(qty > 0, np.maximum(cat["moq"].to_numpy(dtype=float) - qty, 0.0), 0.0)
    frame["catalog_status"] = cat["status"].astype("str").str.lower().to_numpy()
    frame["cost_difference"] = (frame["unit_cost"] - cat["unit_cost"].to_numpy(dtype=float)).abs()
    frame["pack_size_difference"] = (frame["pack_size"] - cat_pack).abs() + (
        frame["moq"] - cat["moq"].to_numpy(dtype=float)
    ).abs()
    frame["line_cost_error"] = (frame["line_cost"] - qty * frame["unit_cost"]).abs()
    frame["supplier_matches"] = frame["supplier"].astype(str).to_numpy() == cat["supplier_id"].astype(str).to_numpy()
    frame["supplier_budget_headroom"] = _supplier_headroom(frame, suppliers)
    total = float(frame["line_cost"].sum())
    frame["run_budget_headroom"] = np.nan if run_budget is None else run_budget - total
    proposed = frame["proposed_quantity"].where(frame["proposed_quantity"] > 0)
    frame["edit_ratio"] = qty / proposed
    return frame


def _supplier_headroom(frame: pd.DataFrame, suppliers: pd.DataFrame) -> pd.Series:
    """Budget minus the order total for each line's order; NaN when the supplier has no budget."""
    budgets = suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
    budget_col = budgets["budget"] if "budget" in budgets.columns else pd.Series(dtype=float)
    budget = pd.to_numeric(frame["supplier"].map(budget_col), errors="coerce")
    totals = frame.groupby("po_id")["line_cost"].transform("sum")
    return (budget - totals).astype(float)


def validate_purchase_orders(
    orders: Sequence[PurchaseOrder | Mapping[str, Any]],
    *,
    catalog: pd.DataFrame,
    suppliers: pd.DataFrame,
    run_budget: float | None = None,
) -> SuiteResult:
    """Run the ``purchase_orders`` suite (real Great Expectations) on drafts or edited drafts.

    Failing rows are line numbers of ``purchase_order_lines.csv``; ``result.ok`` is False on any critical failure.
    """
    from validations.runner import run_suite

    frame = purchase_order_frame(orders, catalog=catalog, suppliers=suppliers, run_budget=run_budget)
    return run_suite(SUITE, frame, row_id_column="_row")
