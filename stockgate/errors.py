"""The one error hierarchy of Stockgate.

Every message is written for the person who will read it: what went wrong, where (file, column, rows, field),
and how to fix it. The command line prints ``str(error)`` and exits with ``error.exit_code``; Slack shows the
first sentence; Prefect artifacts show the whole text; the traceback goes to the logs only.

    StockgateError
    ├── ConfigError              settings, policy or brand files that are missing or invalid
    ├── InputError               an input file or query that cannot be read as the data contract says
    │   └── ColumnError          a required column is missing or misspelt (suggests the closest name)
    ├── ValidationFailed         data-quality rules with critical failures (the run stops before forecasting)
    ├── ForecastError            a forecast that cannot be produced for the given data
    ├── PlanningError            replenishment inputs that do not allow a plan
    ├── ApprovalError            a decision that cannot be recorded
    │   ├── NotAuthorized        the person may not decide this request (policy, self-approval, four eyes)
    │   ├── AlreadyDecided       someone decided first, or the request moved on to another version/expired
    │   └── InvalidEdit          an edit that fails the same checks as the draft
    ├── CommitError              a sink refused or failed after its last retry
    └── IntegrationError         Slack, a language model or another external service failed
"""

from __future__ import annotations

from collections.abc import Sequence


class StockgateError(Exception):
    """Base class: a message for people, an optional hint, and the exit code the command line uses."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ConfigError(StockgateError):
    """A settings, policy or brand file is missing or invalid."""


class InputError(StockgateError):
    """An input cannot be read as the data contract says; names the file, column and rows."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: Sequence[int] | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.column = column
        self.rows = list(rows) if rows is not None else []
        where = []
        if file:
            where.append(str(file))
        if column:
            where.append(f"column '{column}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:10])
            more = f" and {len(self.rows) - 10} more" if len(self.rows) > 10 else ""
            where.append(f"row{'s' if len(self.rows) > 1 else ''} {shown}{more}")
        prefix = f"{': '.join([' '.join(where)])}: " if where else ""
        super().__init__(prefix + message, hint=hint)


class ColumnError(InputError):
    """A required column is missing or misspelt."""


class ValidationFailed(StockgateError):
    """Critical data-quality rules failed; the summary names files, columns and rows."""

    exit_code = 1


class ForecastError(StockgateError):
    """The forecast cannot be produced for the given data."""


class PlanningError(StockgateError):
    """The replenishment inputs do not allow a plan."""


class ApprovalError(StockgateError):
    """A decision cannot be recorded."""

    exit_code = 3


class NotAuthorized(ApprovalError):
    """The person may not decide this request."""


class AlreadyDecided(ApprovalError):
    """Someone decided first, or the request expired or moved to another version."""


class InvalidEdit(ApprovalError):
    """The edited draft fails the same checks as the original."""


class CommitError(StockgateError):
    """A sink refused the commit or failed after its last retry."""


class IntegrationError(StockgateError):
    """Slack, a language model or another external service failed."""
