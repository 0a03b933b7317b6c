"""The copy check suite in one table: each check's name, severity, Great Expectations type, columns and function.

Drafts become a frame (one row per draft, ``_row`` = 1-based position) whose columns the checks read; the brand and
the recently published texts become suite parameters. The same table serves both paths, so nothing is duplicated:

- ``check_drafts`` runs the pure functions directly (no Great Expectations; used where GX is not wanted);
- ``validations/expectations/copy.py`` wraps each spec as a GX expectation and ``results_from_failing_rows`` turns
  the suite's failing rows back into ``CheckResult`` s with the same details.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from stockgate.domain.copy import checks
from stockgate.domain.copy.brand import Brand
from stockgate.domain.copy.channels import draft_content, draft_parts, limits_as_params
from stockgate.domain.drafts import CheckResult, CopyDraft

Row = Mapping[Any, Any]
Params = Mapping[str, Any]
FRAME_COLUMNS = ("_row", "draft_id", "sku", "channel", "text", "subject", "body", "content", "product_name", "facts")


@dataclass(frozen=True)
class CheckSpec:
    """One check: its name in ``CopyDraft.checks``, severity, GX expectation type, frame columns and parameters."""

    name: str
    severity: Literal["critical", "warning"]
    expectation: str
    columns: tuple[str, ...]
    parameters: tuple[str, ...]
    run: Callable[[Row, Params], checks.Finding]


def _facts(row: Row) -> dict[str, Any]:
    value = row["facts"]
    return json.loads(value) if isinstance(value, str) else dict(value)


def _parts(row: Row) -> dict[str, str]:
    return {"text": row["text"], "subject": row["subject"], "body": row["body"]}


SPECS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "length", "critical", "expect_copy_length_within_channel_limits",
        ("channel", "text", "subject", "body"), ("channel_limits",),
        lambda r, p: checks.check_length(channel=r["channel"], parts=_parts(r), limits=p["channel_limits"]),
    ),
    CheckSpec(
        "banned_terms", "critical", "expect_copy_to_avoid_banned_terms",
        ("content", "product_name"), ("banned_terms",),
        lambda r, p: checks.check_banned_terms(
            content=r["content"], product_name=r["product_name"], banned=p["banned_terms"]
        ),
    ),
    CheckSpec(
        "prices", "critical", "expect_copy_prices_to_match_facts",
        ("content", "product_name", "facts"), ("money_symbols",),
        lambda r, p: checks.check_prices(
            content=r["content"], product_name=r["product_name"], facts=_facts(r), symbols=p["money_symbols"]
        ),
    ),
    CheckSpec(
        "product_name", "critical", "expect_copy_to_name_the_product",
        ("content", "product_name"), (),
        lambda r, p: checks.check_product_name(content=r["content"], product_name=r["product_name"]),
    ),
    CheckSpec(
        "required_wording", "critical", "expect_copy_to_contain_required_wording",
        ("channel", "content", "facts"), ("required_wording", "money"),
        lambda r, p: checks.check_required_wording(
            channel=r["channel"], content=r["content"], facts=_facts(r), rules=p["required_wording"], money=p["money"]
        ),
    ),
    CheckSpec(
        "placeholders", "critical", "expect_copy_to_have_no_placeholders",
        ("content", "sku"), (),
        lambda r, p: checks.check_placeholders(content=r["content"]),
    ),
    CheckSpec(
        "near_duplicate", "warning", "expect_copy_to_differ_from_recent_copy",
        ("sku", "content"), ("recent_copy", "near_duplicate_threshold"),
        lambda r, p: checks.check_near_duplicate(
            sku=r["sku"], content=r["content"], recent=p["recent_copy"], threshold=p["near_duplicate_threshold"]
        ),
    ),
)  # fmt: skip
"""Every copy check, in the order they are reported."""

SPEC_BY_EXPECTATION = {spec.expectation: spec for spec in SPECS}


def suite_parameters(*, brand: Brand, recent: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The suite parameters for ``brand`` and recently published copy (items ``{"sku", "text", ...}``)."""
    symbols = [*checks.DEFAULT_SYMBOLS, brand.money.symbol]
    return {
        "channel_limits": limits_as_params(),
        "banned_terms": brand.banned_patterns(),
        "money_symbols": sorted(set(symbols)),
        "required_wording": [rule.model_dump(mode="json") for rule in brand.required_wording],
        "money": brand.money.model_dump(mode="json"),
        "recent_copy": [dict(item) for item in recent],
        "near_duplicate_threshold": brand.near_duplicate_threshold,
    }


def copy_frame(drafts: Sequence[CopyDraft]) -> pd.DataFrame:
    """One row per draft with the columns the checks read; ``_row`` is the 1-based position in ``drafts``."""
    rows = [_row(i + 1, draft) for i, draft in enumerate(drafts)]
    frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    return frame.astype({"_row": "int64"})


def _row(position: int, draft: CopyDraft) -> dict[str, Any]:
    parts = draft_parts(draft)
    return {
        "_row": position,
        "draft_id": draft.draft_id,
        "sku": draft.sku,
        "channel": draft.channel,
        "text": parts.get("text", ""),
        "subject": parts.get("subject", ""),
        "body": parts.get("body", ""),
        "content": draft_content(draft),
        "product_name": str(draft.facts.get("name") or ""),
        "facts": json.dumps(draft.facts, sort_keys=True),
    }


def check_drafts(drafts: Sequence[CopyDraft], *, params: Params) -> list[CopyDraft]:
    """The drafts with every check run by the pure functions, and ``status`` blocked on any critical failure."""
    frame = copy_frame(drafts)
    results = [[_result(spec, row, params) for spec in SPECS] for row in frame.to_dict("records")]
    return [with_checks(draft, found) for draft, found in zip(drafts, results, strict=True)]


def results_from_failing_rows(
    drafts: Sequence[CopyDraft], failing: Mapping[str, Sequence[int]], *, params: Params
) -> list[CopyDraft]:
    """Drafts with checks from a suite run: ``failing`` maps expectation type -> failing ``_row`` numbers.

    Pass/fail comes from the suite; the detail of a failure comes from the same pure function the expectation ran.
    """
    missing = [spec.expectation for spec in SPECS if spec.expectation not in failing]
    if missing:
        raise ValueError(f"the copy suite did not report {', '.join(missing)}; is validations/suites/copy.json whole?")
    frame_rows = copy_frame(drafts).to_dict("records")
    out = []
    for draft, row in zip(drafts, frame_rows, strict=True):
        found = [_suite_result(spec, row, params, failed=row["_row"] in failing[spec.expectation]) for spec in SPECS]
        out.append(with_checks(draft, found))
    return out


def _result(spec: CheckSpec, row: Row, params: Params) -> CheckResult:
    finding = spec.run(row, params)
    return CheckResult(name=spec.name, severity=spec.severity, passed=finding.passed, detail=finding.detail)


def _suite_result(spec: CheckSpec, row: Row, params: Params, *, failed: bool) -> CheckResult:
    if not failed:
        return CheckResult(name=spec.name, severity=spec.severity, passed=True)
    detail = spec.run(row, params).detail or "failed in the validation suite"
    return CheckResult(name=spec.name, severity=spec.severity, passed=False, detail=detail)


def with_checks(draft: CopyDraft, results: Sequence[CheckResult]) -> CopyDraft:
    """A copy of ``draft`` with ``checks`` replaced and ``status`` = blocked when a critical check failed."""
    blocked = any(not r.passed and r.severity == "critical" for r in results)
    return draft.model_copy(update={"checks": list(results), "status": "blocked" if blocked else "ready"})


def blocked_reason(draft: CopyDraft) -> str:
    """Why a draft is blocked, in one line (empty when it is ready)."""
    failed = [f"{c.name}: {c.detail}" for c in draft.checks if not c.passed and c.severity == "critical"]
    return "; ".join(failed)
