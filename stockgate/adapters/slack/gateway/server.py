"""Running the gateway: HTTP (``/slack/events`` + ``/healthz`` under uvicorn) or Socket Mode.

In HTTP mode Bolt's dispatch (signature and timestamp check, ack) runs in a thread pool so one slow request never
holds the event loop; queued Slack posts are flushed every ``flush_every_s`` seconds in both modes.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stockgate.adapters.slack.notifier import SlackNotifier

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)


def http_app(bolt: App, notifier: SlackNotifier) -> Starlette:
    """The ASGI app Slack's Request URL points at (``/slack/events``), plus ``/healthz``."""

    async def events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        queued = await run_in_threadpool(lambda: len(notifier.outbox.pending()))
        return JSONResponse({"ok": True, "queued_posts": queued})

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)])


def start_flusher(notifier: SlackNotifier, *, every_s: float, stop: threading.Event) -> threading.Thread:
    """A daemon thread posting queued requests every ``every_s`` seconds until ``stop`` is set."""

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                notifier.flush_pending_posts()
            except Exception:
                log.exception("Flushing queued Slack posts failed; retrying in %s s", every_s)

    thread = threading.Thread(target=loop, name="slack-outbox", daemon=True)
    thread.start()
    return thread


def bound_socket(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 picks a free one; read it back with ``getsockname()``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def uvicorn_server(asgi: Any, *, host: str, port: int) -> Any:
    """A configured ``uvicorn.Server`` (``.run(sockets=[...])`` or ``.run()``)."""
    import uvicorn

    config = uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)


def socket_mode_handler(bolt: App, *, app_token: str) -> SocketModeHandler:
    """Bolt's Socket Mode adapter (slack_sdk's built-in websocket client); it asks ``apps.connections.open`` for
    the websocket URL through the app's own ``WebClient`` (so ``STOCKGATE_SLACK_API_URL`` applies)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(bolt, app_token)


def run_socket_mode(bolt: App, *, app_token: str, stop: threading.Event | None = None) -> None:
    """Connect over Socket Mode (no public URL) and serve until ``stop`` is set (default: until interrupted)."""
    handler = socket_mode_handler(bolt, app_token=app_token)
    handler.connect()
    try:
        (stop or threading.Event()).wait()
    finally:
        handler.close()
