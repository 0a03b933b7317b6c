"""The ``purchase_orders`` suite's failures as problems worded for a buyer, and the result that carries them.

``DraftValidation`` is the suite result plus one ``DraftProblem`` per mistake (PO, SKU, location, the field and its
value, the rule and the fix) and ``failure_message()``, one paragraph of the critical ones. ``draft_problems``
builds the problems from the suite result and the frame of ``validations.purchase_orders``; the wording of each
rule is in ``validations.purchase_order_wording``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import pandas as pd

from validations.outcomes import ExpectationOutcome, Severity, SuiteResult
from validations.purchase_order_wording import LINE_RULES, ORDER_RULES, duplicate, generic, money, shown

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
        return [_line_problem(outcome, group, duplicate(group)) for _, group in same_line]
    if column in ORDER_RULES:
        same_order = lines.groupby(lines["po_id"].astype(str), sort=False)
        return [_order_problem(outcome, group, ORDER_RULES[column](group.iloc[0])) for _, group in same_order]
    if column == "run_budget_headroom":
        return [_run_problem(outcome, lines)]
    wording = LINE_RULES.get((kind, column), generic(outcome))
    return [_line_problem(outcome, by_row.loc[[r]], wording(by_row.loc[[r]].iloc[0])) for r in rows]


def _line_problem(outcome: ExpectationOutcome, lines: pd.DataFrame, said: tuple[str, Any, str]) -> DraftProblem:
    """``PO-1, SKU A at S01: <said>`` for the line(s) of one SKU at one location."""
    first = lines.iloc[0]
    po_id, sku, location = shown(first["po_id"]), shown(first["sku"]), shown(first["location"])
    field_name, value, text = said
    rows = [int(r) for r in lines["_row"]]
    message = f"{po_id}, SKU {sku} at {location}: {text}"
    return DraftProblem(outcome.severity, po_id, sku, location, field_name, value, message, rows)


def _order_problem(outcome: ExpectationOutcome, lines: pd.DataFrame, said: tuple[str, Any, str]) -> DraftProblem:
    """``PO-1 (whole order, 3 lines): <said>``."""
    po_id = shown(lines["po_id"].iloc[0])
    field_name, value, text = said
    rows = [int(r) for r in lines["_row"]]
    message = f"{po_id} (whole order, {len(rows)} line{'s' if len(rows) != 1 else ''}): {text}"
    return DraftProblem(outcome.severity, po_id, None, None, field_name, value, message, rows)


def _run_problem(outcome: ExpectationOutcome, lines: pd.DataFrame) -> DraftProblem:
    """All orders together over the run budget: names every order."""
    row = lines.iloc[0]
    orders = list(dict.fromkeys(shown(p) for p in lines["po_id"]))
    over = float(row["run_total"]) - float(row["run_budget"])
    message = (
        f"Orders {', '.join(orders)} together total {money(row['run_total'], row)}, {money(over, row)} over the "
        f"run budget of {money(row['run_budget'], row)}; reduce quantities or raise the run budget."
    )
    rows = [int(r) for r in lines["_row"]]
    return DraftProblem(
        outcome.severity, None, None, None, "total_cost", round(float(row["run_total"]), 2), message, rows
    )
