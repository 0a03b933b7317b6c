"""A small Socket Mode server over a real websocket (``websockets``' threaded server), speaking like Slack's.

On each connection it sends Slack's ``hello``; ``send`` pushes an envelope (``envelope_id``, ``type``,
``payload``, ``accepts_response_payload``) to the connected client, and every frame the client sends back (its
acks) is recorded in ``received``. The fake Web API hands its ``url`` out from ``apps.connections.open``.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.slack.payloads import APP_ID


class FakeSocketModeServer:
    """Start with ``FakeSocketModeServer().start()``; ``url`` is the ``ws://`` URL a client connects to."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self._connection: ServerConnection | None = None
        self._lock = threading.Lock()
        self._server: Server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=fake-ticket&app_id={APP_ID}"

    def start(self) -> FakeSocketModeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(10)

    def send(self, envelope_id: str, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> None:
        """Push one envelope to the connected client, as Slack does."""
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if self._connection is None:
            raise AssertionError("no Socket Mode client is connected")
        self._connection.send(json.dumps(envelope))

    def acks(self, envelope_id: str) -> list[dict[str, Any]]:
        """The frames the client sent back for ``envelope_id``."""
        with self._lock:
            return [m for m in self.received if m.get("envelope_id") == envelope_id]

    def _handle(self, connection: ServerConnection) -> None:
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID},
                 "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060}}  # fmt: skip
        connection.send(json.dumps(hello))
        self._connection = connection
        self.connected.set()
        try:
            for message in connection:
                with self._lock:
                    self.received.append(json.loads(message))
        except ConnectionClosed:
            pass
