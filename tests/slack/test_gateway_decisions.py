"""Decisions through the real gateway over HTTP: approve, edit, reject, four eyes, App Home."""

from __future__ import annotations

import json

from stockgate.adapters.slack import views
from stockgate.adapters.slack.cards import ACTION_APPROVE, ACTION_EDIT, ACTION_REJECT
from stockgate.adapters.slack.snapshot import button_value
from tests.slack.conftest import ALICE, BOB, CAROL, DAVE, RunningGateway, make_copy, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action, home_opened, signed_headers, values_for, view_submission


def _click(gw: RunningGateway, user: str, action: str, request_id: str, version: int = 1) -> float:
    response = gw.post(block_action(user, action, button_value(request_id, version)))
    assert response.status_code == 200, response.text
    return response.elapsed.total_seconds()


def _ephemerals(slack: FakeSlack, user: str) -> list[str]:
    return [c.args["text"] for c in slack.state.calls_to("chat.postEphemeral") if c.args["user"] == user]


def test_approve_records_decision_updates_message_and_wakes_run(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A signed Approve click by a policy approver approves the request, redraws the card and calls on_decided."""
    rid = gateway.open(make_po())
    _click(gateway, ALICE, ACTION_APPROVE, rid)
    wait_for(lambda: gateway.decided)
    snap = gateway.gateway.services.approvals.snapshot(rid)
    assert snap.status == "approved" and snap.decisions[-1].actor == "alice"
    update = wait_for(lambda: slack.state.calls_to("chat.update"))[-1].args
    assert update["ts"] == snap.ts and not any(b["type"] == "actions" for b in update["blocks"])
    assert "Approved by *alice*" in json.dumps(update["blocks"])
    thread = [c.args for c in slack.state.calls_to("chat.postMessage") if c.args.get("thread_ts") == snap.ts]
    assert any("Approved by" in t["text"] for t in thread)
    assert gateway.decided == [rid]


def test_four_eyes_needs_two_people(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A big order stays pending after one approval, shows who is still needed, and closes on a second person."""
    rid = gateway.open(make_po(lines=4, qty=1200))
    approvals = gateway.gateway.services.approvals
    _click(gateway, ALICE, ACTION_APPROVE, rid)
    wait_for(lambda: len(approvals.snapshot(rid).decisions) == 1)
    first = approvals.snapshot(rid)
    assert first.status == "pending" and "one more approval" in (first.still_needed or "")
    wait_for(lambda: "Still needed" in json.dumps([c.args["blocks"] for c in slack.state.calls_to("chat.update")]))
    _click(gateway, ALICE, ACTION_APPROVE, rid)
    wait_for(lambda: _ephemerals(slack, ALICE))
    assert "already approved" in _ephemerals(slack, ALICE)[0]
    _click(gateway, BOB, ACTION_APPROVE, rid)
    wait_for(lambda: gateway.decided)
    assert approvals.snapshot(rid).status == "approved" and gateway.decided == [rid]


def _open_modal(gw: RunningGateway, slack: FakeSlack, user: str, action: str, rid: str) -> dict:
    before = len(slack.state.calls_to("views.open"))
    _click(gw, user, action, rid)
    call = wait_for(lambda: slack.state.calls_to("views.open")[before:])[0]
    return call.args["view"]


def test_reject_with_reason(gateway: RunningGateway, slack: FakeSlack) -> None:
    """Reject opens a modal; the submitted reason is recorded and the modal then says what happened."""
    rid = gateway.open(make_po())
    view = _open_modal(gateway, slack, BOB, ACTION_REJECT, rid)
    assert view["callback_id"] == views.CALLBACK_REJECT
    response = gateway.post(view_submission(BOB, view, values_for({"reason": "Supplier on credit hold"})))
    assert response.json()["response_action"] == "update"
    wait_for(lambda: slack.state.calls_to("views.update"))
    snap = gateway.gateway.services.approvals.snapshot(rid)
    assert snap.status == "rejected" and snap.decisions[-1].reason == "Supplier on credit hold"
    assert "Rejected" in json.dumps(slack.state.calls_to("views.update")[-1].args["view"])


def test_reject_without_reason_keeps_modal_open(gateway: RunningGateway, slack: FakeSlack) -> None:
    """An empty reason answers response_action=errors next to the reason field; nothing is decided."""
    rid = gateway.open(make_po())
    view = _open_modal(gateway, slack, BOB, ACTION_REJECT, rid)
    response = gateway.post(view_submission(BOB, view, values_for({"reason": "   "})))
    assert response.json()["response_action"] == "errors" and "reason" in response.json()["errors"]
    assert gateway.gateway.services.approvals.snapshot(rid).status == "pending"


def test_edit_quantities_creates_new_version_for_another_approver(gateway: RunningGateway, slack: FakeSlack) -> None:
    """An edit with valid quantities becomes version 2; the old buttons are outdated; someone else approves it."""
    rid = gateway.open(make_po())
    view = _open_modal(gateway, slack, ALICE, ACTION_EDIT, rid)
    line_blocks = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(views.LINE_PREFIX)]
    values = values_for({line_blocks[0]: "36", "reason": "Promo next week", "reason_category": "promotion"})
    response = gateway.post(view_submission(ALICE, view, values))
    assert response.json()["response_action"] == "update"
    approvals = gateway.gateway.services.approvals
    wait_for(lambda: approvals.snapshot(rid).version == 2, timeout=120)  # the edit is re-validated with GX
    assert approvals.snapshot(rid).draft.lines[0].quantity == 36  # type: ignore[union-attr]
    _click(gateway, BOB, ACTION_APPROVE, rid, version=1)
    wait_for(lambda: _ephemerals(slack, BOB))
    assert "current version is 2" in _ephemerals(slack, BOB)[0]
    _click(gateway, BOB, ACTION_APPROVE, rid, version=2)
    wait_for(lambda: approvals.snapshot(rid).status == "approved")


def test_edit_form_errors_keep_modal_open(gateway: RunningGateway, slack: FakeSlack) -> None:
    """Quantities that break pack size or MOQ, and a missing reason, come back as errors next to each field."""
    rid = gateway.open(make_po())
    view = _open_modal(gateway, slack, ALICE, ACTION_EDIT, rid)
    blocks = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(views.LINE_PREFIX)]
    response = gateway.post(view_submission(ALICE, view, values_for({blocks[0]: "13", blocks[1]: "-12", "reason": ""})))
    errors = response.json()["errors"]
    assert "packs of 12" in errors[blocks[0]] and "negative" in errors[blocks[1]] and "reason" in errors
    assert views.CATEGORY_BLOCK in errors  # no reason category chosen
    assert gateway.gateway.services.approvals.snapshot(rid).version == 1


def test_invalid_copy_edit_is_refused_in_the_modal(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A copy edit failing the copy checks (too short for a product page) is refused in the modal; nothing changes."""
    rid = gateway.open(make_copy())
    view = _open_modal(gateway, slack, ALICE, ACTION_EDIT, rid)
    assert view["blocks"][1]["element"]["initial_value"] == "Crunchy oats, baked fresh."
    values = values_for({views.COPY_BLOCK: "Crunchy oats, baked fresh daily.", "reason": "Say daily"})
    assert gateway.post(view_submission(ALICE, view, values)).json()["response_action"] == "update"
    outcome = wait_for(lambda: slack.state.calls_to("views.update"), timeout=120)  # re-validated with GX: slow
    text = json.dumps(outcome[-1].args["view"], ensure_ascii=False)
    assert "Not recorded" in text and "Nothing was changed" in text
    assert gateway.gateway.services.approvals.snapshot(rid).version == 1


def test_group_member_not_named_in_policy_may_approve(gateway: RunningGateway) -> None:
    """A member of the approvers' Slack user group who is not a named person decides as slack:<id>."""
    rid = gateway.open(make_po())
    _click(gateway, DAVE, ACTION_APPROVE, rid)
    approvals = gateway.gateway.services.approvals
    wait_for(lambda: approvals.snapshot(rid).status == "approved")
    assert approvals.snapshot(rid).decisions[-1].actor == f"slack:{DAVE}"


def test_app_home_lists_pending_with_age(gateway: RunningGateway, slack: FakeSlack) -> None:
    """Opening the Home tab publishes the viewer's pending requests with their age."""
    rid = gateway.open(make_po())
    body = json.dumps(home_opened(BOB))
    response = gateway.post(
        {}, body=body, headers=signed_headers("test-signing-secret-0123456789", body, content_type="json")
    )
    assert response.status_code == 200
    call = wait_for(lambda: slack.state.calls_to("views.publish"))[0].args
    assert call["user_id"] == BOB and rid in json.dumps(call["view"]) and "waiting 0 h" in json.dumps(call["view"])
    assert CAROL


def test_expired_trigger_asks_to_click_again(gateway: RunningGateway, slack: FakeSlack) -> None:
    """If Slack refuses to open the form (trigger older than 3 s), the clicker is told to click again."""
    rid = gateway.open(make_po())
    slack.state.force("views.open", 200, error="expired_trigger_id")
    _click(gateway, BOB, ACTION_REJECT, rid)
    assert "Click the button again" in wait_for(lambda: _ephemerals(slack, BOB))[0]
    assert gateway.gateway.services.approvals.snapshot(rid).status == "pending"
