"""Apply a human edit to a draft and re-validate the result before the ledger accepts it.

Edit shapes (plain dicts, so every route can build them: CLI flags, Slack modals, Prefect forms):

- purchase order: ``{"quantities": {"SKU0001@S01": 24, ...}, "drop": ["SKU0002@S01"]}``; a quantity of 0 drops
  the line too. Line costs are recomputed; ``proposed_quantity`` keeps the machine's number.
- copy: ``{"text": "...", "subject": "...", "body": "..."}`` (only the keys given change); re-checked by quick
  checks and then the same ``copy`` Great Expectations suite as generated drafts (brand rules, facts, claims).

Purchase orders are checked twice: first by ``validate_po`` here (whole non-negative units, pack-size multiples,
MOQ, supplier budget; instant, with a suggested fix), then by the SAME Great Expectations suite the machine's
drafts pass (``validations/purchase_orders.py``), with the catalog facts taken from the draft's own lines.
"""

from __future__ import annotations

from typing import Any

from stockgate.domain.drafts import CopyDraft, POLine, PurchaseOrder
from stockgate.errors import InvalidEdit

_COPY_LIMITS = {"social": 280, "product_page": 2000, "email": 5000}


def line_key(line: POLine) -> str:
    """The ``sku@location`` key edits use for a line."""
    return f"{line.sku}@{line.location}"


def apply_po_edit(po: PurchaseOrder, edit: dict[str, Any], *, budget: float | None = None) -> PurchaseOrder:
    """The edited order, or InvalidEdit naming the line and the rule it breaks."""
    quantities = _parse_quantities(edit.get("quantities") or {})
    drop = {str(k) for k in edit.get("drop") or []} | {k for k, q in quantities.items() if q == 0}
    unknown = sorted((set(quantities) | drop) - {line_key(line) for line in po.lines})
    if unknown:
        known = ", ".join(line_key(line) for line in po.lines[:10])
        raise InvalidEdit(f"Order {po.po_id} has no line {', '.join(unknown)}.", hint=f"Lines are: {known}.")
    lines = [_edited_line(line, quantities.get(line_key(line))) for line in po.lines if line_key(line) not in drop]
    if not lines:
        raise InvalidEdit(f"The edit drops every line of order {po.po_id}.", hint="Reject the order instead.")
    edited = po.model_copy(update={"lines": lines})
    problems = validate_po(edited, budget=budget) or suite_problems(edited, reference=po, budget=budget)
    if problems:
        raise InvalidEdit(f"The edited order {po.po_id} is invalid: " + "; ".join(problems) + ".")
    return edited


def _parse_quantities(raw: dict[str, Any]) -> dict[str, int]:
    parsed: dict[str, int] = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidEdit(f"Quantity for {key} must be a whole number of units, got {value!r}.")
        try:
            number = float(value)
        except ValueError:
            raise InvalidEdit(f"Quantity for {key} must be a whole number of units, got {value!r}.") from None
        if number != int(number):
            raise InvalidEdit(f"Quantity for {key} must be a whole number of units, got {value!r}.")
        if number < 0:
            raise InvalidEdit(f"Quantity for {key} must not be negative, got {value!r}.")
        parsed[str(key)] = int(number)
    return parsed


def _edited_line(line: POLine, quantity: int | None) -> POLine:
    if quantity is None:
        return line
    return line.model_copy(
        update={
            "quantity": quantity,
            "line_cost": round(quantity * line.unit_cost, 2),
            "proposed_quantity": line.proposed_quantity if line.proposed_quantity is not None else line.quantity,
        }
    )


def validate_po(po: PurchaseOrder, *, budget: float | None = None) -> list[str]:
    """Plain-word problems of an order: pack multiples, MOQ, non-negative units, budget. Empty when valid."""
    problems = []
    for line in po.lines:
        key = line_key(line)
        if line.quantity < 0:
            problems.append(f"{key}: {line.quantity} units is negative")
        elif line.quantity % line.pack_size:
            low = line.quantity // line.pack_size * line.pack_size
            problems.append(
                f"{key}: {line.quantity} units is not a multiple of the pack size {line.pack_size} "
                f"(use {low or line.pack_size} or {low + line.pack_size})"
            )
        elif 0 < line.quantity < line.moq:
            problems.append(f"{key}: {line.quantity} units is below the minimum order quantity {line.moq}")
    if budget is not None and po.total_cost > budget + 0.005:
        problems.append(f"the total {po.total_cost:.2f} {po.currency} exceeds the budget {budget:.2f} {po.currency}")
    return problems


def suite_problems(order: PurchaseOrder, *, reference: PurchaseOrder, budget: float | None) -> list[str]:
    """Critical failures of the ``purchase_orders`` GX suite on ``order``, naming the lines.

    The catalog facts (pack size, MOQ, unit cost, supplier) come from ``reference``, the version being edited,
    which was built from the catalog; an edit changes only quantities.
    """
    import pandas as pd

    from validations.purchase_orders import validate_purchase_orders

    catalog = pd.DataFrame(
        [{"sku": line.sku, "supplier_id": reference.supplier, "unit_cost": line.unit_cost,
          "pack_size": line.pack_size, "moq": line.moq, "status": "active"} for line in reference.lines]
    )  # fmt: skip
    suppliers = pd.DataFrame([{"supplier_id": reference.supplier, "budget": budget}])
    result = validate_purchase_orders([order], catalog=catalog, suppliers=suppliers)
    keys = [line_key(line) for line in order.lines]
    problems = []
    for outcome in result.critical_failures:
        where = ", ".join(keys[row - 2] for row in outcome.failing_rows if 0 <= row - 2 < len(keys))
        problems.append(f"{outcome.description.rstrip('.')}" + (f" ({where})" if where else ""))
    return problems


def apply_copy_edit(draft: CopyDraft, edit: dict[str, Any]) -> CopyDraft:
    """The edited copy draft, or InvalidEdit when text is empty, too long or has unfilled placeholders."""
    unknown = sorted(set(edit) - {"text", "subject", "body"})
    if unknown:
        raise InvalidEdit(f"Copy edits may change text, subject or body, not {', '.join(unknown)}.")
    edited = draft.model_copy(update={k: (str(v).strip() if v is not None else None) for k, v in edit.items()})
    problems = validate_copy(edited) or copy_suite_problems(edited)
    if problems:
        raise InvalidEdit(f"The edited copy {draft.draft_id} is invalid: " + "; ".join(problems) + ".")
    return edited


def validate_copy(draft: CopyDraft) -> list[str]:
    """Problems of a copy draft's text fields. Empty when valid."""
    fields = ["subject", "body"] if draft.channel == "email" else ["text"]
    limit = _COPY_LIMITS[draft.channel]
    problems = []
    for name in fields:
        value = getattr(draft, name) or ""
        if not value.strip():
            problems.append(f"{name} is empty")
        elif len(value) > limit:
            problems.append(f"{name} has {len(value)} characters; {draft.channel} allows {limit}")
        elif "{{" in value or "}}" in value:
            problems.append(f"{name} still contains a template placeholder")
    return problems


def copy_suite_problems(draft: CopyDraft) -> list[str]:
    """Critical failures of the ``copy`` GX suite (brand rules, facts, claims) on an edited copy draft."""
    from stockgate.domain.copy.brand import load_brand
    from stockgate.settings import get_settings
    from validations.copy import validate_copy as run_copy_suite

    [checked] = run_copy_suite([draft.model_copy(update={"checks": [], "status": "ready"})],
                               brand=load_brand(get_settings().brand_file))  # fmt: skip
    return [f"{c.name}: {c.detail}".rstrip(": ") for c in checked.checks if c.severity == "critical" and not c.passed]


def edit_changes(before: PurchaseOrder | CopyDraft, after: PurchaseOrder | CopyDraft) -> dict[str, Any]:
    """What an edit changed, for the audit trail: ``{"lines": {"SKU@LOC": [old, new]}}`` or changed copy fields."""
    if isinstance(before, PurchaseOrder) and isinstance(after, PurchaseOrder):
        old = {line_key(line): line.quantity for line in before.lines}
        new = {line_key(line): line.quantity for line in after.lines}
        lines = {k: [old.get(k), new.get(k)] for k in sorted(old | new) if old.get(k) != new.get(k)}
        return {"lines": lines, "total": [before.total_cost, after.total_cost]}
    fields = ("text", "subject", "body")
    return {f: [getattr(before, f), getattr(after, f)] for f in fields if getattr(before, f) != getattr(after, f)}
