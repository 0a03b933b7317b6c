"""Briefing cards for Slack messages: pure builders from a ``RequestSnapshot`` to Block Kit JSON.

A pending request shows the briefing and Approve / Edit / Reject buttons; a decided one shows the same briefing
with the outcome, who, when and (four eyes) who is still needed instead of the buttons. Orders with more than
``MAX_INLINE_LINES`` lines show the key lines and a note; the notifier attaches the full list as a CSV file.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from stockgate.adapters.slack import blocks as bk
from stockgate.adapters.slack.snapshot import DecisionLine, RequestSnapshot, button_value
from stockgate.domain.drafts import CopyDraft, POLine, PurchaseOrder

KEY_LINES = 5
MAX_INLINE_LINES = 20
ACTION_APPROVE, ACTION_EDIT, ACTION_REJECT = "stockgate_approve", "stockgate_edit", "stockgate_reject"
_OUTCOME_ICON = {"approved": "✅", "rejected": "⛔", "expired": "⌛", "committed": "📦", "pending": "⏳"}


def money(amount: float, currency: str) -> str:
    """``EUR 1,234.50``."""
    return f"{currency} {amount:,.2f}"


def utc(moment: Any) -> str:
    """``2026-11-21 17:05 UTC``."""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def needs_attachment(draft: PurchaseOrder | CopyDraft) -> bool:
    """True for orders too long to list in one message: the full list goes into the thread as a file."""
    return isinstance(draft, PurchaseOrder) and len(draft.lines) > MAX_INLINE_LINES


def lines_csv(order: PurchaseOrder) -> str:
    """Every line of ``order`` as CSV text (the attachment of large orders)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["location", "sku", "name", "quantity", "proposed_quantity", "unit_cost", "line_cost", "flags"])
    for ln in order.lines:
        row = [ln.location, ln.sku, ln.name, ln.quantity, ln.proposed_quantity, ln.unit_cost, ln.line_cost]
        writer.writerow([*row, ";".join(ln.flags)])
    return out.getvalue()


def key_lines(order: PurchaseOrder, *, n: int = KEY_LINES) -> list[POLine]:
    """The lines a manager should look at first: flagged lines, then the most expensive."""
    return sorted(order.lines, key=lambda ln: (not ln.flags, -ln.line_cost, ln.sku))[:n]


def _line_text(line: POLine, currency: str) -> str:
    proposed = "" if line.proposed_quantity in (None, line.quantity) else f" (proposed {line.proposed_quantity})"
    head = f"*{bk.escape(line.name or line.sku)}* `{line.sku}` @ {bk.escape(line.location)}"
    qty = f"{line.quantity} units{proposed} · {money(line.line_cost, currency)} · confidence {line.confidence}"
    flags = f" · ⚠️ {', '.join(line.flags)}" if line.flags else ""
    reasons = "".join(f"\n• {bk.escape(r)}" for r in line.reasons[:4])
    return f"{head}\n{qty}{flags}{reasons}"


def _po_blocks(snap: RequestSnapshot, order: PurchaseOrder) -> list[bk.Block]:
    supplier = order.supplier_name or order.supplier
    delivery = f"{order.delivery_date:%a %d %b %Y}" if order.delivery_date else "not given"
    out = [
        bk.header(f"Purchase order for {supplier}: {money(order.total_cost, order.currency)}"),
        bk.fields(
            [
                ("Supplier", f"{bk.escape(supplier)} (`{order.supplier}`)"),
                ("Total", money(order.total_cost, order.currency)),
                ("Lines", str(len(order.lines))),
                ("Delivery", delivery),
                ("Confidence", order.confidence),
                ("Risk flags", ", ".join(order.flags) or "none"),
            ]
        ),
    ]
    if order.summary:
        out.append(bk.section(f"*If nothing is ordered:* {bk.escape(order.summary)}"))
    out.append(bk.section(f"*Lines that matter most* ({min(KEY_LINES, len(order.lines))} of {len(order.lines)})"))
    out += [bk.section(_line_text(ln, order.currency)) for ln in key_lines(order)]
    out += _all_lines_blocks(order)
    if order.warnings:
        out += [bk.section(t) for t in bk.chunk_lines(["*Data-quality warnings*", *(f"• {w}" for w in order.warnings)])]
    return out


def _all_lines_blocks(order: PurchaseOrder) -> list[bk.Block]:
    if len(order.lines) <= KEY_LINES:
        return []
    if needs_attachment(order):
        return [bk.context(f"The full list of {len(order.lines)} lines is attached in the thread as a CSV file.")]
    rows = [f"`{ln.sku}` @ {ln.location}: {ln.quantity} × {money(ln.unit_cost, order.currency)}" for ln in order.lines]
    return [bk.section(t) for t in bk.chunk_lines(["*All lines*", *rows])]


def _copy_blocks(draft: CopyDraft) -> list[bk.Block]:
    out = [
        bk.header(f"Marketing copy for {draft.sku} ({draft.channel.replace('_', ' ')})"),
        bk.fields([("SKU", f"`{draft.sku}`"), ("Channel", draft.channel), ("Written by", draft.generator)]),
    ]
    if draft.subject:
        out.append(bk.section(f"*Subject:* {bk.escape(draft.subject)}"))
    text = draft.body if draft.body is not None else draft.text
    out.append(bk.section(f">>> {bk.escape(text or '(empty)')}"))
    failed = [c for c in draft.checks if not c.passed]
    if failed:
        out.append(bk.section("\n".join(f"⚠️ *{c.name}* ({c.severity}): {bk.escape(c.detail)}" for c in failed)))
    return out


def _decision_text(d: DecisionLine) -> str:
    verb = {"approve": "Approved", "reject": "Rejected", "edit": "Edited (a new version)"}.get(d.action, d.action)
    why = f": “{bk.escape(d.reason)}”" if d.reason else ""
    return f"{verb} by *{bk.escape(d.actor)}* at {utc(d.at)} via {d.route}{why}"


def _expired_text(snap: RequestSnapshot) -> str:
    """Why an expired request closed: its timeout, or withdrawn early (for example superseded by a newer draft)."""
    why = next((d.reason for d in reversed(snap.decisions) if d.action == "expire" and d.reason), None)
    if why and why.startswith("superseded"):
        return "Withdrawn without a decision (a newer draft replaces it): nothing was ordered or published."
    return "Expired without a decision: nothing was ordered or published."


def status_blocks(snap: RequestSnapshot) -> list[bk.Block]:
    """The decision state: outcome, who, when, who is still needed, committed reference."""
    lines = [_decision_text(d) for d in snap.decisions]
    if snap.is_pending and snap.approvals_required > 1:
        lines.append(f"{len(snap.decisions)} of {snap.approvals_required} approvals.")
    if snap.is_pending and snap.still_needed:
        lines.append(f"Still needed: {bk.escape(snap.still_needed)}")
    if snap.status == "expired":
        lines.append(_expired_text(snap))
    if snap.committed_ref:
        lines.append(f"Committed as *{bk.escape(snap.committed_ref)}*.")
    icon = _OUTCOME_ICON.get(snap.status, "•")
    return [bk.section(f"{icon} *{snap.status.capitalize()}*\n" + "\n".join(lines), block_id="status")]


def _footer(snap: RequestSnapshot) -> bk.Block:
    run = f" · <{snap.run_url}|Prefect run>" if snap.run_url else ""
    return bk.context(f"Request `{snap.request_id}` · version {snap.version} · opened {utc(snap.created_at)}{run}")


def _buttons(snap: RequestSnapshot) -> bk.Block:
    value = button_value(snap.request_id, snap.version)
    return bk.actions(
        "decision",
        [
            bk.button("Approve", ACTION_APPROVE, value, style="primary"),
            bk.button("Edit", ACTION_EDIT, value),
            bk.button("Reject", ACTION_REJECT, value, style="danger"),
        ],
    )


def request_card(snap: RequestSnapshot) -> dict[str, Any]:
    """The whole message (``text`` fallback and ``blocks``): briefing, state, and buttons while pending."""
    draft = snap.draft
    body = _po_blocks(snap, draft) if isinstance(draft, PurchaseOrder) else _copy_blocks(draft)
    tail = [bk.divider(), *(status_blocks(snap) if snap.decisions or not snap.is_pending else [])]
    if snap.is_pending:
        tail.append(_buttons(snap))
    blocks = [*body, *tail, _footer(snap)]
    if len(blocks) > bk.MAX_MESSAGE_BLOCKS:
        keep = bk.MAX_MESSAGE_BLOCKS - len(tail) - 2
        blocks = [*body[:keep], bk.context("Some details are left out; see the attached file."), *tail, _footer(snap)]
    return {"text": fallback_text(snap), "blocks": blocks}


def fallback_text(snap: RequestSnapshot) -> str:
    """The notification text (shown where blocks are not)."""
    draft = snap.draft
    if isinstance(draft, PurchaseOrder):
        what = f"Purchase order for {draft.supplier_name or draft.supplier}, {money(draft.total_cost, draft.currency)}"
    else:
        what = f"Marketing copy for {draft.sku} ({draft.channel})"
    return f"{what}: {snap.status}"


def audit_line(decision: DecisionLine) -> str:
    """The thread line recorded after each decision."""
    return _decision_text(decision)


def commit_line(snap: RequestSnapshot) -> str:
    """The thread line recorded once the approved version is committed (the PO number is the sink's reference)."""
    when = f" at {utc(snap.committed_at)}" if snap.committed_at else ""
    return f"📦 Committed version {snap.version} as *{bk.escape(snap.committed_ref or '?')}*{when}."


def reminder_text(snap: RequestSnapshot, *, age_hours: float, escalation: bool) -> str:
    """A reminder (or escalation) message pointing at the waiting request."""
    lead = "Escalation" if escalation else "Reminder"
    return f"{lead}: {fallback_text(snap)} has waited {age_hours:.0f} h for a decision (request `{snap.request_id}`)."
