"""The Bolt app: thin wiring of the client, the services and the listeners.

Listeners only check what must be checked before answering (a modal's fields), call ``ack()`` and hand the slow
work (Slack look-ups, the ledger decision, message updates, waking the run) to the services' worker pool. So Bolt
can run each listener inline (``process_before_response=True``): no hop to Bolt's own executor, no polling for the
ack, and every click is answered well within Slack's 3 seconds. The HTTP server runs ``dispatch`` in a thread
pool, never on the event loop, and the wake-up hook runs in a worker thread (no running loop there).
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
        process_before_response=True,
        ignoring_self_events_enabled=True,
        logger=log,
    )
    actions.register(app, services)
    views.register(app, services)
    events.register(app, services)
    return app
