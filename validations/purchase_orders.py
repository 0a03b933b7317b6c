"""Validate purchase-order drafts and human edits of them with the ``purchase_orders`` suite.

The suite checks plain columns, so each rule is computed here once as a derived column of a flat frame (one row
per line, ``_row`` = the line number in ``purchase_order_lines.csv``, header = 1). A derived value is left empty
where another rule already reports the line, so one mistake gives one message:

==========================  =====================================================================
bad_numbers                 fields holding text (``"36"``) instead of a number, or required and missing
quantity_fraction           quantity minus its whole part (0 for whole units)
pack_remainder              whole, non-negative quantity modulo the CATALOG pack size (0 for whole packs)
moq_shortfall               units missing to the catalog minimum, for lines ordering anything
catalog_status              the SKU's catalog status (empty when the SKU is unknown)
cost_difference             |unit_cost - catalog unit_cost|
pack_size_difference        |pack_size - catalog| + |moq - catalog|
line_cost_error             |line_cost - quantity x unit_cost|
total_cost_error            |order total_cost - sum of its line costs| (empty when no total is given)
supplier_matches            the line is on the order of the SKU's catalog supplier (empty: unknown SKU)
supplier_budget_headroom    supplier budget - order total (empty when the supplier has no budget)
run_budget_headroom         run budget - total of all orders (empty when no run budget)
edit_ratio                  quantity / the machine's proposed quantity (empty when none was proposed)
==========================  =====================================================================

``sku`` + ``location`` must also be unique over the drafts (a line listed twice would be ordered twice).

``validate_purchase_orders`` returns a ``DraftValidation``: the suite result plus one ``DraftProblem`` per
mistake, worded for a buyer (PO, SKU, location, the field and its value, the rule and the fix), and
``failure_message()``, one paragraph of the critical ones. The approvals engineer re-validates an edited order
with the same entry point: ``validate_purchase_orders([edited_order], catalog=..., suppliers=...)``.

The result types and ``draft_problems`` live in ``validations.purchase_order_problems``, the wording of each
rule in ``validations.purchase_order_wording``; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd

from stockgate.domain.drafts import PurchaseOrder
from validations.outcomes import SuiteResult
from validations.purchase_order_problems import MESSAGE_LIMIT, DraftProblem, DraftValidation, draft_problems
from validations.purchase_order_wording import LINE_RULES, ORDER_RULES, Row, Wording

__all__ = [
    "LINE_COLUMNS",
    "LINE_RULES",
    "MESSAGE_LIMIT",
    "NUMBER_FIELDS",
    "ORDER_RULES",
    "REQUIRED_NUMBERS",
    "SUITE",
    "DraftProblem",
    "DraftValidation",
    "Row",
    "Wording",
    "draft_problems",
    "lines_frame",
    "purchase_order_frame",
    "validate_purchase_orders",
]

SUITE = "purchase_orders"
LINE_COLUMNS = ("sku", "location", "quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity")
NUMBER_FIELDS = ("quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity")
REQUIRED_NUMBERS = ("pack_size", "moq", "unit_cost", "line_cost")  # quantity has its own not-null rule


def _as_dict(order: PurchaseOrder | Mapping[str, Any]) -> Mapping[str, Any]:
    return order.to_json_dict() if isinstance(order, PurchaseOrder) else order


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_)


def _bad_numbers(order: Mapping[str, Any], line: Mapping[str, Any]) -> str | None:
    """``quantity is the text "36"; unit_cost is missing`` or None when every number is a number."""
    bad = []
    for name in NUMBER_FIELDS:
        value = line.get(name)
        if value is None:
            if name in REQUIRED_NUMBERS:
                bad.append(f"{name} is missing")
        elif not _is_number(value):
            bad.append(f'{name} is the text "{value}"' if isinstance(value, str) else f"{name} is {value!r}")
    total = order.get("total_cost")
    if total is not None and not _is_number(total):
        bad.append(f'total_cost is the text "{total}"' if isinstance(total, str) else f"total_cost is {total!r}")
    return "; ".join(bad) or None


def lines_frame(orders: Sequence[PurchaseOrder | Mapping[str, Any]]) -> pd.DataFrame:
    """One row per line with its order's ``po_id``, ``supplier``, ``currency`` and ``total_cost``.

    Raw values stay visible: 12.5 units stays 12.5, and text where a number belongs is named in ``bad_numbers``
    (the numeric columns read the text as a number so that the other rules still check it).
    """
    rows = []
    for order in map(_as_dict, orders):
        for line in order.get("lines", []):
            row = {k: order.get(k) for k in ("po_id", "supplier", "currency", "total_cost")}
            row.update({c: line.get(c) for c in LINE_COLUMNS})
            row["bad_numbers"] = _bad_numbers(order, line)
            rows.append(row)
    columns = ["po_id", "supplier", "currency", "total_cost", *LINE_COLUMNS, "bad_numbers"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("total_cost", "quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["bad_numbers"] = frame["bad_numbers"].astype(object).where(frame["bad_numbers"].notna(), None)
    frame.insert(0, "_row", np.arange(len(frame), dtype="int64") + 2)
    return frame


def purchase_order_frame(
    orders: Sequence[PurchaseOrder | Mapping[str, Any]],
    *,
    catalog: pd.DataFrame,
    suppliers: pd.DataFrame,
    run_budget: float | None = None,
    run_budget_currency: str | None = None,
) -> pd.DataFrame:
    """The flat lines, the catalog facts of each line (``catalog_*``) and the derived check columns. The run budget
    covers the orders in ``run_budget_currency`` (all orders when None); amounts in other currencies are not added."""
    frame = lines_frame(orders)
    cat = catalog.drop_duplicates("sku").set_index("sku").reindex(frame["sku"].astype(str))
    for name in ("pack_size", "moq", "unit_cost"):
        frame[f"catalog_{name}"] = pd.to_numeric(cat[name], errors="coerce").to_numpy(dtype=float)
    frame["catalog_supplier"] = cat["supplier_id"].to_numpy(dtype=object)
    qty, pack = frame["quantity"], frame["catalog_pack_size"]
    whole = np.isfinite(qty) & (qty == np.floor(qty))
    frame["quantity_fraction"] = (qty - np.floor(qty)).abs()
    countable = whole & (qty >= 0) & (pack > 0)
    frame["pack_remainder"] = np.where(countable, np.mod(qty, pack.where(pack > 0, 1.0)), np.nan)
    frame["moq_shortfall"] = np.where(qty > 0, np.maximum(frame["catalog_moq"] - qty, 0.0), 0.0)
    frame["catalog_status"] = cat["status"].astype("str").str.lower().where(cat["status"].notna()).to_numpy()
    frame["cost_difference"] = (frame["unit_cost"] - frame["catalog_unit_cost"]).abs()
    frame["pack_size_difference"] = (frame["pack_size"] - pack).abs() + (frame["moq"] - frame["catalog_moq"]).abs()
    frame["line_cost_error"] = (frame["line_cost"] - qty * frame["unit_cost"]).abs()
    frame["order_line_total"] = frame.groupby("po_id", dropna=False)["line_cost"].transform("sum")
    frame["total_cost_error"] = (frame["total_cost"] - frame["order_line_total"].round(2)).abs()
    matches = frame["supplier"].astype(str).to_numpy() == frame["catalog_supplier"].astype(str).to_numpy()
    frame["supplier_matches"] = pd.Series(matches, dtype=object).where(frame["catalog_supplier"].notna(), None)
    frame["supplier_budget"] = _supplier_budgets(frame, suppliers)
    frame["supplier_budget_headroom"] = frame["supplier_budget"] - frame["order_line_total"]
    covered = (
        frame["currency"].astype(str) == run_budget_currency
        if run_budget_currency
        else pd.Series(True, index=frame.index)
    )
    frame["run_total"] = float(frame["line_cost"].where(covered, 0.0).sum())
    frame["run_budget"] = np.where(covered, np.nan if run_budget is None else float(run_budget), np.nan)
    frame["run_budget_headroom"] = frame["run_budget"] - frame["run_total"]
    proposed = frame["proposed_quantity"].where(frame["proposed_quantity"] > 0)
    frame["edit_ratio"] = (qty / proposed).where(qty >= 0)
    return frame


def _supplier_budgets(frame: pd.DataFrame, suppliers: pd.DataFrame) -> pd.Series:
    """Each line's supplier budget; NaN when the supplier has none."""
    budgets = suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
    budget_col = budgets["budget"] if "budget" in budgets.columns else pd.Series(dtype=float)
    return pd.to_numeric(frame["supplier"].map(budget_col), errors="coerce").astype(float)


def validate_purchase_orders(
    orders: Sequence[PurchaseOrder | Mapping[str, Any]],
    *,
    catalog: pd.DataFrame,
    suppliers: pd.DataFrame,
    run_budget: float | None = None,
    run_budget_currency: str | None = None,
) -> DraftValidation:
    """Run the ``purchase_orders`` suite (real Great Expectations) on drafts or edited drafts.

    Failing rows are line numbers of ``purchase_order_lines.csv``; ``result.ok`` is False on any critical failure;
    ``result.problems`` and ``result.failure_message()`` say what is wrong in a buyer's words.
    """
    from validations.runner import run_suite

    frame = purchase_order_frame(
        orders, catalog=catalog, suppliers=suppliers, run_budget=run_budget, run_budget_currency=run_budget_currency
    )
    result = run_suite(SUITE, frame, row_id_column="_row")
    base = {f.name: getattr(result, f.name) for f in fields(SuiteResult)}
    return DraftValidation(**base, problems=draft_problems(result, frame))
