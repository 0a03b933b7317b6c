"""The result of validating a data folder: per-input suite results, quarantined rows, summary and files written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stockgate.errors import ValidationFailed
from validations.outcomes import ExpectationOutcome, SuiteResult

if TYPE_CHECKING:
    from stockgate.adapters.sources import InputBundle

SHOWN_ROWS = 10
SHOWN_VALUES = 3


@dataclass(frozen=True)
class InputCheck:
    """One input's verdict: its file, suite result, and the rows set aside (quarantined) with where they went."""

    name: str
    file: str
    result: SuiteResult
    quarantined_rows: list[int] = field(default_factory=list)
    quarantine_file: Path | None = None

    @property
    def failed(self) -> list[ExpectationOutcome]:
        """Failed expectations, critical first."""
        return self.result.critical_failures + self.result.warnings


@dataclass(frozen=True)
class InputValidationReport:
    """All four inputs checked; ``cleaned`` is the bundle without quarantined rows (use it, not the original)."""

    checks: dict[str, InputCheck]
    cleaned: InputBundle
    out_dir: Path
    today: str
    notes: list[str] = field(default_factory=list)
    result_file: Path | None = None
    docs_index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no critical rule failed in any input."""
        return all(check.result.ok for check in self.checks.values())

    @property
    def critical_failures(self) -> list[tuple[str, ExpectationOutcome]]:
        """``(input name, outcome)`` for every failed critical rule."""
        return [(name, o) for name, check in self.checks.items() for o in check.result.critical_failures]

    @property
    def warnings(self) -> list[tuple[str, ExpectationOutcome]]:
        """``(input name, outcome)`` for every failed warning rule."""
        return [(name, o) for name, check in self.checks.items() for o in check.result.warnings]

    @property
    def quarantined(self) -> dict[str, int]:
        """Rows set aside per input."""
        return {name: len(check.quarantined_rows) for name, check in self.checks.items()}

    def summary(self) -> str:
        """A short plain-text summary: per input, checks passed and failed, failing rows by file and row number."""
        verdict = "OK" if self.ok else f"FAILED: {len(self.critical_failures)} critical rule(s) failed"
        lines = [f"Input validation {verdict} (today = {self.today})."]
        for check in self.checks.values():
            lines.extend(input_summary(check))
        lines.extend(f"Note: {note}" for note in self.notes)
        if self.result_file is not None:
            lines.append(f"Full result: {self.result_file}")
        if self.docs_index is not None:
            lines.append(f"Data Docs: {self.docs_index}")
        return "\n".join(lines)

    def raise_for_critical(self) -> None:
        """Raise ValidationFailed (exit code 1) with the summary when a critical rule failed; else do nothing."""
        if not self.ok:
            raise ValidationFailed(
                self.summary(),
                hint="Fix the rows named above in the source files (or the suites' parameters) and run again.",
            )

    def to_json(self) -> dict[str, Any]:
        """JSON-safe dict of everything: verdicts, outcomes with all failing rows, and the raw GX results."""
        return {
            "ok": self.ok,
            "today": self.today,
            "notes": list(self.notes),
            "inputs": {name: _check_json(check) for name, check in self.checks.items()},
        }


def input_summary(check: InputCheck) -> list[str]:
    """Summary lines for one input: a head line, then one line per failed rule."""
    result = check.result
    head = (
        f"{check.name} ({check.file}): {result.passed_count} of {len(result.outcomes)} checks passed, "
        f"{len(result.critical_failures)} critical, {len(result.warnings)} warning; {result.row_count} rows"
    )
    lines = [head]
    lines.extend(f"  {outcome_line(check.file, o)}" for o in check.failed)
    if check.quarantined_rows:
        lines.append(f"  quarantined {len(check.quarantined_rows)} row(s) -> {check.quarantine_file}")
    return lines


def outcome_line(file: str, outcome: ExpectationOutcome) -> str:
    """``CRITICAL sku: <why> - sales.csv rows 5, 9 (values 'Z', 'Y')`` or the error GX met."""
    where = f"{outcome.column}: " if outcome.column else ""
    text = f"{outcome.severity.upper()} {where}{outcome.description}"
    if outcome.error:
        return f"{text} - could not check: {outcome.error}"
    if outcome.failing_rows:
        return f"{text} - {Path(file).name} {rows_text(outcome.failing_rows)}{values_text(outcome.sample_values)}"
    if outcome.sample_values:
        return f"{text} - found {outcome.sample_values[0]}"
    return text


def rows_text(rows: list[int]) -> str:
    """``row 5`` / ``rows 5, 9 and 12 more``."""
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    more = f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def values_text(values: list[Any]) -> str:
    """`` (values 'Z', -2.0)`` for the first few failing values."""
    if not values:
        return ""
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:SHOWN_VALUES])
    return f" (values {shown})"


def _check_json(check: InputCheck) -> dict[str, Any]:
    result = check.result
    return {
        "file": check.file,
        "suite": result.suite,
        "rows": result.row_count,
        "ok": result.ok,
        "passed": result.passed_count,
        "failed": len(result.outcomes) - result.passed_count,
        "quarantined_rows": check.quarantined_rows,
        "quarantine_file": str(check.quarantine_file) if check.quarantine_file else None,
        "outcomes": [_outcome_json(o) for o in result.outcomes],
        "great_expectations_result": result.raw,
    }


def _outcome_json(outcome: ExpectationOutcome) -> dict[str, Any]:
    return {
        "expectation": outcome.expectation,
        "column": outcome.column,
        "severity": outcome.severity,
        "passed": outcome.passed,
        "why": outcome.description,
        "rule": outcome.rule,
        "failing_rows": outcome.failing_rows,
        "sample_values": outcome.sample_values,
        "error": outcome.error,
        "quarantine": outcome.quarantine,
    }
