"""Modals (Edit, Reject, outcome) and the App Home view: pure builders to Block Kit JSON.

Modal inputs use fixed ``block_id`` / ``action_id`` names so the gateway can read the submission and put an error
next to the right field (``response_action: errors``). ``private_metadata`` carries the request id and version only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stockgate.adapters.slack import blocks as bk
from stockgate.adapters.slack.cards import fallback_text, key_lines, money
from stockgate.adapters.slack.snapshot import RequestSnapshot, button_value
from stockgate.domain.drafts import CopyDraft, PurchaseOrder
from stockgate.domain.learning.reasons import LABELS

CALLBACK_EDIT, CALLBACK_REJECT = "stockgate_edit_modal", "stockgate_reject_modal"
REASON_BLOCK, COPY_BLOCK, VALUE_ACTION = "reason", "copy_text", "value"
CATEGORY_BLOCK = "reason_category"
LINE_PREFIX = "line::"
MAX_EDIT_LINES = bk.MAX_VIEW_BLOCKS - 4


def line_key(location: str, sku: str) -> str:
    """The id of one order line inside an edit: ``sku@location`` (the decision path's edit key)."""
    return f"{sku}@{location}"


COPY_INPUT_CHARS = 3000


def _copy_text(draft: CopyDraft) -> str:
    return draft.body if draft.body is not None else (draft.text or "")


def editable_in_slack(snap: RequestSnapshot) -> bool:
    """False for copy longer than a Slack text input can hold (3,000 characters): edit it elsewhere."""
    return not isinstance(snap.draft, CopyDraft) or len(_copy_text(snap.draft)) <= COPY_INPUT_CHARS


def _modal(title: str, callback_id: str, snap: RequestSnapshot, blocks: list[bk.Block], submit: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": button_value(snap.request_id, snap.version),
        "title": {"type": "plain_text", "text": bk.clip(title, 24)},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _reason_input(label: str) -> bk.Block:
    element = {"type": "plain_text_input", "action_id": VALUE_ACTION, "multiline": True, "max_length": 2000}
    return {
        "type": "input",
        "block_id": REASON_BLOCK,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def _category_input() -> bk.Block:
    """A required choice of why the quantities changed (measured later by the learning report)."""
    options = [
        {"text": {"type": "plain_text", "text": label}, "value": category.value} for category, label in LABELS.items()
    ]
    return {
        "type": "input",
        "block_id": CATEGORY_BLOCK,
        "label": {"type": "plain_text", "text": "Reason category"},
        "element": {"type": "static_select", "action_id": VALUE_ACTION, "options": options,
                    "placeholder": {"type": "plain_text", "text": "Why are you changing it?"}},
    }  # fmt: skip


def _qty_input(line: Any, currency: str) -> bk.Block:
    element = {
        "type": "number_input",
        "action_id": VALUE_ACTION,
        "is_decimal_allowed": False,
        "min_value": "0",
        "initial_value": str(line.quantity),
    }
    label = bk.clip(f"{line.sku} @ {line.location} (pack {line.pack_size}, MOQ {line.moq})", 2000)
    hint = f"{money(line.unit_cost, currency)} per unit; 0 drops the line."
    return {
        "type": "input",
        "block_id": LINE_PREFIX + line_key(line.location, line.sku),
        "label": {"type": "plain_text", "text": label},
        "hint": {"type": "plain_text", "text": hint},
        "element": element,
    }


def edit_modal(snap: RequestSnapshot) -> dict[str, Any]:
    """Edit quantities (purchase order) or the text (copy), with a required reason."""
    draft = snap.draft
    intro = bk.section(f"*{bk.escape(fallback_text(snap))}* · version {snap.version}")
    if isinstance(draft, PurchaseOrder):
        lines = key_lines(draft, n=MAX_EDIT_LINES) if len(draft.lines) > MAX_EDIT_LINES else draft.lines
        note = [bk.context(f"Showing {len(lines)} of {len(draft.lines)} lines; the others stay as they are.")]
        inputs = [_qty_input(ln, draft.currency) for ln in lines]
        body = [intro, *(note if len(lines) < len(draft.lines) else []), *inputs, _category_input()]
    else:
        text = _copy_text(draft)
        element = {"type": "plain_text_input", "action_id": VALUE_ACTION, "multiline": True, "initial_value": text}
        element["max_length"] = COPY_INPUT_CHARS
        label = {"type": "plain_text", "text": "Copy text"}
        body = [intro, {"type": "input", "block_id": COPY_BLOCK, "label": label, "element": element}]
    return _modal("Edit", CALLBACK_EDIT, snap, [*body, _reason_input("Why this change?")], "Save edit")


def reject_modal(snap: RequestSnapshot) -> dict[str, Any]:
    """Reject with a required reason."""
    intro = bk.section(f"*{bk.escape(fallback_text(snap))}* · version {snap.version}")
    return _modal("Reject", CALLBACK_REJECT, snap, [intro, _reason_input("Why reject it?")], "Reject")


def outcome_modal(title: str, text: str) -> dict[str, Any]:
    """A closing modal that tells the person what happened (after a submission was processed)."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": bk.clip(title, 24)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [bk.section(text)],
    }


def _age(since: datetime, now: datetime) -> str:
    hours = (now - since).total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def home_view(pending: list[RequestSnapshot], *, now: datetime) -> dict[str, Any]:
    """The App Home tab: the viewer's pending approvals, oldest first, with their age."""
    items = sorted(pending, key=lambda s: s.created_at)
    out = [bk.header("Waiting for your decision")]
    if not items:
        out.append(bk.section("Nothing is waiting for you."))
    for snap in items[: bk.MAX_VIEW_BLOCKS - 3]:
        link = f" · <{snap.run_url}|Prefect run>" if snap.run_url else ""
        out.append(
            bk.section(
                f"*{bk.escape(fallback_text(snap))}*\n`{snap.request_id}` · waiting {_age(snap.created_at, now)}{link}"
            )
        )
    if len(items) > bk.MAX_VIEW_BLOCKS - 3:
        out.append(bk.context(f"{len(items) - (bk.MAX_VIEW_BLOCKS - 3)} more; use `stockgate approvals list`."))
    return {"type": "home", "blocks": out}
