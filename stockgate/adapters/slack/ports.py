"""The seam between Slack and the ledger: what the gateway and the notifier need from the approval store.

``LedgerApprovals`` (in ``ledger_port.py``) is the real implementation on ``stockgate.adapters.ledger.Ledger`` and
``stockgate.services.decisions.decide``; every decision made through Slack goes through that single path.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal, Protocol

from stockgate.adapters.slack.snapshot import RequestSnapshot

Action = Literal["approve", "reject", "edit"]


class ApprovalsPort(Protocol):
    """Read requests as snapshots, record decisions, remember where a request's message lives."""

    def snapshot(self, request_id: str) -> RequestSnapshot:
        """The request as the ledger holds it now; ApprovalError if there is no such request."""
        ...

    def decide(
        self,
        *,
        request_id: str,
        expected_version: int,
        actor: str,
        actor_groups: Collection[str],
        action: Action,
        reason: str | None = None,
        edit: dict[str, Any] | None = None,
    ) -> RequestSnapshot:
        """Record a decision through the one decision path; raises NotAuthorized, AlreadyDecided, InvalidEdit."""
        ...

    def pending_for(self, *, actor: str, actor_groups: Collection[str]) -> list[RequestSnapshot]:
        """Pending requests this actor could decide now."""
        ...

    def posted(self) -> list[tuple[str, int]]:
        """``(request id, ledger revision)`` of recent requests that have a Slack message."""
        ...

    def set_slack_message(self, request_id: str, *, channel: str, ts: str) -> None:
        """Remember the posted message so it can be updated after decisions."""
        ...
