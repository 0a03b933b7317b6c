"""``stockgate validate``: exit 0 on generated data, 1 on a broken copy naming the row, non-zero on unreadable input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stockgate.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data folder written by the project's generator."""
    out = tmp_path_factory.mktemp("gen") / "data"
    result = runner.invoke(
        app, ["data", "generate", "--out", str(out), "--series", "12", "--days", "60", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_generated_data_passes(generated: Path, tmp_path: Path) -> None:
    """Generated data validates with exit code 0 and the result, Data Docs and summary land in --out."""
    result = runner.invoke(
        app, ["validate", "--data", str(generated), "--out", str(tmp_path / "v"), "--today", "2026-11-21"]
    )
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert (tmp_path / "v" / "validation_result.json").is_file()
    assert (tmp_path / "v" / "data_docs" / "index.html").is_file()


def test_broken_copy_exits_1_and_names_the_row(generated: Path, tmp_path: Path) -> None:
    """A sales row of an unknown SKU makes validate exit 1 and name sales.csv and its line number."""
    broken = tmp_path / "broken"
    shutil.copytree(generated, broken, ignore=shutil.ignore_patterns("validation"))
    sales = broken / "sales.csv"
    lines = sales.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = dict(zip(header, lines[1].split(","), strict=True)) | {"sku": "NOPE-1"}
    sales.write_text("\n".join([*lines, ",".join(row[c] for c in header)]) + "\n", encoding="utf-8")
    bad_line = len(lines) + 1

    result = runner.invoke(app, ["validate", "--data", str(broken), "--today", "2026-11-21"])

    assert result.exit_code == 1, result.output
    assert f"sales.csv row {bad_line}" in result.output
    assert "NOPE-1" in result.output
    assert (broken / "validation" / "validation_result.json").is_file()


def test_missing_file_is_a_message_not_a_traceback(generated: Path, tmp_path: Path) -> None:
    """A data folder without suppliers gives the loader's message and a non-zero exit, no traceback."""
    partial = tmp_path / "partial"
    shutil.copytree(generated, partial, ignore=shutil.ignore_patterns("validation", "suppliers.*"))
    result = runner.invoke(app, ["validate", "--data", str(partial)])
    assert result.exit_code not in (0, 1)
    assert "suppliers" in result.output and "Traceback" not in result.output


def test_bad_today_is_refused(generated: Path) -> None:
    """--today that is not a date is refused with a hint."""
    result = runner.invoke(app, ["validate", "--data", str(generated), "--today", "21/11/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
