"""Reading modal submissions: pure functions from Slack's ``view.state.values`` to an edit, or field errors.

Errors are keyed by ``block_id`` so Slack shows each message next to its field and keeps the modal open.
Quantities are checked against the ledger's lines (pack size, minimum order quantity) before anything is sent
to the decision path, which re-validates the edited draft with the same suites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stockgate.adapters.slack.snapshot import RequestSnapshot
from stockgate.adapters.slack.views import CATEGORY_BLOCK, COPY_BLOCK, LINE_PREFIX, REASON_BLOCK, VALUE_ACTION, line_key
from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.domain.learning.reasons import parse_reason_category
from stockgate.errors import StockgateError

Values = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Submission:
    """A read submission: the reason, the edit (for the decision path) and the errors by block id."""

    reason: str | None
    edit: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _value(values: Values, block_id: str) -> str | None:
    state = values.get(block_id, {}).get(VALUE_ACTION, {})
    raw = (state.get("selected_option") or {}).get("value", state.get("value"))  # a select, or a text input
    return None if raw is None else str(raw)


def _reason(values: Values, errors: dict[str, str], why: str) -> str | None:
    reason = (_value(values, REASON_BLOCK) or "").strip()
    if not reason:
        errors[REASON_BLOCK] = why
    return reason or None


def _category(values: Values, errors: dict[str, str]) -> str | None:
    try:
        category = parse_reason_category(_value(values, CATEGORY_BLOCK))
    except StockgateError:
        category = None
    if category is None:
        errors[CATEGORY_BLOCK] = "Choose why you change the quantities; the learning report measures each reason."
    return category.value if category else None


def read_reject(values: Values) -> Submission:
    """A rejection needs a reason."""
    errors: dict[str, str] = {}
    reason = _reason(values, errors, "Please say why you reject it; the reason is recorded and sent to planning.")
    return Submission(reason=reason, errors=errors)


def _quantity_error(raw: str | None, line: POLine) -> tuple[int | None, str | None]:
    try:
        qty = int(str(raw).strip())
    except ValueError:
        return None, "Enter a whole number of units (0 drops the line)."
    if qty < 0:
        return None, "The quantity cannot be negative; 0 drops the line."
    if qty % line.pack_size:
        return None, f"Order in packs of {line.pack_size}: for example {qty - qty % line.pack_size or line.pack_size}."
    if 0 < qty < line.moq:
        return None, f"The supplier's minimum order is {line.moq} units; enter at least {line.moq} or 0."
    return qty, None


def _read_quantities(values: Values, order: PurchaseOrder, errors: dict[str, str]) -> dict[str, int]:
    lines = {line_key(ln.location, ln.sku): ln for ln in order.lines}
    changed: dict[str, int] = {}
    for block_id in (b for b in values if b.startswith(LINE_PREFIX)):
        key = block_id.removeprefix(LINE_PREFIX)
        if key not in lines:
            errors[block_id] = "This line is no longer on the order; close the form and open it again."
            continue
        qty, error = _quantity_error(_value(values, block_id), lines[key])
        if error:
            errors[block_id] = error
        elif qty is not None and qty != lines[key].quantity:
            changed[key] = qty
    return changed


def read_edit(values: Values, snap: RequestSnapshot) -> Submission:
    """Changed quantities (``{"quantities": {"sku@location": units}}``) or copy (``{"body"|"text": ...}``)."""
    errors: dict[str, str] = {}
    reason = _reason(values, errors, "Please say why you change it; the reason is recorded with the edit.")
    if isinstance(snap.draft, PurchaseOrder):
        quantities = _read_quantities(values, snap.draft, errors)
        edit: dict[str, Any] = {"quantities": quantities}
        if category := _category(values, errors):
            edit["reason_category"] = category  # the decision path validates it again
        nothing = not quantities
    else:
        text = (_value(values, COPY_BLOCK) or "").strip()
        old = snap.draft.body if snap.draft.body is not None else (snap.draft.text or "")
        if not text:
            errors[COPY_BLOCK] = "The copy cannot be empty; reject the draft instead."
        field_name = "body" if snap.draft.body is not None else "text"
        edit, nothing = {field_name: text}, text == old.strip()
    if nothing and not errors:
        errors[REASON_BLOCK] = "Nothing was changed; close this form and use Approve instead."
    return Submission(reason=reason, edit=edit, errors=errors)
