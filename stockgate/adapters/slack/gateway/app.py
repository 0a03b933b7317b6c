"""The Bolt app: thin wiring of the client, the services and the listeners.

``process_before_response=False``: Bolt answers Slack as soon as a listener calls ``ack()``; listeners hand the
slow work to the services' worker pool, so every click is answered well within Slack's 3 seconds.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from stockgate.adapters.slack.gateway.listeners import actions, events, views
from stockgate.adapters.slack.gateway.services import GatewayServices

log = logging.getLogger(__name__)


def build_app(services: GatewayServices, *, signing_secret: str | None) -> App:
    """A Bolt ``App`` on ``services.client``; ``signing_secret=None`` only for Socket Mode (no HTTP requests)."""
    client: WebClient = services.client
    app = App(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        process_before_response=False,
        ignoring_self_events_enabled=True,
        logger=log,
    )
    actions.register(app, services)
    views.register(app, services)
    events.register(app, services)
    return app
