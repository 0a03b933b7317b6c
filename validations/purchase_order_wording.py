"""Buyer wording of each ``purchase_orders`` rule: what is wrong on a line or an order and how to fix it.

A wording reads one row of the frame built by ``validations.purchase_orders`` and returns ``(field, value, text)``;
``LINE_RULES`` maps a line rule (expectation kind, column) to its wording, ``ORDER_RULES`` an order rule's column.
``validations.purchase_order_problems`` turns them into ``DraftProblem`` sentences.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from validations.outcomes import ExpectationOutcome

Row = pd.Series
Wording = Callable[[Row], tuple[str, Any, str]]  # -> (field, value, what is wrong and how to fix it)


def duplicate(group: pd.DataFrame) -> tuple[str, Any, str]:
    """One SKU and location listed more than once (``group``: its lines, on one order or several)."""
    orders = list(dict.fromkeys(shown(p) for p in group["po_id"]))
    where = "this order" if len(orders) == 1 else "orders " + " and ".join(orders)
    quantities = ", ".join(_qty(q) for q in group["quantity"])
    return (
        "sku",
        shown(group["sku"].iloc[0]),
        f"this item and location are listed {len(group)} times on {where} (quantities {quantities}), so they "
        "would be ordered more than once; keep one line with the quantity you want and delete the others.",
    )


def shown(value: Any) -> str:
    """A value as text for a buyer; ``?`` when it is missing."""
    return "?" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _qty(value: Any) -> str:
    """40.0 -> ``40``; 36.5 -> ``36.5``; NaN -> ``?``."""
    if value is None or not math.isfinite(float(value)):
        return "?"
    return f"{float(value):g}" if float(value) != int(value) else str(int(value))


def money(value: Any, row: Row) -> str:
    """``1,234.50 EUR`` in the row's currency; ``?`` when the amount is missing."""
    currency = shown(row["currency"]) if row.get("currency") is not None else ""
    return f"{float(value):,.2f} {currency}".strip() if value is not None and math.isfinite(float(value)) else "?"


def _packs(row: Row) -> tuple[int, int]:
    """The catalog pack size and the smallest whole-pack quantity that meets the catalog minimum."""
    pack = int(row["catalog_pack_size"]) if row["catalog_pack_size"] > 0 else 1
    moq = float(row["catalog_moq"]) if math.isfinite(row["catalog_moq"]) else 0.0
    return pack, pack * max(1, math.ceil(moq / pack))


def _choices(row: Row) -> str:
    """``36 or 48 units`` (whole packs around the quantity, none below the minimum; 0 orders nothing)."""
    pack, smallest = _packs(row)
    qty = float(row["quantity"])
    below = math.floor(qty / pack) * pack
    above = max(below + pack, smallest)
    options = [below] if below >= smallest else [0] if below <= 0 else []
    return " or ".join(str(int(q)) for q in [*options, above]) + " units"


def _bad_numbers_text(row: Row) -> tuple[str, Any, str]:
    return (
        str(row["bad_numbers"]).split(" is ", 1)[0],
        row["bad_numbers"],
        f"{row['bad_numbers']}; every quantity, pack size, minimum and cost must be a plain number "
        '(write 36, not "36").',
    )


def _negative(row: Row) -> tuple[str, Any, str]:
    pack, _ = _packs(row) if math.isfinite(row["catalog_pack_size"]) else (1, 1)
    return (
        "quantity",
        row["quantity"],
        f"quantity is {_qty(row['quantity'])} units, below zero; enter 0 to order nothing, or a positive "
        f"number of whole packs of {pack}.",
    )


def _fraction(row: Row) -> tuple[str, Any, str]:
    hint = f"whole packs: {_choices(row)}" if math.isfinite(row["catalog_pack_size"]) else "a whole number of units"
    return ("quantity", row["quantity"], f"quantity is {_qty(row['quantity'])} units, not whole units; order {hint}.")


def _not_packs(row: Row) -> tuple[str, Any, str]:
    pack, _ = _packs(row)
    return (
        "quantity",
        row["quantity"],
        f"quantity is {_qty(row['quantity'])} units, not a whole number of packs of {pack} (the supplier ships "
        f"whole packs); change it to {_choices(row)}.",
    )


def _below_moq(row: Row) -> tuple[str, Any, str]:
    _, smallest = _packs(row)
    return (
        "quantity",
        row["quantity"],
        f"quantity is {_qty(row['quantity'])} units, below the supplier's minimum order of "
        f"{_qty(row['catalog_moq'])} units for this item; order at least {smallest} units, or 0 to skip the line.",
    )


def _unknown_sku(row: Row) -> tuple[str, Any, str]:
    return ("sku", row["sku"], f"SKU {shown(row['sku'])} is not in the catalog; correct the SKU or delete the line.")


def _discontinued(row: Row) -> tuple[str, Any, str]:
    return (
        "sku",
        row["sku"],
        f"SKU {shown(row['sku'])} is discontinued in the catalog and can no longer be ordered; delete the line.",
    )


def _cost(row: Row) -> tuple[str, Any, str]:
    return (
        "unit_cost",
        row["unit_cost"],
        f"unit_cost is {money(row['unit_cost'], row)} but the catalog unit cost is "
        f"{money(row['catalog_unit_cost'], row)}; use the catalog cost (or correct the catalog first).",
    )


def _pack_terms(row: Row) -> tuple[str, Any, str]:
    wrong = [
        f"{name} {_qty(row[name])} (catalog: {_qty(row[f'catalog_{name}'])})"
        for name in ("pack_size", "moq")
        if row[name] != row[f"catalog_{name}"]
    ]
    return (
        "pack_size" if "pack_size" in wrong[0] else "moq",
        row["pack_size"] if "pack_size" in wrong[0] else row["moq"],
        f"{' and '.join(wrong)} differ from the catalog; use the catalog's pack size and minimum order.",
    )


def _line_cost(row: Row) -> tuple[str, Any, str]:
    expected = round(float(row["quantity"]) * float(row["unit_cost"]), 2)
    return (
        "line_cost",
        row["line_cost"],
        f"line_cost is {money(row['line_cost'], row)} but quantity {_qty(row['quantity'])} x unit_cost "
        f"{money(row['unit_cost'], row)} is {money(expected, row)}; set line_cost to {expected:.2f}.",
    )


def _wrong_supplier(row: Row) -> tuple[str, Any, str]:
    return (
        "supplier",
        row["supplier"],
        f"SKU {shown(row['sku'])} is supplied by {shown(row['catalog_supplier'])}, not by this order's supplier "
        f"{shown(row['supplier'])}; move the line to the {shown(row['catalog_supplier'])} order.",
    )


def _edit_ratio(row: Row) -> tuple[str, Any, str]:
    return (
        "quantity",
        row["quantity"],
        f"quantity is {_qty(row['quantity'])} units, more than three times the {_qty(row['proposed_quantity'])} "
        "units proposed; check the number is intended (this does not block approval).",
    )


def _total(row: Row) -> tuple[str, Any, str]:
    lines = round(float(row["order_line_total"]), 2)
    return (
        "total_cost",
        row["total_cost"],
        f"total_cost is {money(row['total_cost'], row)} but its lines add up to {money(lines, row)}; "
        f"set total_cost to {lines:.2f} (or correct the line costs).",
    )


def _supplier_budget(row: Row) -> tuple[str, Any, str]:
    over = float(row["order_line_total"]) - float(row["supplier_budget"])
    return (
        "total_cost",
        round(float(row["order_line_total"]), 2),
        f"the order totals {money(row['order_line_total'], row)}, {money(over, row)} over the budget of "
        f"{money(row['supplier_budget'], row)} for supplier {shown(row['supplier'])}; reduce quantities or raise "
        "the supplier's budget.",
    )


def generic(outcome: ExpectationOutcome) -> Wording:
    """The fallback wording for a rule without its own: the rule's description and the column's value."""
    column = str(outcome.column)

    def said(row: Row) -> tuple[str, Any, str]:
        value = row.get(column)
        return (column, value, f"{outcome.description.rstrip('.')} ({column} is {shown(value)}).")

    return said


LINE_RULES: dict[tuple[str, str], Wording] = {
    ("column_values_to_be_null", "bad_numbers"): _bad_numbers_text,
    ("column_values_to_not_be_null", "quantity"): lambda row: (
        "quantity",
        None,
        "quantity is missing; enter the units to order (0 to order nothing).",
    ),
    ("column_values_to_be_between", "quantity"): _negative,
    ("column_values_to_be_between", "quantity_fraction"): _fraction,
    ("column_values_to_be_between", "pack_remainder"): _not_packs,
    ("column_values_to_be_between", "moq_shortfall"): _below_moq,
    ("column_values_to_not_be_null", "catalog_status"): _unknown_sku,
    ("column_values_to_not_be_in_set", "catalog_status"): _discontinued,
    ("column_values_to_be_between", "cost_difference"): _cost,
    ("column_values_to_be_between", "pack_size_difference"): _pack_terms,
    ("column_values_to_be_between", "line_cost_error"): _line_cost,
    ("column_values_to_be_in_set", "supplier_matches"): _wrong_supplier,
    ("column_values_to_be_between", "edit_ratio"): _edit_ratio,
}
ORDER_RULES: dict[str, Wording] = {"total_cost_error": _total, "supplier_budget_headroom": _supplier_budget}
