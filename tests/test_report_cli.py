"""``stockgate report`` on a ledger with a generated history: tables, JSON, and adjustments a person enabled."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stockgate.adapters.ledger import Ledger
from stockgate.cli.main import app
from tests.learning_fixtures import seed_history
from tests.ledger_fixtures import POLICY


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, date]:
    """A SQLite ledger with six weeks of known edits and actuals; (URL, the day after the last sales day)."""
    from stockgate.domain.approvals.policy import parse_policy

    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'ledger.db'}"
    history = seed_history(Ledger(url), parse_policy(POLICY), start=date(2026, 9, 7), weeks=6)
    return url, history.end + timedelta(days=1)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", *args])
    return result.exit_code, result.output


def test_report_json_has_fva_verdicts_and_proposals(seeded: tuple[str, date], tmp_path: Path) -> None:
    """--json: alice's edits hurt, bob's helped; promotion adjustments are proposed and off."""
    url, as_of = seeded
    csv = tmp_path / "lines.csv"
    code, out = _run("--ledger", url, "--as-of", as_of.isoformat(), "--json", "--adjustments", str(tmp_path / "no"),
                     "--lines", str(csv))  # fmt: skip
    assert code == 0, out
    import pandas as pd

    lines = pd.read_csv(csv)
    assert len(lines) == 24 and lines["measured"].all()
    alice = lines[lines["approver"] == "alice"]
    assert (alice["final_quantity"] > alice["proposed_quantity"]).all() and set(alice["reason_category"]) == {
        "gut_feeling"
    }
    data = json.loads(out)
    verdicts = {row["approver"]: row["verdict"] for row in data["edit_verdicts"]["approver"]}
    assert verdicts == {"alice": "hurt", "bob": "helped"}
    assert data["measured_lines"] == 24 and data["decisions"]["requests"] == 12
    assert data["adjustments"] and not any(a["enabled"] for a in data["adjustments"])


def test_enabled_adjustment_is_shown_as_enabled_by_its_person(seeded: tuple[str, date], tmp_path: Path) -> None:
    """Listing a proposal's id with a name in the adjustments file switches it on, and says who did."""
    url, as_of = seeded
    base = ["--ledger", url, "--as-of", as_of.isoformat(), "--json"]
    proposal = json.loads(_run(*base, "--adjustments", str(tmp_path / "none.yaml"))[1])["adjustments"][0]
    chosen = tmp_path / "adjustments.yaml"
    chosen.write_text(f"enabled:\n  - id: {proposal['id']}\n    enabled_by: ana\n    factor: 1.4\n")
    code, out = _run(*base, "--adjustments", str(chosen))
    assert code == 0, out
    (on,) = [a for a in json.loads(out)["adjustments"] if a["enabled"]]
    assert (on["id"], on["enabled_by"], on["factor"]) == (proposal["id"], "ana", 1.4)
    chosen.write_text("enabled:\n  - id: something\n")
    code, out = _run(*base, "--adjustments", str(chosen))
    assert code != 0 and "needs an id and enabled_by" in out


def test_report_tables_and_bad_date(seeded: tuple[str, date]) -> None:
    """Without --json the report prints its findings and tables; a bad --as-of is a clear error."""
    url, as_of = seeded
    code, out = _run("--ledger", url, "--as-of", as_of.isoformat())
    assert code == 0, out
    assert "Edits by alice hurt" in out and "By reason category" in out and "promotion" in out
    code, out = _run("--ledger", url, "--as-of", "yesterday")
    assert code != 0 and "is not a date" in out


def test_lines_into_a_missing_folder_is_a_config_error(seeded: tuple[str, date], tmp_path: Path) -> None:
    """--lines in a folder that does not exist: a ConfigError naming the path and the fix, not a raw OSError."""
    url, as_of = seeded
    target = tmp_path / "no-such-folder" / "lines.csv"
    result = CliRunner().invoke(app, ["report", "--ledger", url, "--as-of", as_of.isoformat(), "--lines", str(target)])
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, OSError)
    assert str(target) in result.output.replace("\n", "") and "mkdir -p" in result.output
