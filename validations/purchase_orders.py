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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from typing import Any

import numpy as np
import pandas as pd

from stockgate.domain.drafts import PurchaseOrder
from validations.outcomes import ExpectationOutcome, Severity, SuiteResult

SUITE = "purchase_orders"
LINE_COLUMNS = ("sku", "location", "quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity")
NUMBER_FIELDS = ("quantity", "pack_size", "moq", "unit_cost", "line_cost", "proposed_quantity")
REQUIRED_NUMBERS = ("pack_size", "moq", "unit_cost", "line_cost")  # quantity has its own not-null rule
MESSAGE_LIMIT = 10


@dataclass(frozen=True)
class DraftProblem:
    """One mistake on the drafts, worded for a buyer.

    ``po_id``/``sku``/``location`` say where (``sku`` and ``location`` are None for an order-level rule such as
    the total or the supplier budget, ``po_id`` too for the run budget); ``field`` and ``value`` what is wrong;
    ``message`` the whole sentence, naming the rule and the fix; ``rows`` the line numbers in
    ``purchase_order_lines.csv``.
    """

    severity: Severity
    po_id: str | None
    sku: str | None
    location: str | None
    field: str
    value: Any
    message: str
    rows: list[int] = dataclass_field(default_factory=list)


@dataclass(frozen=True)
class DraftValidation(SuiteResult):
    """The ``purchase_orders`` suite result plus its failures as buyer-readable problems (critical first)."""

    problems: list[DraftProblem] = dataclass_field(default_factory=list)

    @property
    def critical_problems(self) -> list[DraftProblem]:
        """Problems that block approval."""
        return [p for p in self.problems if p.severity == "critical"]

    @property
    def warning_problems(self) -> list[DraftProblem]:
        """Problems worth a second look that do not block approval."""
        return [p for p in self.problems if p.severity == "warning"]

    def failure_message(self, *, limit: int = MESSAGE_LIMIT) -> str:
        """One paragraph naming every critical problem (the first ``limit``), or "" when nothing blocks approval."""
        problems = self.critical_problems
        if not problems:
            return ""
        count = len(problems)
        head = (
            f"The purchase-order drafts cannot go for approval until {count} problem"
            f"{' is' if count == 1 else 's are'} fixed:"
        )
        more = f" ...and {count - limit} more (the full list is in the validation result)." if count > limit else ""
        return " ".join([head, *(p.message for p in problems[:limit])]) + more


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


# --- wording -------------------------------------------------------------------------------------------------

Row = pd.Series
Wording = Callable[[Row], tuple[str, Any, str]]  # -> (field, value, what is wrong and how to fix it)


def draft_problems(result: SuiteResult, frame: pd.DataFrame) -> list[DraftProblem]:
    """One problem per mistake: per line for line rules, per order for order rules, once for the run budget.

    Critical problems come first; a second failure of the same field on the same line is left out (the first
    rule that fails says it: a negative 12.5 units is reported as negative, not also as a fraction).
    """
    by_row = frame.set_index("_row", drop=False)
    problems: list[DraftProblem] = []
    seen: set[tuple[Any, ...]] = set()
    for outcome in sorted(result.outcomes, key=lambda o: o.severity != "critical"):
        if outcome.passed:
            continue
        for problem in _outcome_problems(outcome, by_row):
            key = (tuple(problem.rows), problem.field)
            if problem.sku is not None and key in seen:
                continue
            seen.add(key)
            problems.append(problem)
    return problems


def _outcome_problems(outcome: ExpectationOutcome, by_row: pd.DataFrame) -> list[DraftProblem]:
    rows = [r for r in outcome.failing_rows if r in by_row.index]
    if outcome.error or not rows:
        why = outcome.description.rstrip(".")
        text = f"could not be checked ({outcome.error})" if outcome.error else "failed"
        return [DraftProblem(outcome.severity, None, None, None, str(outcome.column), None, f"{why}: {text}.")]
    lines = by_row.loc[rows]
    kind, column = outcome.expectation.removeprefix("expect_"), str(outcome.column)
    if kind == "compound_columns_to_be_unique":
        same_line = lines.groupby([lines["sku"].astype(str), lines["location"].astype(str)], sort=False)
        return [_line_problem(outcome, group, _duplicate(group)) for _, group in same_line]
    if column in ORDER_RULES:
        same_order = lines.groupby(lines["po_id"].astype(str), sort=False)
        return [_order_problem(outcome, group, ORDER_RULES[column](group.iloc[0])) for _, group in same_order]
    if column == "run_budget_headroom":
        return [_run_problem(outcome, lines)]
    wording = LINE_RULES.get((kind, column), _generic(outcome))
    return [_line_problem(outcome, by_row.loc[[r]], wording(by_row.loc[[r]].iloc[0])) for r in rows]


def _line_problem(outcome: ExpectationOutcome, lines: pd.DataFrame, said: tuple[str, Any, str]) -> DraftProblem:
    """``PO-1, SKU A at S01: <said>`` for the line(s) of one SKU at one location."""
    first = lines.iloc[0]
    po_id, sku, location = _text(first["po_id"]), _text(first["sku"]), _text(first["location"])
    field_name, value, text = said
    rows = [int(r) for r in lines["_row"]]
    message = f"{po_id}, SKU {sku} at {location}: {text}"
    return DraftProblem(outcome.severity, po_id, sku, location, field_name, value, message, rows)


def _order_problem(outcome: ExpectationOutcome, lines: pd.DataFrame, said: tuple[str, Any, str]) -> DraftProblem:
    """``PO-1 (whole order, 3 lines): <said>``."""
    po_id = _text(lines["po_id"].iloc[0])
    field_name, value, text = said
    rows = [int(r) for r in lines["_row"]]
    message = f"{po_id} (whole order, {len(rows)} line{'s' if len(rows) != 1 else ''}): {text}"
    return DraftProblem(outcome.severity, po_id, None, None, field_name, value, message, rows)


def _run_problem(outcome: ExpectationOutcome, lines: pd.DataFrame) -> DraftProblem:
    """All orders together over the run budget: names every order."""
    row = lines.iloc[0]
    orders = list(dict.fromkeys(_text(p) for p in lines["po_id"]))
    over = float(row["run_total"]) - float(row["run_budget"])
    message = (
        f"Orders {', '.join(orders)} together total {_money(row['run_total'], row)}, {_money(over, row)} over the "
        f"run budget of {_money(row['run_budget'], row)}; reduce quantities or raise the run budget."
    )
    rows = [int(r) for r in lines["_row"]]
    return DraftProblem(
        outcome.severity, None, None, None, "total_cost", round(float(row["run_total"]), 2), message, rows
    )


def _duplicate(group: pd.DataFrame) -> tuple[str, Any, str]:
    orders = list(dict.fromkeys(_text(p) for p in group["po_id"]))
    where = "this order" if len(orders) == 1 else "orders " + " and ".join(orders)
    quantities = ", ".join(_qty(q) for q in group["quantity"])
    return (
        "sku",
        _text(group["sku"].iloc[0]),
        f"this item and location are listed {len(group)} times on {where} (quantities {quantities}), so they "
        "would be ordered more than once; keep one line with the quantity you want and delete the others.",
    )


def _text(value: Any) -> str:
    return "?" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _qty(value: Any) -> str:
    """40.0 -> ``40``; 36.5 -> ``36.5``; NaN -> ``?``."""
    if value is None or not math.isfinite(float(value)):
        return "?"
    return f"{float(value):g}" if float(value) != int(value) else str(int(value))


def _money(value: Any, row: Row) -> str:
    currency = _text(row["currency"]) if row.get("currency") is not None else ""
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
    return ("sku", row["sku"], f"SKU {_text(row['sku'])} is not in the catalog; correct the SKU or delete the line.")


def _discontinued(row: Row) -> tuple[str, Any, str]:
    return (
        "sku",
        row["sku"],
        f"SKU {_text(row['sku'])} is discontinued in the catalog and can no longer be ordered; delete the line.",
    )


def _cost(row: Row) -> tuple[str, Any, str]:
    return (
        "unit_cost",
        row["unit_cost"],
        f"unit_cost is {_money(row['unit_cost'], row)} but the catalog unit cost is "
        f"{_money(row['catalog_unit_cost'], row)}; use the catalog cost (or correct the catalog first).",
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
        f"line_cost is {_money(row['line_cost'], row)} but quantity {_qty(row['quantity'])} x unit_cost "
        f"{_money(row['unit_cost'], row)} is {_money(expected, row)}; set line_cost to {expected:.2f}.",
    )


def _wrong_supplier(row: Row) -> tuple[str, Any, str]:
    return (
        "supplier",
        row["supplier"],
        f"SKU {_text(row['sku'])} is supplied by {_text(row['catalog_supplier'])}, not by this order's supplier "
        f"{_text(row['supplier'])}; move the line to the {_text(row['catalog_supplier'])} order.",
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
        f"total_cost is {_money(row['total_cost'], row)} but its lines add up to {_money(lines, row)}; "
        f"set total_cost to {lines:.2f} (or correct the line costs).",
    )


def _supplier_budget(row: Row) -> tuple[str, Any, str]:
    over = float(row["order_line_total"]) - float(row["supplier_budget"])
    return (
        "total_cost",
        round(float(row["order_line_total"]), 2),
        f"the order totals {_money(row['order_line_total'], row)}, {_money(over, row)} over the budget of "
        f"{_money(row['supplier_budget'], row)} for supplier {_text(row['supplier'])}; reduce quantities or raise "
        "the supplier's budget.",
    )


def _generic(outcome: ExpectationOutcome) -> Wording:
    column = str(outcome.column)

    def said(row: Row) -> tuple[str, Any, str]:
        value = row.get(column)
        return (column, value, f"{outcome.description.rstrip('.')} ({column} is {_text(value)}).")

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
