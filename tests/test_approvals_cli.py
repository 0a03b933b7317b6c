"""``stockgate approvals``: listing and showing as JSON, deciding through the policy, refusals exit non-zero."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from stockgate.adapters.ledger import Ledger
from stockgate.cli.main import app
from stockgate.domain.approvals.policy import parse_policy
from stockgate.services.decisions import open_request
from tests.ledger_fixtures import POLICY, make_copy, make_po

runner = CliRunner()


@pytest.fixture()
def env(stockgate_home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Ledger, list[str]]:
    """A ledger in the isolated home with one purchase-order and one copy request; the policy file in the env."""
    policy_file = stockgate_home / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(POLICY), encoding="utf-8")
    monkeypatch.setenv("STOCKGATE_POLICY_FILE", str(policy_file))
    ledger = Ledger(f"sqlite:///{stockgate_home / 'ledger.db'}")
    policy = parse_policy(POLICY)
    po = open_request(ledger, policy, draft=make_po(), started_by="bob")
    copy = open_request(ledger, policy, draft=make_copy(), started_by=None)
    return ledger, [po.id, copy.id]


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["approvals", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_json_has_the_agreed_fields(env: tuple[Ledger, list[str]]) -> None:
    """``list --json`` prints id, kind, status, supplier or product, total, decided_by, decided_at, reason."""
    _, (po_id, copy_id) = env
    code, out, _ = _run("list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert code == 0
    assert set(rows) == {po_id, copy_id}
    po = rows[po_id]
    assert (po["kind"], po["status"], po["supplier"], po["total"]) == ("purchase_order", "pending", "SUP01", 90.0)
    assert {"decided_by", "decided_at", "reason"} <= set(po)
    assert rows[copy_id]["product"] == "SKU0001"


def test_approve_then_show_json(env: tuple[Ledger, list[str]]) -> None:
    """An approval by a buyer is recorded; ``show --json`` has who, when, the draft and the audit trail."""
    _, (po_id, _) = env
    code, out, _ = _run("approve", po_id, "--as", "alice")
    assert code == 0 and "Approved by alice" in out
    code, out, _ = _run("show", po_id, "--json")
    shown = json.loads(out)
    assert (shown["status"], shown["decided_by"]) == ("approved", "alice")
    assert shown["decided_at"] and shown["draft"]["po_id"] == "PO-SUP01-1"
    assert [d["route"] for d in shown["decisions"]] == ["cli"]
    assert [e["event"] for e in shown["audit"]] == ["opened", "approved"]


def test_refused_decisions_exit_non_zero_with_the_reason(env: tuple[Ledger, list[str]]) -> None:
    """Self-approval, an outsider, a second decision and a reject without reason exit 3 or 2 with the reason."""
    _, (po_id, _) = env
    assert _run("approve", po_id, "--as", "bob")[0] == 3
    code, _, err = _run("approve", po_id, "--as", "mallory")
    assert code == 3 and "mallory is not an approver" in err
    assert _run("reject", po_id, "--as", "alice", "--reason", "  ")[0] == 3
    assert _run("reject", po_id, "--as", "alice", "--reason", "Stock is enough")[0] == 0
    code, _, err = _run("approve", po_id, "--as", "carol")
    assert code == 3 and "already rejected by alice" in err
    assert _run("reject", po_id, "--as", "alice")[0] == 2  # --reason is a required option


def test_edit_from_the_command_line(env: tuple[Ledger, list[str]]) -> None:
    """``approve --edit`` stores a new version; an invalid edit is refused; someone else then approves."""
    ledger, (po_id, _) = env
    code, _, err = _run("approve", po_id, "--as", "alice", "--edit", "SKU0001@S01=12", "--reason", "less")
    assert code == 3 and "needs a reason category" in err
    code, _, err = _run("approve", po_id, "--as", "alice", "--edit", "SKU0001@S01=13", "--reason", "less",
                        "--reason-category", "data_error")  # fmt: skip
    assert code == 3 and "not a multiple of the pack size 6" in err
    code, _, err = _run("approve", po_id, "--as", "alice", "--edit", "SKU0001@S01", "--reason", "less")
    assert code == 3 and "is not sku@location=quantity" in err
    code, out, _ = _run("approve", po_id, "--as", "alice", "--edit", "SKU0001@S01=12", "--reason", "slow seller",
                        "--reason-category", "gut_feeling")  # fmt: skip
    assert code == 0 and "one more approver needed" in out
    assert _run("approve", po_id, "--as", "carol", "--version", "1")[0] == 3
    assert _run("approve", po_id, "--as", "carol", "--version", "2")[0] == 0
    assert ledger.get(po_id).status == "approved"


def test_commit_command_is_idempotent(env: tuple[Ledger, list[str]], tmp_path: Path) -> None:
    """``commit`` writes the approved order once; repeating it reports the same commit; pending exits 1."""
    ledger, (po_id, copy_id) = env
    _run("approve", po_id, "--as", "alice")
    for _ in range(2):
        code, out, _ = _run("commit", po_id, "--sink", f"files:{tmp_path / 'erp'}")
        assert code == 0 and "purchase_order/stockgate-" in out
    assert len(list((tmp_path / "erp" / "purchase_order").glob("*.json"))) == 1
    assert _run("commit", copy_id, "--sink", f"files:{tmp_path / 'erp'}")[0] == 1
    assert ledger.get(po_id).status == "committed"
