"""Validate marketing-copy drafts with the ``copy`` suite (validations/suites/copy.json).

Each draft is one row of ``stockgate.domain.copy.suite.copy_frame``; the brand rules and the recently published
texts are suite parameters. Pass/fail comes from Great Expectations; the detail of each failure from the same pure
check the custom expectation ran (validations/expectations/copy.py). A draft failing a critical check is
``blocked``. The approvals engineer re-checks an edited text the same way: ``validate_copy([edited], brand=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stockgate.domain.copy.brand import Brand
from stockgate.domain.copy.suite import blocked_reason, copy_frame, results_from_failing_rows, suite_parameters
from stockgate.domain.drafts import CopyDraft
from stockgate.errors import InvalidEdit

SUITE = "copy"


def validate_copy(
    drafts: Sequence[CopyDraft], *, brand: Brand, recent: Sequence[Mapping[str, Any]] = ()
) -> list[CopyDraft]:
    """The drafts with ``checks`` filled in and ``status`` ready or blocked, from the GX ``copy`` suite."""
    import validations.expectations.copy  # noqa: F401  (registers the copy expectations)
    from validations.runner import run_suite

    if not drafts:
        return []
    params = suite_parameters(brand=brand, recent=recent)
    frame = copy_frame(drafts)
    result = run_suite(SUITE, frame, row_id_column="_row", suite_parameters=params)
    every_row = [int(r) for r in frame["_row"]]
    failing: dict[str, list[int]] = {}
    for outcome in result.outcomes:
        rows = [int(r) for r in outcome.failing_rows]
        # An expectation that failed without naming rows (it raised) blocks every draft rather than none.
        failing[outcome.expectation] = rows if outcome.passed or rows else every_row
    return results_from_failing_rows(drafts, failing, params=params)


def validate_copy_edit(edited: CopyDraft, *, brand: Brand, recent: Sequence[Mapping[str, Any]] = ()) -> CopyDraft:
    """Check a person's edit like any draft; InvalidEdit (with every failed critical check) when it is blocked."""
    (checked,) = validate_copy([edited], brand=brand, recent=recent)
    if checked.status == "blocked":
        raise InvalidEdit(f"The edited copy fails critical checks: {blocked_reason(checked)}.", hint="Fix and resend.")
    return checked
