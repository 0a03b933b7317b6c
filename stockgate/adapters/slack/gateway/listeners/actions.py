"""Approve / Edit / Reject buttons on a briefing card.

Every listener acks at once; the work runs after it. The button carries only the request id and the version the
card was drawn for: a click on an outdated version, or on a request someone else already decided, is refused
privately and nothing changes.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from stockgate.adapters.slack import views
from stockgate.adapters.slack.cards import ACTION_APPROVE, ACTION_EDIT, ACTION_REJECT, utc
from stockgate.adapters.slack.gateway.services import GatewayServices
from stockgate.adapters.slack.snapshot import RequestSnapshot, parse_button_value
from stockgate.errors import AlreadyDecided, ApprovalError, IntegrationError


def current(services: GatewayServices, value: str, *, refresh: bool = True) -> tuple[RequestSnapshot, int]:
    """The request named by a button value, refused if it is no longer pending or the version moved on.

    With ``refresh`` (only after the ack: it calls Slack) a stale message is redrawn from the ledger too.
    """
    try:
        request_id, version = parse_button_value(value)
    except (ValueError, KeyError, TypeError):
        raise ApprovalError("This button does not name an approval request.") from None
    snap = services.approvals.snapshot(request_id)
    if refresh and (not snap.is_pending or version != snap.version):
        services.notifier.refresh(request_id)  # the message may be stale (decided elsewhere, edited, expired)
    if not snap.is_pending:
        last = snap.decisions[-1] if snap.decisions else None
        who = f" by {last.actor} at {utc(last.at)}" if last else ""
        raise AlreadyDecided(f"Request {request_id} is already {snap.status}{who}.", hint="Nothing was changed.")
    if version != snap.version:
        raise AlreadyDecided(
            f"You clicked on version {version} of request {request_id}, but the current version is {snap.version}.",
            hint="Review the updated message and decide again.",
        )
    return snap, version


def _where(body: dict[str, Any]) -> tuple[str, str | None, str]:
    action = body["actions"][0]
    return body["user"]["id"], (body.get("channel") or {}).get("id"), action.get("value", "")


def _later(services: GatewayServices, body: dict[str, Any], work: Any) -> None:
    user_id, channel, _ = _where(body)
    services.run_later(work, user_id=user_id, channel=channel, response_url=body.get("response_url") or None)


def _open_view(services: GatewayServices, trigger_id: str, view: dict[str, Any]) -> None:
    """Open a modal; a trigger older than Slack's 3 seconds becomes a plain "click again" refusal."""
    try:
        services.client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        if exc.response.get("error") in ("expired_trigger_id", "invalid_trigger_id"):
            raise IntegrationError("Slack closed the form before it could open (it allows 3 seconds).",
                                   hint="Click the button again.") from None  # fmt: skip
        raise


def register(app: App, services: GatewayServices) -> None:
    """Attach the three button listeners to ``app``."""

    @app.action(ACTION_APPROVE)
    def approve(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user_id, _, value = _where(body)

        def work() -> None:
            snap, version = current(services, value)
            who = services.identify(user_id, snap)
            services.decide(who, request_id=snap.request_id, version=version, action="approve")

        _later(services, body, work)

    def opener(build: Any) -> Any:
        def open_modal(ack: Ack, body: dict[str, Any]) -> None:
            ack()
            user_id, _, value = _where(body)

            def work() -> None:
                snap, _ = current(services, value)
                services.identify(user_id, snap)
                if build is views.edit_modal and not views.editable_in_slack(snap):
                    raise ApprovalError(
                        f"The copy of request {snap.request_id} is longer than Slack's 3,000-character form limit.",
                        hint=f"Edit it with `stockgate approvals approve {snap.request_id} --edit ...`.",
                    )
                _open_view(services, body["trigger_id"], build(snap))

            _later(services, body, work)

        return open_modal

    app.action(ACTION_EDIT)(opener(views.edit_modal))
    app.action(ACTION_REJECT)(opener(views.reject_modal))
