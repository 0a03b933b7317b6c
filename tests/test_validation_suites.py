"""The input suites: each rule passes on good rows and fails, naming the row, on a row that breaks it."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.validation_fixtures import GOOD, TODAY, frame
from validations.inputs import suite_parameters
from validations.outcomes import ExpectationOutcome, SuiteResult
from validations.runner import run_suite
from validations.suites_io import read_suite

EXPECTED_COUNTS = {"sales": 14, "catalog": 20, "inventory": 13, "suppliers": 14}
UNIQUE_KEY = {"sales": "location", "inventory": "location", "catalog": "sku", "suppliers": "supplier_id"}

# (suite, expectation, column, distinguishing kwargs, severity, overrides of a copy of the first good row)
CASES: list[tuple[str, str, str, dict[str, Any], str, dict[str, Any]]] = [
    ("sales", "column_values_to_not_be_null", "sku", {}, "critical", {"sku": None}),
    ("sales", "column_values_to_not_be_null", "location", {}, "critical", {"location": None}),
    ("sales", "column_values_to_not_be_null", "date", {}, "critical", {"date": None}),
    ("sales", "column_values_to_be_in_set", "sku", {}, "critical", {"sku": "SKU404"}),
    ("sales", "column_values_to_not_be_null", "units", {}, "warning", {"units": np.nan}),
    ("sales", "column_values_to_be_between", "units", {"min_value": -1e9}, "warning", {"units": np.inf}),
    ("sales", "column_values_to_be_between", "units", {"min_value": 0}, "warning", {"units": -2.0}),
    ("sales", "column_values_to_be_between", "date", {}, "warning", {"date": "2026-11-22"}),
    ("sales", "column_values_to_be_between", "price", {}, "warning", {"price": 0.0}),
    ("catalog", "column_values_to_not_be_null", "sku", {}, "critical", {"sku": None}),
    ("catalog", "column_values_to_not_be_null", "supplier_id", {}, "critical", {"supplier_id": None}),
    ("catalog", "column_values_to_be_in_set", "supplier_id", {}, "critical", {"supplier_id": "SUP404"}),
    ("catalog", "column_values_to_not_be_null", "unit_cost", {}, "critical", {"unit_cost": np.nan}),
    ("catalog", "column_values_to_be_between", "unit_cost", {}, "critical", {"unit_cost": 0.0}),
    ("catalog", "column_values_to_not_be_null", "price", {}, "critical", {"price": np.nan}),
    ("catalog", "column_values_to_be_between", "price", {}, "critical", {"price": -1.0}),
    ("catalog", "column_values_to_not_be_null", "pack_size", {}, "critical", {"pack_size": np.nan, "moq": 6}),
    ("catalog", "column_values_to_be_whole_numbers", "pack_size", {}, "critical", {"pack_size": 2.5, "moq": 5}),
    ("catalog", "column_values_to_be_between", "pack_size", {}, "critical", {"pack_size": 0}),
    ("catalog", "column_values_to_not_be_null", "moq", {}, "critical", {"moq": np.nan}),
    ("catalog", "column_values_to_be_whole_numbers", "moq", {}, "critical", {"moq": 24.5, "pack_size": 0.5}),
    ("catalog", "column_values_to_be_between", "moq", {}, "critical", {"moq": -6}),
    ("catalog", "column_values_to_be_in_set", "status", {}, "critical", {"status": "gone"}),
    ("catalog", "column_pair_values_a_to_be_multiple_of_b", "moq,pack_size", {}, "warning", {"moq": 10}),
    ("catalog", "column_pair_values_a_to_be_greater_than_b", "price,unit_cost", {}, "warning", {"price": 1.0}),
    ("catalog", "column_values_to_be_between", "shelf_life_days", {}, "warning", {"shelf_life_days": 0.0}),
    ("inventory", "column_values_to_not_be_null", "sku", {}, "critical", {"sku": None}),
    ("inventory", "column_values_to_not_be_null", "location", {}, "critical", {"location": None}),
    ("inventory", "column_values_to_not_be_null", "snapshot_date", {}, "critical", {"snapshot_date": None}),
    ("inventory", "column_values_to_not_be_null", "on_hand", {}, "critical", {"on_hand": np.nan}),
    ("inventory", "column_values_to_be_in_set", "sku", {}, "warning", {"sku": "SKU404"}),
    ("inventory", "column_values_to_be_between", "on_hand", {}, "warning", {"on_hand": -3.0}),
    ("inventory", "column_values_to_be_between", "backorders", {}, "warning", {"backorders": -1.0}),
    ("inventory", "column_values_to_be_between", "on_order", {}, "warning", {"on_order": -24.0}),
    ("inventory", "column_values_to_be_between", "snapshot_date", {}, "warning", {"snapshot_date": "2027-01-01"}),
    ("inventory", "column_pair_values_a_to_be_greater_than_b", "on_order_due,snapshot_date", {}, "warning",
     {"on_order_due": "2026-11-01"}),
    ("suppliers", "column_values_to_not_be_null", "supplier_id", {}, "critical", {"supplier_id": None}),
    ("suppliers", "column_values_to_not_be_null", "lead_time_mean_days", {}, "critical", {"lead_time_mean_days": None}),
    ("suppliers", "column_values_to_be_between", "lead_time_mean_days", {}, "critical", {"lead_time_mean_days": 0.0}),
    ("suppliers", "column_values_to_be_between", "lead_time_mean_days", {}, "critical", {"lead_time_mean_days": 181}),
    ("suppliers", "column_values_to_be_between", "lead_time_std_days", {}, "critical", {"lead_time_std_days": -1.0}),
    ("suppliers", "column_values_to_not_be_null", "review_period_days", {}, "critical", {"review_period_days": None}),
    ("suppliers", "column_values_to_be_whole_numbers", "review_period_days", {}, "critical",
     {"review_period_days": 1.5}),
    ("suppliers", "column_values_to_be_between", "review_period_days", {}, "critical", {"review_period_days": 0}),
    ("suppliers", "column_values_to_match_regex", "order_days", {}, "critical", {"order_days": "Funday"}),
    ("suppliers", "column_values_to_match_regex", "order_days", {}, "critical", {"order_days": "Mon Thu"}),
    ("suppliers", "column_values_to_not_be_null", "approver_group", {}, "critical", {"approver_group": None}),
    ("suppliers", "column_values_to_be_between", "budget", {}, "warning", {"budget": 0.0}),
    ("suppliers", "column_values_to_match_regex", "currency", {}, "warning", {"currency": "eur"}),
]  # fmt: skip

# Key-uniqueness rules: the bad row repeats the key of the first good row, so both rows are named.
DUPLICATE_CASES = [
    ("sales", "compound_columns_to_be_unique", "sku,location,date"),
    ("inventory", "compound_columns_to_be_unique", "sku,location"),
    ("catalog", "column_values_to_be_unique", "sku"),
    ("suppliers", "column_values_to_be_unique", "supplier_id"),
]


def _params(suite: str) -> dict[str, Any]:
    frames = {name: frame(name) for name in GOOD}
    return suite_parameters(frames, today=TODAY)[suite]


def _bad_rows(suite: str) -> list[dict[str, Any]]:
    """One row per case of ``suite``: the first good row, made unique, with the case's overrides."""
    rows = []
    key = UNIQUE_KEY[suite]
    for i, case in enumerate(c for c in CASES if c[0] == suite):
        rows.append({**GOOD[suite][0], key: f"{GOOD[suite][0][key]}X{i}", **case[5]})
    rows.extend(dict(GOOD[suite][0]) for case in DUPLICATE_CASES if case[0] == suite)
    return rows


@functools.cache
def _result(suite: str, bad: bool) -> SuiteResult:
    rows = [*GOOD[suite], *(_bad_rows(suite) if bad else [])]
    return run_suite(suite, frame(suite, rows), suite_parameters=_params(suite))


def _find(result: SuiteResult, expectation: str, column: str, **kwargs: Any) -> ExpectationOutcome:
    found = [
        o
        for o in result.outcomes
        if o.expectation == f"expect_{expectation}"
        and o.column == column
        and all(o.kwargs.get(k) == v for k, v in kwargs.items())
    ]
    assert len(found) == 1, f"{len(found)} outcomes match {expectation} {column} {kwargs}"
    return found[0]


@pytest.mark.parametrize("suite", sorted(EXPECTED_COUNTS))
def test_suite_loads_with_expected_number_of_expectations(suite: str) -> None:
    """Each input suite file loads with exactly the expected number of expectations, each with severity and why."""
    spec = read_suite(suite)
    assert len(spec.expectations) == EXPECTED_COUNTS[suite]
    assert len(_result(suite, False).outcomes) == EXPECTED_COUNTS[suite]


@pytest.mark.parametrize("suite", sorted(EXPECTED_COUNTS))
def test_good_rows_pass_every_rule(suite: str) -> None:
    """The small good frames pass every rule of their suite."""
    result = _result(suite, False)
    assert [o.rule for o in result.outcomes if not o.passed] == []
    assert result.ok


@pytest.mark.parametrize(("suite", "expectation", "column", "kwargs", "severity", "overrides"), CASES)
def test_rule_fails_on_its_bad_row_only(
    suite: str, expectation: str, column: str, kwargs: dict[str, Any], severity: str, overrides: dict[str, Any]
) -> None:
    """A row breaking a rule fails that rule with its severity, naming that row (and no good row)."""
    cases = [c for c in CASES if c[0] == suite]
    index = next(i for i, c in enumerate(cases) if c[1:] == (expectation, column, kwargs, severity, overrides))
    row = len(GOOD[suite]) + 2 + index
    outcome = _find(_result(suite, True), expectation, column, **kwargs)
    assert not outcome.passed
    assert outcome.severity == severity
    assert row in outcome.failing_rows
    assert not set(outcome.failing_rows) & set(range(2, len(GOOD[suite]) + 2))
    assert outcome.description


@pytest.mark.parametrize(("suite", "expectation", "column"), DUPLICATE_CASES)
def test_duplicate_keys_name_both_rows(suite: str, expectation: str, column: str) -> None:
    """A repeated key is a critical failure that names the first row and its duplicate."""
    result = _result(suite, True)
    outcome = _find(result, expectation, column)
    last_row = len(GOOD[suite]) + len(_bad_rows(suite)) + 1
    assert outcome.severity == "critical"
    assert outcome.failing_rows == [2, last_row]
    assert not result.ok


def test_missing_column_fails_critically_and_names_it() -> None:
    """A frame without a required column fails the column-set rule, and its value shows the missing name."""
    result = run_suite("sales", frame("sales").drop(columns=["units"]), suite_parameters=_params("sales"))
    outcome = _find(result, "table_columns_to_match_set", None)  # type: ignore[arg-type]
    assert not outcome.passed and outcome.severity == "critical"
    assert outcome.sample_values == [{"missing": ["units"]}]
    errors = [o for o in result.outcomes if o.column == "units" and o.error]
    assert errors and all(not o.passed for o in errors)


def test_empty_and_mistyped_frames_fail_critically() -> None:
    """An empty sales frame and dates kept as text are critical failures, not crashes."""
    empty = run_suite("sales", frame("sales").iloc[0:0], suite_parameters=_params("sales"))
    assert not _find(empty, "table_row_count_to_be_between", None).passed  # type: ignore[arg-type]
    text_dates = frame("sales").assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d").astype("str"))
    typed = run_suite("sales", text_dates, suite_parameters={**_params("sales"), "today": "2026-11-21"})
    outcome = _find(typed, "column_values_to_be_in_type_list", "date")
    assert not outcome.passed and not typed.ok


def test_failing_rows_are_plain_ints_and_values_are_json_safe() -> None:
    """Row ids come back as Python ints and sample values survive json.dumps (no numpy or Timestamp)."""
    import json

    result = _result("sales", True)
    for outcome in result.outcomes:
        assert all(type(r) is int for r in outcome.failing_rows)
        json.dumps(outcome.sample_values)
    json.dumps(result.raw)
    assert pd.isna(frame("sales", [{**GOOD["sales"][0], "sku": None}])["sku"].iloc[0])


def test_docs_list_every_rule_with_its_reason() -> None:
    """docs/validation.md states every rule's reason, so the documented rules cannot drift from the suites."""
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    for suite in EXPECTED_COUNTS:
        missing = [e["meta"]["why"] for e in read_suite(suite).expectations if e["meta"]["why"] not in docs]
        assert missing == [], f"{suite}: reasons missing from docs/validation.md"
