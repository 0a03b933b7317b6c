"""App Home: the viewer's pending approvals with their age."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import App

from stockgate.adapters.slack import blocks as bk
from stockgate.adapters.slack import views
from stockgate.adapters.slack.gateway.services import GatewayServices
from stockgate.errors import NotAuthorized


def publish_home(services: GatewayServices, user_id: str, *, now: datetime | None = None) -> None:
    """Draw the Home tab of ``user_id`` from the ledger."""
    try:
        who = services.authorizer.identify(user_id, approvers=services.authorizer.all_group_refs())
        pending = services.approvals.pending_for(actor=who.actor, actor_groups=who.groups)
        view = views.home_view(pending, now=now or datetime.now(UTC))
    except NotAuthorized as exc:
        view = {"type": "home", "blocks": [bk.header("Stockgate approvals"), bk.section(str(exc))]}
    services.client.views_publish(user_id=user_id, view=view)


def register(app: App, services: GatewayServices) -> None:
    """Attach the ``app_home_opened`` listener to ``app``."""

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        services.run_later(lambda: publish_home(services, user_id), user_id=user_id, channel=None)
