"""Edit and Reject modal submissions.

The form is checked before the ack: errors keep the modal open with the message next to the field. A valid form
is acknowledged by replacing the modal with "Recording ...", the decision runs after the ack, and the modal then
shows what happened (or why it was refused; nothing changes then).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from stockgate.adapters.slack import forms, views
from stockgate.adapters.slack.gateway.listeners.actions import current
from stockgate.adapters.slack.gateway.services import GatewayServices
from stockgate.adapters.slack.ports import Action
from stockgate.adapters.slack.snapshot import RequestSnapshot
from stockgate.errors import StockgateError

_DONE = {
    "reject": "Rejected. The reason is recorded; nothing will be ordered or published.",
    "edit": "Your edit is saved as version {version}. Another approver must now approve it.",
}


def _outcome(after: RequestSnapshot, action: Action) -> str:
    if action == "edit" and not after.is_pending:
        return f"Your edit is saved as version {after.version} and the request is {after.status}."
    return _DONE[action].format(version=after.version)


def _submit(services: GatewayServices, ack: Ack, body: dict[str, Any], action: Action) -> None:
    view = body["view"]
    user_id = body["user"]["id"]
    try:
        snap, version = current(services, view.get("private_metadata", ""), refresh=False)
    except StockgateError as exc:
        ack(response_action="update", view=views.outcome_modal("Not recorded", str(exc)))
        return
    values = view.get("state", {}).get("values", {})
    form = forms.read_reject(values) if action == "reject" else forms.read_edit(values, snap)
    if form.errors:
        ack(response_action="errors", errors=form.errors)
        return
    ack(response_action="update", view=views.outcome_modal("Recording", "Recording your decision …"))

    def work() -> None:
        try:
            who = services.identify(user_id, snap)
            after = services.decide(
                who, request_id=snap.request_id, version=version, action=action, reason=form.reason, edit=form.edit
            )
            text, title = _outcome(after, action), "Done"
        except StockgateError as exc:
            text, title = f"{exc}\nNothing was changed.", "Not recorded"
        services.client.views_update(view_id=view["id"], view=views.outcome_modal(title, text))

    services.run_later(work, user_id=user_id, channel=None)


def register(app: App, services: GatewayServices) -> None:
    """Attach the Edit and Reject submission listeners to ``app``."""

    @app.view(views.CALLBACK_REJECT)
    def reject(ack: Ack, body: dict[str, Any]) -> None:
        _submit(services, ack, body, "reject")

    @app.view(views.CALLBACK_EDIT)
    def edit(ack: Ack, body: dict[str, Any]) -> None:
        _submit(services, ack, body, "edit")
