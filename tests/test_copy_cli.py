"""``stockgate copy`` on generated data: checked drafts in copy_drafts.json, options, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from stockgate.cli.main import app
from stockgate.domain.copy.brand import default_brand_path
from stockgate.domain.drafts import CopyDraft
from tests.copy_fixtures import naive_forecast

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated data folder (the project's seeded generator)."""
    from stockgate.domain.generator import write_dataset

    folder = tmp_path_factory.mktemp("copy-data")
    write_dataset(out_dir=folder, n_series=30, n_days=120, seed=11)
    return folder


@pytest.fixture(scope="module")
def forecast_file(data_dir: Path) -> Path:
    """A naive forecast (mean of the last 28 days per series, for 28 days) so these tests need no model fit."""
    sales = pd.read_csv(data_dir / "sales.csv", parse_dates=["date"])
    path = data_dir.parent / "forecast.csv"
    naive_forecast(sales).to_csv(path, index=False)
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["copy", *args])
    return result.exit_code, result.stdout, result.stderr


def _drafts(out: Path) -> list[CopyDraft]:
    return [CopyDraft.model_validate(item) for item in json.loads((out / "copy_drafts.json").read_text("utf-8"))]


def test_copy_writes_checked_drafts_for_every_candidate_and_channel(
    data_dir: Path, forecast_file: Path, tmp_path: Path, stockgate_home: Path
) -> None:
    """copy_drafts.json lists drafts with text or subject+body, facts, seven checks and status ready."""
    code, stdout, stderr = _run("--data", str(data_dir), "--out", str(tmp_path), "--forecast", str(forecast_file))
    assert code == 0, stderr
    drafts = _drafts(tmp_path)
    assert drafts and len(drafts) % 3 == 0
    assert {d.channel for d in drafts} == {"product_page", "email", "social"}
    for d in drafts:
        assert d.text if d.channel != "email" else d.subject and d.body
        assert d.facts["kind"] and d.facts["name"] and d.generator == "template"
        assert len(d.checks) == 7 and d.status == "ready", [c for c in d.checks if not c.passed]
    raw = json.loads((tmp_path / "copy_drafts.json").read_text("utf-8"))[0]
    assert set(raw) >= {"draft_id", "sku", "channel", "text", "generator", "facts", "checks", "status"}
    assert "ready" in stdout


def test_recent_copy_is_flagged_as_near_duplicate_without_blocking(
    data_dir: Path, forecast_file: Path, tmp_path: Path, stockgate_home: Path
) -> None:
    """Passing last run's drafts as --recent flags each same text as a near-duplicate warning; still ready."""
    first, second = tmp_path / "first", tmp_path / "second"
    common = ["--data", str(data_dir), "--forecast", str(forecast_file), "--channels", "social"]
    assert _run(*common, "--out", str(first))[0] == 0
    code, _, stderr = _run(*common, "--out", str(second), "--recent", str(first / "copy_drafts.json"))
    assert code == 0, stderr
    drafts = _drafts(second)
    assert {d.channel for d in drafts} == {"social"}
    assert all(not next(c for c in d.checks if c.name == "near_duplicate").passed for d in drafts)
    assert all(d.status == "ready" for d in drafts)


def test_strict_exits_1_when_a_brand_rule_blocks_drafts(
    data_dir: Path, forecast_file: Path, tmp_path: Path, stockgate_home: Path
) -> None:
    """With a brand banning a word the templates use, drafts are blocked with the reason, and --strict exits 1."""
    brand = yaml.safe_load(default_brand_path().read_text("utf-8"))
    brand["banned_words"] = [*brand["banned_words"], "stock"]
    brand_file = tmp_path / "brand.yaml"
    brand_file.write_text(yaml.safe_dump(brand), encoding="utf-8")
    args = ["--data", str(data_dir), "--out", str(tmp_path), "--forecast", str(forecast_file)]
    code, _, stderr = _run(*args, "--brand", str(brand_file), "--strict")
    assert code == 1 and "blocked" in stderr
    blocked = [d for d in _drafts(tmp_path) if d.status == "blocked"]
    assert blocked
    assert all("banned word 'stock'" in c.detail for d in blocked for c in d.checks if c.name == "banned_terms")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--channels", "tiktok"], "'tiktok' is not a channel"),
        (["--as-of", "20/11/2026"], "--as-of must be a date"),
        (["--brand", "/nonexistent/brand.yaml"], "does not exist"),
    ],
)
def test_bad_options_are_clear_errors(
    data_dir: Path, tmp_path: Path, extra: list[str], message: str, stockgate_home: Path
) -> None:
    """Bad options exit with code 2 and a message naming the problem, writing nothing."""
    code, _, stderr = _run("--data", str(data_dir), "--out", str(tmp_path / "out"), *extra)
    assert code == 2 and message in " ".join(stderr.split())
    assert not (tmp_path / "out").exists()


def test_missing_data_folder_and_bad_forecast_file_are_input_errors(
    data_dir: Path, tmp_path: Path, stockgate_home: Path
) -> None:
    """A missing data folder or a forecast file without its columns exits 2 naming the file."""
    code, _, stderr = _run("--data", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert code == 2 and "data folder not found" in stderr
    bad = tmp_path / "fc.csv"
    bad.write_text("unique_id,ds\nS01/SKU1,2026-01-01\n", encoding="utf-8")
    code, _, stderr = _run("--data", str(data_dir), "--out", str(tmp_path / "out"), "--forecast", str(bad))
    assert code == 2 and "forecast" in " ".join(stderr.split()) and str(bad) in stderr.replace("\n", "")


@pytest.mark.slow
def test_copy_fits_the_forecaster_when_no_forecast_is_given(
    data_dir: Path, tmp_path: Path, stockgate_home: Path
) -> None:
    """Without --forecast the command fits Stockgate's forecaster and still writes checked drafts."""
    code, _, stderr = _run("--data", str(data_dir), "--out", str(tmp_path), "--max-candidates", "3")
    assert code == 0, stderr
    drafts = _drafts(tmp_path)
    assert 0 < len({d.sku for d in drafts}) <= 3


def test_language_model_from_settings_is_used_and_checked_and_falls_back(
    data_dir: Path, forecast_file: Path, tmp_path: Path, stockgate_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With STOCKGATE_LLM_BASE_URL set, drafts come from the endpoint and are checked; a 401 falls back, recorded."""
    from stockgate.settings import get_settings
    from tests.copy_fake_llm import Reply, serve_fake_llm

    args = ["--data", str(data_dir), "--forecast", str(forecast_file), "--channels", "social"]
    with serve_fake_llm() as fake:
        monkeypatch.setenv("STOCKGATE_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("STOCKGATE_LLM_MODEL", "fake-model")
        get_settings.cache_clear()
        fake.default = Reply(content=json.dumps({"text": "Something lovely for your table, guaranteed to please."}))
        assert _run(*args, "--out", str(tmp_path / "llm"))[0] == 0
        fake.default = Reply(status=401, raw_body="{}")
        assert _run(*args, "--out", str(tmp_path / "fallback"))[0] == 0
    get_settings.cache_clear()
    from_llm = _drafts(tmp_path / "llm")
    assert from_llm and all(d.generator == "llm:fake-model" and d.status == "blocked" for d in from_llm)
    assert all({"banned_terms", "product_name"} <= {c.name for c in d.checks if not c.passed} for d in from_llm)
    fallback = _drafts(tmp_path / "fallback")
    assert all(d.generator == "template (fallback: llm answered HTTP 401)" and d.status == "ready" for d in fallback)
