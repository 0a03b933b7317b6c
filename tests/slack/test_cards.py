"""Block Kit of every card, modal and Home view, compared with golden JSON files in tests/slack/golden/.

A change in what the approver sees is a visible diff. Regenerate after an intended change with
``STOCKGATE_UPDATE_GOLDEN=1 uv run pytest tests/slack/test_cards.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from stockgate.adapters.slack import blocks as bk
from stockgate.adapters.slack import cards, views
from stockgate.adapters.slack.snapshot import DecisionLine, RequestSnapshot, button_value, parse_button_value
from stockgate.domain.drafts import CheckResult, CopyDraft
from tests.slack.conftest import make_copy, make_po

GOLDEN = Path(__file__).parent / "golden"
OPENED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 11, 20, 11, 5, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def _snap(draft: Any = None, **changes: Any) -> RequestSnapshot:
    base = RequestSnapshot(
        request_id="AR-0000000001",
        version=1,
        status="pending",
        draft=draft or make_po(lines=7),
        created_at=OPENED,
        approvers=("group:buyers",),
        run_url="http://prefect.local/runs/flow-run/1234",
        channel="C0BUY",
        ts="1700000000.000001",
    )
    return replace(base, **changes)


_APPROVE = DecisionLine(actor="alice", action="approve", at=LATER)
_REJECT = DecisionLine(actor="bob", action="reject", at=LATER, reason="Supplier on credit hold")
_COPY = CopyDraft(
    draft_id="CP-2",
    sku="SKU0009",
    channel="email",
    subject="Winter oats are back",
    body="Warm up with our oats.",
    checks=[CheckResult(name="banned_claims", severity="warning", passed=False, detail="'best ever' is not allowed")],
)

CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "po_pending": lambda: cards.request_card(_snap()),
    "po_four_eyes_one_approved": lambda: cards.request_card(
        _snap(
            approvals_required=2,
            decisions=(_APPROVE,),
            still_needed="one more approval from group:buyers (not alice, carol)",
        )
    ),
    "po_rejected": lambda: cards.request_card(_snap(status="rejected", decisions=(_REJECT,))),
    "po_committed": lambda: cards.request_card(
        _snap(status="committed", decisions=(_APPROVE,), committed_ref="PO-2026-0042")
    ),
    "po_expired": lambda: cards.request_card(_snap(status="expired")),
    "po_large": lambda: cards.request_card(_snap(make_po(lines=400))),
    "copy_pending": lambda: cards.request_card(_snap(make_copy())),
    "copy_email_approved": lambda: cards.request_card(_snap(_COPY, status="approved", decisions=(_APPROVE,))),
    "modal_edit_po": lambda: views.edit_modal(_snap(make_po(lines=3))),
    "modal_edit_copy": lambda: views.edit_modal(_snap(_COPY)),
    "modal_reject": lambda: views.reject_modal(_snap()),
    "home": lambda: views.home_view(
        [_snap(), _snap(make_copy(), request_id="AR-0000000002", created_at=LATER)], now=NOW
    ),
    "home_empty": lambda: views.home_view([], now=NOW),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_card_matches_golden(name: str) -> None:
    """The Block Kit JSON equals tests/slack/golden/<name>.json (regenerate with STOCKGATE_UPDATE_GOLDEN=1)."""
    produced = json.dumps(CASES[name](), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get("STOCKGATE_UPDATE_GOLDEN") == "1":
        path.write_text(produced, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with STOCKGATE_UPDATE_GOLDEN=1"
    assert produced == path.read_text(encoding="utf-8")


def _texts(block: Any) -> list[str]:
    if isinstance(block, dict):
        return [v for k, v in block.items() if k == "text" and isinstance(v, str)] + [
            t for v in block.values() for t in _texts(v)
        ]
    if isinstance(block, list):
        return [t for v in block for t in _texts(v)]
    return []


def test_pending_card_buttons_carry_only_id_and_version() -> None:
    """Approve, Edit and Reject carry the request id and version, nothing about amounts."""
    actions = next(b for b in cards.request_card(_snap(version=3))["blocks"] if b["type"] == "actions")
    values = {e["action_id"]: parse_button_value(e["value"]) for e in actions["elements"]}
    assert values == {a: ("AR-0000000001", 3) for a in (cards.ACTION_APPROVE, cards.ACTION_EDIT, cards.ACTION_REJECT)}


def test_decided_card_has_no_buttons() -> None:
    """After a decision the buttons are gone and the outcome, who and when are shown."""
    card = cards.request_card(_snap(status="approved", decisions=(_APPROVE,)))
    assert not any(b["type"] == "actions" for b in card["blocks"])
    assert "Approved by *alice* at 2026-11-20 11:05 UTC" in json.dumps(card["blocks"], ensure_ascii=False)


def test_long_texts_respect_slack_limits() -> None:
    """Reasons and warnings of any length stay within 3,000 characters per section and 50 blocks per message."""
    order = make_po(lines=60)
    order.warnings = ["w" * 5000, *(f"warning {i}" for i in range(500))]
    order.lines[0].reasons = ["r" * 4000]
    card = cards.request_card(_snap(order))
    assert len(card["blocks"]) <= bk.MAX_MESSAGE_BLOCKS
    assert max(len(t) for t in _texts(card["blocks"])) <= bk.SECTION_CHARS


def test_edit_modal_of_huge_order_stays_under_100_blocks() -> None:
    """An edit form for 300 lines shows the lines that matter most within the modal's 100-block limit."""
    modal = views.edit_modal(_snap(make_po(lines=300)))
    assert len(modal["blocks"]) <= bk.MAX_VIEW_BLOCKS and len(modal["private_metadata"]) < 3000


def test_button_value_over_limit_is_refused() -> None:
    """A button value longer than 2,000 characters raises instead of being sent."""
    with pytest.raises(ValueError, match="2000"):
        bk.button("Approve", "a", "x" * 2001)
    assert len(button_value("AR-" + "9" * 40, 10**6)) < 100


def test_malformed_button_value_is_rejected() -> None:
    """A value without an integer version is not accepted as a request reference."""
    with pytest.raises((ValueError, KeyError)):
        parse_button_value('{"r": "AR-1", "v": "1"}')


def test_superseded_copy_card_says_it_was_withdrawn_not_timed_out() -> None:
    """A request withdrawn for a newer draft says so; a timed-out one keeps the expiry wording."""
    withdrawn = DecisionLine(actor="stockgate", action="expire", at=LATER, reason="superseded by request AR-2",
                             route="system")  # fmt: skip
    superseded = json.dumps(cards.request_card(_snap(make_copy(), status="expired", decisions=(withdrawn,))))
    timed_out = json.dumps(cards.request_card(_snap(make_copy(), status="expired")))
    assert "Withdrawn without a decision (a newer draft replaces it)" in superseded
    assert "superseded by request AR-2" in superseded
    assert "Expired without a decision" in timed_out and "Withdrawn" not in timed_out
