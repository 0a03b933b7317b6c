"""The state of an approval request as the ledger stores it and every route (CLI, Slack, Prefect) reads it.

``version`` is the version of the draft's CONTENT that approvers see (it grows with each accepted edit);
``revision`` is the row counter the ledger's conditional update checks (it grows with every change).
Times are timezone-aware UTC datetimes. Money is in ``currency``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

Action = Literal["approve", "reject", "edit"]
AUTO_ACTOR = "stockgate-policy"
"""The actor recorded for an automatic pass; the rule that allowed it is recorded as the reason."""


class Status(StrEnum):
    """Life cycle: pending -> approved -> committed, or pending -> rejected | expired."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    COMMITTED = "committed"


@dataclass(frozen=True)
class DraftFacts:
    """What the policy looks at. ``total`` in the draft's currency; ``warnings`` = number of data-quality warnings."""

    subject: str
    total: float = 0.0
    confidence: Literal["high", "medium", "low"] = "medium"
    warnings: int = 0
    supplier: str | None = None
    categories: tuple[str, ...] = ()
    first_order: bool = True
    approver_group: str | None = None


@dataclass(frozen=True)
class ApprovalRequest:
    """One request for a decision on one draft (a purchase order or a copy draft)."""

    id: str
    kind: str
    subject: str
    status: Status
    version: int
    revision: int
    route: str
    rule: str
    required_approvals: int
    approvers: tuple[str, ...]
    started_by: str | None
    created_at: datetime
    expires_at: datetime | None
    subject_name: str = ""
    draft_id: str = ""
    total: float = 0.0
    currency: str = "EUR"
    budget: float | None = None
    categories: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    approvals: tuple[str, ...] = field(default=(), metadata={"doc": "Approvers of the current version."})
    remind_at: tuple[datetime, ...] = ()
    escalate_at: datetime | None = None
    escalate_to: tuple[str, ...] = ()
    channel: str | None = None
    flow_run_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None
    committed_at: datetime | None = None
    external_ref: str | None = None

    @property
    def is_open(self) -> bool:
        """True while a decision can still be recorded."""
        return self.status == Status.PENDING

    @property
    def still_needed(self) -> int:
        """How many more approvals the current version needs (0 once approved or closed)."""
        if not self.is_open:
            return 0
        return approvals_still_needed(self.approvals, self.required_approvals, self.conflicted)

    @property
    def conflicted(self) -> frozenset[str]:
        """People who may not approve alone: whoever started the run or edited the draft."""
        return frozenset({*self.editors, *([self.started_by] if self.started_by else [])})


def approvals_still_needed(approvals: tuple[str, ...], required: int, conflicted: frozenset[str]) -> int:
    """Approvals missing: at least ``required`` different people, at least one not in ``conflicted``."""
    missing = max(required - len(set(approvals)), 0)
    if missing == 0 and set(approvals) <= conflicted:
        return 1
    return missing
