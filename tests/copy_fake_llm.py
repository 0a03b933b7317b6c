"""A local fake OpenAI-compatible endpoint over real HTTP, for the language-model copy tests.

It serves ``POST /v1/chat/completions`` from a queue of scripted replies (status, content, delay) and records
every request (headers and JSON body), so tests see exactly what Stockgate sends.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer: HTTP status, the message content (or a raw body), and a delay before answering (s)."""

    status: int = 200
    content: str = ""
    raw_body: str | None = None
    delay_s: float = 0.0


@dataclass
class FakeLLM:
    """The server's script and record; ``default`` answers once the queue is empty."""

    base_url: str = ""
    replies: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply(content='{"text": "unused"}'))
    requests: list[dict[str, Any]] = field(default_factory=list)

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if self.replies else self.default


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
            reply = fake.next_reply()
            time.sleep(reply.delay_s)
            if self.path != "/v1/chat/completions":
                reply = Reply(status=404, raw_body='{"error": "not found"}')
            payload = reply.raw_body
            if payload is None:
                message = {"role": "assistant", "content": reply.content}
                payload = json.dumps({"id": "fake", "object": "chat.completion", "choices": [{"message": message}]})
            data = payload.encode("utf-8")
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and left

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def serve_fake_llm() -> Iterator[FakeLLM]:
    """Run the fake endpoint on a free local port; ``fake.base_url`` ends in ``/v1``."""
    fake = FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
