"""The suite runner: refuses suite files GX would silently weaken, names rows, and stays right under threads."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from stockgate.errors import ConfigError
from validations import runner, suites_io
from validations.runner import run_suite

NON_NEGATIVE = {
    "type": "expect_column_values_to_be_between",
    "kwargs": {"column": "units", "min_value": 0},
    "meta": {"severity": "warning", "why": "No negative units."},
}
KNOWN = {
    "type": "expect_column_values_to_be_in_set",
    "kwargs": {"column": "sku", "value_set": {"$PARAMETER": "known_skus"}},
    "meta": {"severity": "critical", "why": "Known SKUs only."},
}


@pytest.fixture()
def suites_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private suites folder the runner reads instead of validations/suites/."""
    monkeypatch.setattr(suites_io, "SUITES_DIR", tmp_path)
    return tmp_path


def _write_suite(folder: Path, name: str, expectations: list[dict[str, Any]]) -> None:
    (folder / f"{name}.json").write_text(json.dumps({"name": name, "expectations": expectations}), encoding="utf-8")


def _frame(n: int, bad: list[int] | None = None) -> pd.DataFrame:
    units = np.ones(n)
    units[bad or []] = -1.0
    return pd.DataFrame({"sku": pd.array(["A"] * n, dtype="str"), "units": units, "_row": np.arange(n) + 2})


def test_unknown_expectation_type_is_refused(suites_dir: Path) -> None:
    """A misspelt expectation type raises ConfigError naming file and position instead of being dropped."""
    _write_suite(suites_dir, "typo", [NON_NEGATIVE, {**NON_NEGATIVE, "type": "expect_column_values_to_be_betwen"}])
    with pytest.raises(ConfigError, match=r"typo\.json, expectation #2: unknown expectation type"):
        run_suite("typo", _frame(3))


def test_expectation_gx_would_drop_is_caught_by_the_count(tmp_path: Path) -> None:
    """GX logs and drops an unknown type while building a suite; the expectation-count assertion catches it."""
    unknown = {**NON_NEGATIVE, "type": "expect_column_values_to_be_betwen"}
    spec = suites_io.SuiteSpec(name="s", path=tmp_path / "s.json", expectations=(NON_NEGATIVE, unknown), meta={})
    with pytest.raises(ConfigError, match="loaded 1 of 2 expectations"):
        runner._build_suite(spec)


def test_invalid_arguments_are_a_config_error(suites_dir: Path) -> None:
    """A known type with invalid arguments (no column) is refused with the suite file named."""
    _write_suite(suites_dir, "broken", [NON_NEGATIVE, {**NON_NEGATIVE, "kwargs": {"min_value": 0}}])
    with pytest.raises(ConfigError, match=r"broken\.json has an invalid expectation"):
        run_suite("broken", _frame(3))


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"why": "x"}, "meta.severity"),
        ({"severity": "fatal", "why": "x"}, "meta.severity"),
        ({"severity": "warning"}, "meta.why"),
    ],
)
def test_meta_severity_and_why_are_required(suites_dir: Path, meta: dict[str, str], message: str) -> None:
    """Every expectation must say whether it is critical or a warning, and why, in its meta."""
    _write_suite(suites_dir, "meta", [{**NON_NEGATIVE, "meta": meta}])
    with pytest.raises(ConfigError, match=message):
        run_suite("meta", _frame(3))


def test_unknown_suite_lists_the_known_ones(suites_dir: Path) -> None:
    """Asking for a suite that has no file names the suites that exist."""
    _write_suite(suites_dir, "present", [NON_NEGATIVE])
    with pytest.raises(ConfigError, match="Known suites: present"):
        run_suite("absent", _frame(3))


def test_suite_parameters_reach_the_rule_and_missing_ones_are_refused(suites_dir: Path) -> None:
    """A $PARAMETER value set is filled at run time; running without the parameter is a ConfigError."""
    _write_suite(suites_dir, "known", [KNOWN])
    frame = _frame(3).assign(sku=pd.array(["A", "B", "A"], dtype="str"))
    result = run_suite("known", frame, suite_parameters={"known_skus": ["A"]})
    assert result.outcomes[0].failing_rows == [3] and result.outcomes[0].sample_values == ["B"]
    assert run_suite("known", frame, suite_parameters={"known_skus": ["A", "B"]}).ok
    with pytest.raises(ConfigError, match="known_skus"):
        run_suite("known", frame)


def test_outcome_fields_and_positions_without_row_column(suites_dir: Path) -> None:
    """Outcomes carry type, column, severity, rows, values and reason; without _row rows are iloc positions."""
    _write_suite(suites_dir, "units", [NON_NEGATIVE, KNOWN])
    result = run_suite("units", _frame(5, bad=[1, 3]).drop(columns=["_row"]), suite_parameters={"known_skus": ["A"]})
    first = result.outcomes[0]
    assert (first.expectation, first.column, first.severity, first.passed) == (
        "expect_column_values_to_be_between",
        "units",
        "warning",
        False,
    )
    assert first.failing_rows == [1, 3] and first.sample_values == [-1.0, -1.0]
    assert first.description == "No negative units." and first.quarantine
    assert result.ok and result.warnings == [first] and result.critical_failures == []
    assert [o.expectation for o in result.outcomes] == [NON_NEGATIVE["type"], KNOWN["type"]]


@pytest.mark.slow
def test_concurrent_runs_each_get_their_own_rows(suites_dir: Path) -> None:
    """8 threads x 10 runs of the same suite on different frames: every result names exactly its own bad row."""
    _write_suite(suites_dir, "units", [NON_NEGATIVE])

    def check(i: int) -> bool:
        bad = i % 50
        result = run_suite("units", _frame(50, bad=[bad]))
        return result.outcomes[0].failing_rows == [bad + 2]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(check, range(80)))
    assert sum(results) == 80


def test_dates_of_any_resolution_are_compared_to_today(suites_dir: Path) -> None:
    """Microsecond-resolution dates (pandas 3's default) are checked like nanosecond ones, naming the future row."""
    future = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "date", "max_value": {"$PARAMETER": "today"}},
        "meta": {"severity": "warning", "why": "No future dates."},
    }
    _write_suite(suites_dir, "dates", [future])
    dates = pd.Series(pd.to_datetime(["2026-11-20", "2026-12-01", "2026-11-21"])).astype("datetime64[us]")
    frame = _frame(3).assign(date=dates.to_numpy())
    result = run_suite("dates", frame, suite_parameters={"today": pd.Timestamp("2026-11-21")})
    assert result.outcomes[0].failing_rows == [3]
    assert str(frame["date"].dtype) == "datetime64[us]"  # the caller's frame is left as it was


def test_contexts_have_no_temporary_docs_site(tmp_path: Path) -> None:
    """Contexts carry no default Data Docs site (GX's ephemeral default leaves a temp dir) and no progress bars."""
    from validations.runner import DOCS_SITE, make_context

    plain = make_context()
    assert dict(plain.get_config().data_docs_sites or {}) == {}
    assert plain.variables.progress_bars is not None and plain.variables.progress_bars.globally is False
    sites = make_context(docs_dir=tmp_path / "docs").get_config().data_docs_sites or {}
    assert list(sites) == [DOCS_SITE]
    assert sites[DOCS_SITE]["store_backend"]["base_directory"] == str(tmp_path / "docs")
