"""What the gate's artifacts say about decisions: who, when, by which route, the edits and the reasons."""

from __future__ import annotations

from pathlib import Path

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import load_policy
from stockgate.domain.drafts import POLine, PurchaseOrder
from stockgate.presentation.outcomes import committed_markdown, decision_rows
from stockgate.services.decisions import decide, open_request
from stockgate.settings import get_settings


def test_decision_rows_carry_edits_and_reasons_and_the_committed_summary_names_what_was_not(
    stockgate_home: Path,
) -> None:
    """An edit shows the old and new quantity and total; a rejection its reason; nothing committed is said so."""
    ledger, policy = Ledger(get_settings().resolved_ledger_url), load_policy(None)
    line = POLine(sku="SKU1", location="S01", quantity=12, pack_size=6, moq=6, unit_cost=2.0, line_cost=24.0)
    edited = open_request(ledger, policy, draft=PurchaseOrder(po_id="PO-A", supplier="SUP1", lines=[line]),
                          started_by="planner")  # fmt: skip
    decide(ledger, policy, request_id=edited.id, expected_version=edited.version, actor="ana", action="edit",
           edit={"quantities": {"SKU1@S01": 6}}, reason="promotion ended", reason_category="promotion",
           route="slack")  # fmt: skip
    rejected = open_request(ledger, policy, draft=PurchaseOrder(po_id="PO-B", supplier="SUP2", lines=[line]),
                            started_by="planner")  # fmt: skip
    decide(ledger, policy, request_id=rejected.id, expected_version=rejected.version, actor="bo", action="reject",
           reason="enough stock", route="cli")  # fmt: skip
    final = [ledger.get(edited.id), ledger.get(rejected.id)]
    ids = [r.id for r in final]
    rows = decision_rows(final, decisions={i: ledger.decisions(i) for i in ids},
                         audit={i: ledger.audit_trail(i) for i in ids})  # fmt: skip
    assert [(r["who"], r["action"], r["route"], r["reason"]) for r in rows] == [
        ("ana", "edit", "slack", "promotion ended"),
        ("bo", "reject", "cli", "enough stock"),
    ]
    assert rows[0]["edits"] == "SKU1@S01 12 -> 6; total 24.00 -> 12.00" and rows[1]["edits"] == ""
    assert all(r["when"] is not None for r in rows)
    text = committed_markdown(final)
    assert text.startswith("# Committed: 0 of 2") and f"({rejected.id}): rejected" in text
