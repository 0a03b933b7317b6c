"""A fake Slack Web API over real HTTP, for the real ``WebClient`` and Bolt ``App`` to talk to.

It answers the methods Stockgate uses, records every call (method, arguments) for assertions, serves the
``response_url`` and the files_upload_v2 upload URL, hands out ``socket_url`` from ``apps.connections.open`` (a
Socket Mode server of the test), and can be told to answer 429 (with ``Retry-After``) or 5xx,
or to be "down" (503 to everything) until told otherwise.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

TEAM_ID = "T0STOCK"
BOT_USER_ID = "UBOT0001"


@dataclass
class Call:
    """One recorded request: the API method (or ``response_url`` / ``upload``) and its arguments."""

    method: str
    args: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeSlackState:
    """What the fake knows (users, groups) and what it saw (calls)."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    forced: dict[str, list[tuple[int, dict[str, str], str | None]]] = field(default_factory=dict)
    down: bool = False
    socket_url: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: int = 0

    def next_ts(self) -> str:
        with self.lock:
            self._ts += 1
            return f"1700000000.{self._ts:06d}"

    def record(self, method: str, args: dict[str, Any]) -> Call:
        call = Call(method, args)
        with self.lock:
            self.calls.append(call)
        return call

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method, in order."""
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def force(
        self, method: str, status: int, *, times: int = 1, retry_after: int | None = None, error: str | None = None
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` (429 gets ``Retry-After``) and ``error``."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.forced.setdefault(method, []).extend([(status, headers, error)] * times)

    def add_user(self, user_id: str, **overrides: Any) -> None:
        """A full member of the fake workspace unless ``overrides`` say otherwise."""
        user = {"id": user_id, "team_id": TEAM_ID, "name": user_id.lower(), "deleted": False, "is_bot": False}
        user |= {"is_restricted": False, "is_ultra_restricted": False, "real_name": f"User {user_id}"}
        self.users[user_id] = user | overrides


def _ok(**data: Any) -> dict[str, Any]:
    return {"ok": True, **data}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_args(self) -> dict[str, Any]:
        parsed = urlparse(self.path)
        args: dict[str, Any] = dict(parse_qsl(parsed.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        if parsed.path.startswith("/upload/"):
            args["_bytes"] = len(raw)
        elif raw and ctype.startswith("application/json"):
            args.update(json.loads(raw))
        elif raw and ctype.startswith("application/x-www-form-urlencoded"):
            args.update(parse_qsl(raw.decode()))
        elif raw:
            args["_bytes"] = len(raw)
        return args

    def _handle(self) -> None:
        state = self.server.state
        path = urlparse(self.path).path
        method = path.removeprefix("/api/").strip("/")
        args = self._read_args()
        if method.startswith("response/"):
            method = "response_url"
        elif method.startswith("upload/"):
            method = "upload"
        call = state.record(method, args)
        forced = state.forced.get(method)
        if state.down or forced:
            status, headers, error = (503, {}, None) if state.down else forced.pop(0)  # type: ignore[union-attr]
            error = error or ("ratelimited" if status == 429 else "fatal")
            return self._send(status, {"ok": False, "error": error}, headers)
        call.response = self._answer(method, args)
        self._send(200, call.response)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if method == "auth.test":
            return _ok(team_id=TEAM_ID, user_id=BOT_USER_ID, bot_id="B0001", team="Fake", user="stockgate")
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or state.next_ts()
            return _ok(channel=args.get("channel"), ts=ts, message={"text": args.get("text"), "ts": ts})
        if method == "chat.postEphemeral":
            return _ok(message_ts=state.next_ts())
        if method in ("views.open", "views.publish", "views.update"):
            view = args.get("view")
            return _ok(view=json.loads(view) if isinstance(view, str) else view)
        if method == "apps.connections.open":
            return _ok(url=state.socket_url) if state.socket_url else {"ok": False, "error": "not_allowed_token_type"}
        if method == "users.info":
            user = state.users.get(args.get("user", ""))
            return _ok(user=user) if user else {"ok": False, "error": "user_not_found"}
        if method == "usergroups.users.list":
            members = state.usergroups.get(args.get("usergroup", ""))
            return _ok(users=members) if members is not None else {"ok": False, "error": "no_such_subteam"}
        if method == "conversations.open":
            return _ok(channel={"id": "D" + str(args.get("users", "X"))})
        if method == "files.getUploadURLExternal":
            file_id = f"F{state.next_ts().replace('.', '')}"
            return _ok(upload_url=f"{base}/upload/{file_id}", file_id=file_id)
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files", "[]"))
            return _ok(files=[{"id": f["id"], "title": f.get("title", "")} for f in files])
        if method in ("response_url", "upload"):
            return _ok()
        return {"ok": False, "error": "unknown_method"}

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeSlackState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class FakeSlack:
    """Start with ``FakeSlack().start()``; ``api_url`` is the ``base_url`` for ``WebClient``."""

    def __init__(self) -> None:
        self.state = FakeSlackState()
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self, key: str = "r1") -> str:
        """A ``response_url`` served by this fake."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/response/{key}"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
