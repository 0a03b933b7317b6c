"""Plain result types of a suite run, free of Great Expectations objects (safe to pickle, log and show)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["critical", "warning"]
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's verdict.

    ``failing_rows`` are values of the run's row id column (file line numbers for loaded inputs);
    ``sample_values`` the first few failing values; ``description`` the plain-words reason (``meta.why``);
    ``rule`` the technical form (type and arguments); ``error`` set when GX could not evaluate the rule
    (for example a missing column); ``quarantine`` False for warnings that flag rows without removing them.
    """

    expectation: str
    column: str | None
    severity: Severity
    passed: bool
    failing_rows: list[int]
    sample_values: list[Any]
    description: str
    rule: str = ""
    unexpected_count: int = 0
    error: str | None = None
    quarantine: bool = True
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def failure_count(self) -> int:
        """Rows that failed (the failing rows known, else GX's unexpected count; 1 for a table-level failure)."""
        if self.passed:
            return 0
        return max(len(self.failing_rows), self.unexpected_count, 1 if not self.failing_rows else 0)


@dataclass(frozen=True)
class SuiteResult:
    """All outcomes of one suite run, plus the full GX result as a JSON-safe dict (``raw``)."""

    suite: str
    outcomes: list[ExpectationOutcome]
    row_count: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        """Failed expectations marked critical: any of these stops a flow."""
        return [o for o in self.outcomes if not o.passed and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        """Failed expectations marked warning."""
        return [o for o in self.outcomes if not o.passed and o.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no critical expectation failed."""
        return not self.critical_failures

    @property
    def passed_count(self) -> int:
        """Number of expectations that passed."""
        return sum(o.passed for o in self.outcomes)


def json_safe(value: Any) -> Any:
    """numpy / pandas scalars, timestamps and containers -> plain JSON values (NaN and inf as strings)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "item"):  # numpy scalar
        return json_safe(value.item())
    return str(value)
