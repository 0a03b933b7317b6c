"""Sinks and the exactly-once commit: idempotent files and table, a webhook against a real local HTTP server."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sinks import DatabaseSink, FileSink, InMemorySink, Sink, WebhookSink, make_sink
from stockgate.domain.approvals import Status
from stockgate.domain.approvals.policy import Policy
from stockgate.errors import CommitError, ConfigError
from stockgate.services.commits import commit_approved, commit_payload, idempotency_key
from stockgate.services.decisions import decide, open_request
from tests.ledger_fixtures import _pg_template, ledger, ledger_url, make_po, migrated_url, policy  # noqa: F401

PAYLOAD = {"draft": make_po().to_json_dict(), "request_id": "AR-1", "version": 1}


class ScriptedServer:
    """A real HTTP server answering POSTs from a script: an int status, or ("sleep", seconds) then 200."""

    def __init__(self, script: list[Any]) -> None:
        self.script = list(script)
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((dict(self.headers), body))
                step = outer.script.pop(0) if outer.script else 200
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = 200
                answer = json.dumps({"id": f"ERP-{len(outer.requests)}"} if step < 300 else {"error": "x"}).encode()
                self.send_response(step)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client timed out
                    self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/orders?token=s3cret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def serve() -> Iterator[Any]:
    servers: list[ScriptedServer] = []

    def start(script: list[Any]) -> ScriptedServer:
        servers.append(ScriptedServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_webhook_retries_5xx_with_the_same_key(serve: Any) -> None:
    """Two 5xx answers are retried; all three tries carry the same Idempotency-Key; the reference is the answer's id."""
    server = serve([500, 503, 201])
    sink = WebhookSink(server.url, attempts=4, backoff_s=0.01, headers={"Authorization": "Bearer s3cret"})
    assert sink.commit("purchase_order", PAYLOAD, "stockgate-AR-1-v1") == "ERP-3"
    keys = [headers["Idempotency-Key"] for headers, _ in server.requests]
    assert keys == ["stockgate-AR-1-v1"] * 3
    assert server.requests[0][1] == {
        "kind": "purchase_order",
        "idempotency_key": "stockgate-AR-1-v1",
        "payload": PAYLOAD,
    }


def test_webhook_retries_a_timeout(serve: Any) -> None:
    """A try that times out is retried and the next one succeeds."""
    server = serve([("sleep", 1.0), 200])
    sink = WebhookSink(server.url, timeout_s=0.3, attempts=3, backoff_s=0.01)
    assert sink.commit("copy", PAYLOAD, "k-1") == "ERP-2"
    assert len(server.requests) == 2


def test_webhook_fails_clearly_after_the_last_try(serve: Any) -> None:
    """After the last 5xx the error lists each try, hides the URL's secrets, and says a retry is safe."""
    server = serve([502, 500, 503])
    sink = WebhookSink(server.url, attempts=3, backoff_s=0.01)
    with pytest.raises(CommitError) as info:
        sink.commit("purchase_order", PAYLOAD, "k-2")
    message = str(info.value)
    assert "after 3 tries: HTTP 502; HTTP 500; HTTP 503" in message
    assert "retrying later with the same key is safe" in message
    assert "s3cret" not in message
    assert len(server.requests) == 3


def test_webhook_does_not_retry_a_refusal(serve: Any) -> None:
    """A 4xx (other than 408/429) is final after one try."""
    server = serve([422])
    with pytest.raises(CommitError, match="refused commit k-3 with HTTP 422"):
        WebhookSink(server.url, attempts=3, backoff_s=0.01).commit("purchase_order", PAYLOAD, "k-3")
    assert len(server.requests) == 1


def test_webhook_connection_refused_is_retried_then_fails() -> None:
    """No server listening: every try fails to connect and the error says so."""
    sink = WebhookSink("http://127.0.0.1:9/orders", attempts=2, backoff_s=0.01, timeout_s=0.5)
    with pytest.raises(CommitError, match="after 2 tries: connection failed"):
        sink.commit("purchase_order", PAYLOAD, "k-4")


def test_file_sink_is_idempotent_and_atomic(tmp_path: Path) -> None:
    """A second call with the same key writes nothing; JSON and CSV exist once; no temporary file remains."""
    sink = FileSink(tmp_path / "out")
    first = sink.commit("purchase_order", PAYLOAD, "stockgate-AR-1-v1")
    (tmp_path / "out" / first).write_text('{"touched": true}', encoding="utf-8")
    assert sink.commit("purchase_order", PAYLOAD, "stockgate-AR-1-v1") == first
    files = sorted(p.name for p in (tmp_path / "out" / "purchase_order").iterdir())
    assert files == ["stockgate-AR-1-v1.csv", "stockgate-AR-1-v1.json"]
    assert json.loads((tmp_path / "out" / first).read_text()) == {"touched": True}
    csv_lines = (tmp_path / "out" / "purchase_order" / "stockgate-AR-1-v1.csv").read_text().splitlines()
    assert csv_lines[0] == "po_id,supplier,sku,location,quantity,unit_cost,line_cost,currency"
    assert csv_lines[1] == "PO-SUP01-1,SUP01,SKU0001,S01,24,2.5,60.0,EUR"


def test_file_sink_concurrent_writers_make_one_file(tmp_path: Path) -> None:
    """Ten threads committing the same key leave one JSON file with complete content."""
    sink = FileSink(tmp_path)
    with ThreadPoolExecutor(10) as pool:
        refs = set(pool.map(lambda _: sink.commit("copy", PAYLOAD, "k"), range(10)))
    assert len(refs) == 1
    assert json.loads((tmp_path / refs.pop()).read_text())["idempotency_key"] == "k"
    assert [p.name for p in (tmp_path / "copy").iterdir()] == ["k.json"]


def test_database_sink_is_idempotent_under_concurrency(ledger_url: str) -> None:  # noqa: F811
    """Ten concurrent commits of one key insert one row and all return its reference."""
    sink = DatabaseSink(ledger_url)
    with ThreadPoolExecutor(10) as pool:
        refs = set(pool.map(lambda _: sink.commit("purchase_order", PAYLOAD, "stockgate-AR-9-v1"), range(10)))
    assert refs == {"stockgate_outbox:1"}
    assert [row["idempotency_key"] for row in sink.rows()] == ["stockgate-AR-9-v1"]
    sink.close()


def _approved(ledger: Ledger, policy: Policy) -> str:  # noqa: F811
    request = open_request(ledger, policy, draft=make_po(), started_by="bob")
    decide(ledger, policy, request_id=request.id, expected_version=1, actor="alice", action="approve", route="cli")
    return request.id


def _sinks(tmp_path: Path, url: str) -> list[Sink]:
    return [InMemorySink(), FileSink(tmp_path / "files"), DatabaseSink(url, table="erp_orders")]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["memory", "files", "database"])
def test_retried_commit_commits_nothing_twice(ledger: Ledger, policy: Policy, tmp_path: Path, which: int) -> None:  # noqa: F811
    """Committing the same approved request three times sends one order and records one commit."""
    sink = _sinks(tmp_path, ledger.url)[which]
    request_id = _approved(ledger, policy)
    outcomes = [commit_approved(ledger, sink, request_id=request_id) for _ in range(3)]
    assert {o.external_ref for o in outcomes} == {outcomes[0].external_ref}
    assert ledger.get(request_id).status == Status.COMMITTED
    assert [e.event for e in ledger.audit_trail(request_id)].count("committed") == 1
    if isinstance(sink, InMemorySink):
        assert (len(sink.committed), sink.calls) == (1, 1)


@pytest.mark.parametrize("which", [0, 1, 2], ids=["memory", "files", "database"])
def test_crash_between_sink_and_ledger_makes_no_second_order(
    ledger: Ledger, policy: Policy, tmp_path: Path, which: int  # noqa: F811
) -> None:  # fmt: skip
    """A sink call whose ledger update was lost (crash) is repeated harmlessly: still one order, then recorded."""
    sink = _sinks(tmp_path, ledger.url)[which]
    request_id = _approved(ledger, policy)
    request = ledger.get(request_id)
    key = idempotency_key(request.id, request.version)
    crashed_ref = sink.commit(request.kind, commit_payload(ledger, request), key)  # then the process "dies"
    assert ledger.get(request_id).status == Status.APPROVED
    outcome = commit_approved(ledger, sink, request_id=request_id)
    assert outcome.external_ref == crashed_ref
    assert ledger.find_commit(key) is not None
    if isinstance(sink, InMemorySink):
        assert len(sink.committed) == 1
    if isinstance(sink, DatabaseSink):
        assert len(sink.rows()) == 1
    if isinstance(sink, FileSink):
        assert len(list((tmp_path / "files" / "purchase_order").glob("*.json"))) == 1


def test_failed_sink_leaves_request_approved_for_a_later_retry(ledger: Ledger, policy: Policy, serve: Any) -> None:  # noqa: F811
    """A webhook that fails after its last try raises CommitError; the request stays approved; a retry commits."""
    request_id = _approved(ledger, policy)
    server = serve([500, 500])
    with pytest.raises(CommitError):
        commit_approved(ledger, WebhookSink(server.url, attempts=2, backoff_s=0.01), request_id=request_id)
    assert ledger.get(request_id).status == Status.APPROVED
    outcome = commit_approved(ledger, WebhookSink(server.url, attempts=2, backoff_s=0.01), request_id=request_id)
    assert (outcome.committed, outcome.external_ref) == (True, "ERP-3")
    assert {h["Idempotency-Key"] for h, _ in server.requests} == {outcome.idempotency_key}


def test_make_sink_specs(tmp_path: Path) -> None:
    """Sink specs build the right sink; an unknown one is a ConfigError that does not echo the rest of the spec."""
    assert isinstance(make_sink(f"files:{tmp_path}"), FileSink)
    assert isinstance(make_sink(f"db:sqlite:///{tmp_path / 'x.db'}"), DatabaseSink)
    assert isinstance(make_sink("webhook:https://erp.example/orders"), WebhookSink)
    assert isinstance(make_sink("memory:"), InMemorySink)
    with pytest.raises(ConfigError) as info:
        make_sink("ftp://user:pw@host")
    assert "pw" not in str(info.value)


@pytest.mark.parametrize("which", [1, 2], ids=["files", "database"])
def test_concurrent_commits_deliver_one_order(migrated_url: str, policy: Policy, tmp_path: Path, which: int) -> None:  # noqa: F811
    """20 threads committing one approved request (separate ledger handles) make one order and one commit row."""
    request_id = _approved(Ledger(migrated_url), policy)
    sink = _sinks(tmp_path, migrated_url)[which]
    barrier = threading.Barrier(20)

    def attempt(_: int) -> str | None:
        own = Ledger(migrated_url)
        barrier.wait()
        return commit_approved(own, sink, request_id=request_id).external_ref

    with ThreadPoolExecutor(20) as pool:
        refs = set(pool.map(attempt, range(20)))
    check = Ledger(migrated_url)
    assert len(refs) == 1 and check.get(request_id).status == Status.COMMITTED
    assert [e.event for e in check.audit_trail(request_id)].count("committed") == 1
    if isinstance(sink, DatabaseSink):
        assert len(sink.rows()) == 1
    else:
        assert len(list((tmp_path / "files" / "purchase_order").glob("*.json"))) == 1
