"""The marketing-copy flow under a real Prefect server: draft, check, pause, decide, publish each version once.

Decisions go through the one decision service (route ``cli``), the language model is the local fake endpoint over
real HTTP, Slack is the fake Slack Web API over real HTTP, the publishing sink is a real folder.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sinks import make_sink
from stockgate.domain.approvals.policy import Policy, load_policy
from stockgate.domain.approvals.requests import ApprovalRequest
from stockgate.domain.drafts import CopyDraft
from stockgate.errors import NotAuthorized
from stockgate.services.commits import commit_approved
from stockgate.services.decisions import decide, open_request
from stockgate.settings import get_settings
from tests.copy_fake_llm import Reply, serve_fake_llm
from tests.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated data folder: 8 SKU series over a year."""
    from stockgate.domain.generator import write_dataset

    folder = tmp_path_factory.mktemp("copy-flow-data")
    write_dataset(out_dir=folder, n_series=8, n_days=365, seed=11, fmt="csv")
    return folder


@pytest.fixture()
def fast_gate(stockgate_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh Stockgate home whose paused runs poll every second."""
    monkeypatch.setenv("STOCKGATE_PAUSE_POLL_INTERVAL_S", "1")
    get_settings.cache_clear()
    yield stockgate_home
    get_settings.cache_clear()


def _start(params: dict[str, Any]) -> tuple[threading.Thread, dict[str, Any]]:
    from flows.copy import marketing_copy
    from flows.params import CopyParams

    result: dict[str, Any] = {}
    run = CopyParams.model_validate({"wait": "pause", "started_by": "marketer", **params})
    thread = threading.Thread(target=lambda: result.setdefault("out", marketing_copy(run)), daemon=True)
    thread.start()
    return thread, result


def _wait_for_run_requests(ledger: Ledger, flow: threading.Thread, *, not_run: str | None = None) -> list[Any]:
    """The requests of the flow's run once it is paused at the gate (requests of ``not_run`` ignored)."""
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + 420
    while time.monotonic() < deadline and flow.is_alive():
        mine = [r for r in ledger.list_requests() if r.flow_run_id and r.flow_run_id != not_run]
        if mine:
            with get_client(sync_client=True) as client:
                state = client.read_flow_run(uuid.UUID(mine[0].flow_run_id)).state
            if state is not None and state.is_paused():
                return [r for r in ledger.list_requests() if r.flow_run_id == mine[0].flow_run_id]
        time.sleep(0.5)
    raise AssertionError("the copy flow never paused at the gate")


def _decide(ledger: Ledger, policy: Policy, request: ApprovalRequest, actor: str, action: str, **kw: Any) -> None:
    current = ledger.get(request.id)
    decide(ledger, policy, request_id=current.id, expected_version=current.version, actor=actor, action=action,  # type: ignore[arg-type]
           route="cli", **kw)  # fmt: skip


def _copy(ledger: Ledger, request_id: str) -> CopyDraft:
    draft = ledger.draft(request_id)
    assert isinstance(draft, CopyDraft)
    return draft


def _drafts(data_dir: Path, run_id: str) -> list[CopyDraft]:
    path = data_dir / "runs" / f"copy-{run_id}" / "copy_drafts.json"
    return [CopyDraft.model_validate(item) for item in json.loads(path.read_text("utf-8"))]


def _published(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted((folder / "copy").glob("*.json"))}


def _artifact(key: str, run_id: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[uuid.UUID(run_id)])
            )
        )
    assert found, f"no artifact '{key}' in run {run_id}"
    return str(found[0].data)


def test_copy_flow_pauses_publishes_each_approved_version_once_and_a_rerun_publishes_nothing_twice(
    prefect_server: None, fast_gate: Path, data_dir: Path, tmp_path: Path
) -> None:
    """Drafts are checked and written, the run waits; an edit is approved as version 2; every approval is published
    once to the files sink; a second run reuses the committed requests, flags near-duplicates and adds no file."""
    shop = tmp_path / "shop"
    flow, result = _start({"data_dir": str(data_dir), "sink": f"files:{shop}"})
    settings = get_settings()
    ledger, policy = Ledger(settings.resolved_ledger_url), load_policy(settings.policy_file)
    requests = _wait_for_run_requests(ledger, flow)
    run_id = requests[0].flow_run_id
    drafts = _drafts(data_dir, run_id)
    ready = {d.draft_id for d in drafts if d.status == "ready"}
    assert ready and {r.draft_id for r in requests} == ready, "every ready draft, and only those, awaits a decision"
    assert all({c.name for c in d.checks} >= {"length", "prices", "near_duplicate"} for d in drafts)

    with pytest.raises(NotAuthorized):
        _decide(ledger, policy, requests[0], "marketer", "approve")
    edited = next(r for r in requests if _copy(ledger, r.id).channel == "product_page")
    new_text = f"{_copy(ledger, edited.id).text} Enjoy."
    _decide(ledger, policy, edited, "ed", "edit", reason="warmer ending", edit={"text": new_text})
    for request in requests:
        _decide(ledger, policy, request, "ana", "approve")
    flow.join(timeout=180)
    assert not flow.is_alive(), "the run did not finish after every request was decided"
    out = result["out"]
    assert set(out["outcomes"].values()) == {"committed"} and out["blocked"] == []
    files = _published(shop)
    assert len(files) == len(requests) == len(out["published"])
    by_request = {body["request_id"]: body for body in files.values()}
    assert by_request[edited.id]["version"] == 2 and by_request[edited.id]["draft"]["text"] == new_text
    assert all(body["version"] == 1 for rid, body in by_request.items() if rid != edited.id)
    assert all(body["schema"] == "stockgate.copy/1" and body["sku"] == body["draft"]["sku"] for body in files.values())
    assert all([e.event for e in ledger.audit_trail(r.id)].count("committed") == 1 for r in requests)
    retried = commit_approved(ledger, make_sink(f"files:{shop}"), request_id=edited.id)
    assert retried.committed and retried.message.startswith("Already committed") and _published(shop) == files

    again, second = _start({"data_dir": str(data_dir), "sink": f"files:{shop}"})
    again.join(timeout=420)
    assert not again.is_alive(), "a re-run whose drafts are all published must not wait for anyone"
    assert sorted(second["out"]["published"]) == sorted(out["published"])
    assert _published(shop) == files, "nothing is published twice"
    assert {r.flow_run_id for r in ledger.list_requests()} == {run_id}, "the re-run opened no new request"
    rerun_drafts = next(p for p in (data_dir / "runs").glob("copy-*/copy_drafts.json") if run_id not in str(p))
    rechecked = [CopyDraft.model_validate(d) for d in json.loads(rerun_drafts.read_text("utf-8"))]
    assert all(not c.passed for d in rechecked for c in d.checks if c.name == "near_duplicate")


def test_llm_fallback_blocked_copy_and_supersede_with_slack_cards(
    prefect_server: None, fast_gate: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language model writes the first draft (blocked: banned claim, no product name) and fails for the rest
    (templates take over); the blocked draft gets no request and its reason is in an artifact and the audit trail;
    an older pending draft of another run for the same product and channel is withdrawn, its Slack card redrawn."""
    slack = FakeSlack().start()
    claim = "Guaranteed the best deal in town."
    with serve_fake_llm() as fake:
        fake.replies = [Reply(content=json.dumps({"text": claim, "subject": "Best deal", "body": claim}))]
        fake.default = Reply(status=401, raw_body="{}")
        for name, value in {"STOCKGATE_LLM_BASE_URL": fake.base_url, "STOCKGATE_LLM_MODEL": "fake-model",
                            "STOCKGATE_SLACK_BOT_TOKEN": "xoxb-test", "STOCKGATE_SLACK_API_URL": slack.api_url,
                            "STOCKGATE_SLACK_CHANNEL": "C0COPY"}.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        settings = get_settings()
        ledger, policy = Ledger(settings.resolved_ledger_url), load_policy(settings.policy_file)
        earlier_run = str(uuid.uuid4())
        older = _older_social_requests(ledger, policy, data_dir, flow_run_id=earlier_run)
        _post_cards(settings, ledger, policy, older)
        flow, result = _start({"data_dir": str(data_dir)})
        requests = _wait_for_run_requests(ledger, flow, not_run=earlier_run)
        for request in requests:
            _decide(ledger, policy, request, "ana", "reject", reason="not this week")
        flow.join(timeout=180)
    try:
        assert not flow.is_alive()
        run_id = requests[0].flow_run_id
        drafts = _drafts(data_dir, run_id)
        from_llm = [d for d in drafts if d.generator == "llm:fake-model"]
        assert len(from_llm) == 1 and from_llm[0].status == "blocked"
        blocked = from_llm[0]
        assert all(d.generator == "template (fallback: llm answered HTTP 401)" for d in drafts if d is not blocked)
        assert result["out"]["blocked"] == [blocked.draft_id]
        assert blocked.draft_id not in {r.draft_id for r in ledger.list_requests()}
        shown = _artifact("copy-blocked", run_id)
        assert blocked.draft_id in shown and "banned" in shown
        recorded = [e for e in ledger.audit_trail() if e.event == "copy_blocked"]
        assert [e.changes["draft_id"] for e in recorded] == [blocked.draft_id]
        assert "banned" in (recorded[0].reason or "")

        by_sku = {r.subject: r for r in requests if _copy(ledger, r.id).channel == "social"}
        assert by_sku, "the run drafted social copy for at least one product"
        superseded = set(result["out"]["superseded"])
        assert superseded, "at least one older pending draft was superseded"
        for old in older:
            now = ledger.get(old.id)
            new = by_sku.get(old.subject)
            if new is None:  # no new ready social draft for this product (none, or the blocked one): untouched
                assert now.status.value == "pending" and old.id not in superseded
                continue
            assert now.status.value == "expired" and now.reason == f"superseded by request {new.id}"
            assert old.id in superseded
            events = [e for e in ledger.audit_trail(old.id) if e.event == "superseded"]
            assert len(events) == 1 and events[0].changes["superseded_by"] == new.id
            opened = next(e for e in ledger.audit_trail(new.id) if e.event == "opened")
            assert events[0].at <= opened.at, "the old request is withdrawn before the new one is opened"
            redrawn = [c for c in slack.state.calls_to("chat.update") if c.args.get("ts") == now.slack_ts]
            card = json.dumps(redrawn[-1].args) if redrawn else ""
            assert "Expired" in card and f"superseded by request {new.id}" in card, "the old card shows why"
    finally:
        slack.stop()
        get_settings.cache_clear()


def _older_social_requests(ledger: Ledger, policy: Policy, data_dir: Path, *, flow_run_id: str) -> list[Any]:
    """A pending social draft of an earlier run (older as-of date, other words) for every SKU of the catalog."""
    import pandas as pd

    catalog = pd.read_csv(data_dir / "catalog.csv")
    opened = []
    for sku, name in zip(catalog["sku"].astype(str), catalog["name"].astype(str), strict=True):
        facts: dict[str, Any] = {"as_of": "2020-01-01", "name": name}
        draft = CopyDraft(draft_id=f"copy-{sku}-social-2020-01-01-older", sku=sku, channel="social",
                          text=f"{name}: still on our shelves.", facts=facts)  # fmt: skip
        opened.append(open_request(ledger, policy, draft=draft, started_by="earlier", flow_run_id=flow_run_id))
    return opened


def _post_cards(settings: Any, ledger: Ledger, policy: Policy, requests: list[Any]) -> None:
    from stockgate.adapters.slack.gateway.wiring import notifier_for

    notifier = notifier_for(settings, ledger, policy)
    for request in requests:
        assert notifier.post_request(request.id, channel="C0COPY")
