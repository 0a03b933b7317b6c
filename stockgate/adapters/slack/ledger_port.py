"""``LedgerApprovals``: the real ``ApprovalsPort`` on the ledger and the one decision path.

Snapshots are read fresh from the ledger for every card; decisions go through
``stockgate.services.decisions.decide`` with ``route="slack"``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.ports import Action
from stockgate.adapters.slack.snapshot import DecisionLine, RequestSnapshot
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.domain.approvals.rules import may_decide
from stockgate.services.decisions import decide


def run_url(prefect_ui_url: str | None, flow_run_id: str | None) -> str | None:
    """Link to the Prefect UI page of a flow run, when both are known."""
    if not (prefect_ui_url and flow_run_id):
        return None
    return f"{prefect_ui_url.rstrip('/')}/runs/flow-run/{flow_run_id}"


def still_needed_text(request: ApprovalRequest) -> str | None:
    """Who must still approve (four eyes, or after an edit), in words; None when nobody."""
    missing = request.still_needed
    if missing == 0 or not request.approvals:
        return None
    who = ", ".join(request.approvers)
    excluded = ", ".join(sorted(request.conflicted | set(request.approvals)))
    count = "one more approval" if missing == 1 else f"{missing} more approvals"
    return f"{count} from {who} (not {excluded})"


class LedgerApprovals:
    """Reads and decides through the ledger; ``prefect_ui_url`` makes the run links in cards."""

    def __init__(self, ledger: Ledger, policy: Policy, *, prefect_ui_url: str | None = None) -> None:
        self.ledger = ledger
        self.policy = policy
        self.prefect_ui_url = prefect_ui_url

    def snapshot(self, request_id: str) -> RequestSnapshot:
        """The request, its current draft and its decisions, as the ledger holds them now."""
        return self._snapshot(self.ledger.get(request_id))

    def _snapshot(self, request: ApprovalRequest) -> RequestSnapshot:
        decisions = tuple(
            DecisionLine(actor=d.actor, action=d.action, at=d.at, reason=d.reason, route=d.route)
            for d in self.ledger.decisions(request.id)
        )
        return RequestSnapshot(
            request_id=request.id,
            version=request.version,
            status=str(request.status),
            draft=self.ledger.draft(request.id, request.version),
            created_at=request.created_at,
            approvals_required=request.required_approvals,
            approvers=request.approvers,
            decisions=decisions,
            still_needed=still_needed_text(request),
            run_url=run_url(self.prefect_ui_url, request.flow_run_id),
            committed_ref=request.external_ref,
            committed_at=request.committed_at,
            channel=request.slack_channel,
            ts=request.slack_ts,
            revision=request.revision,
        )

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
        """One decision through ``stockgate.services.decisions.decide`` (route ``slack``)."""
        result = decide(
            self.ledger, self.policy, request_id=request_id, expected_version=expected_version, actor=actor,
            action=action, reason=reason, edit=edit, route="slack", actor_groups=actor_groups,
        )  # fmt: skip
        return self._snapshot(result.request)

    def pending_for(self, *, actor: str, actor_groups: Collection[str]) -> list[RequestSnapshot]:
        """Pending requests ``actor`` may approve now (the policy decides, as for a click)."""
        pending = self.ledger.list_requests(status=Status.PENDING)
        mine = [r for r in pending if may_decide(self.policy, r, actor, "approve", actor_groups=actor_groups) is None]
        return [self._snapshot(r) for r in mine]

    def posted(self, *, limit: int = 500) -> list[tuple[str, int]]:
        """Recent requests with a Slack message, and their ledger revision."""
        return [(r.id, r.revision) for r in self.ledger.list_requests(limit=limit) if r.slack_ts]

    def set_slack_message(self, request_id: str, *, channel: str, ts: str) -> None:
        """Remember where the message is."""
        self.ledger.set_slack_message(request_id, channel=channel, ts=ts)

    def flow_run_of(self, request_id: str) -> str | None:
        """The Prefect run waiting on this request."""
        return self.ledger.get(request_id).flow_run_id


def wake_run_hook(approvals: LedgerApprovals, wake: Callable[..., bool]) -> Callable[[str], None]:
    """An ``on_decided`` hook: wake the request's waiting run with ``wake(flow_run_id=..., request_id=...)``.

    Pass ``PrefectRunWaker().wake`` (sync: the hook runs in a worker thread without an event loop).
    """

    def on_decided(request_id: str) -> None:
        flow_run_id = approvals.flow_run_of(request_id)
        if flow_run_id:
            wake(flow_run_id=flow_run_id, request_id=request_id)

    return on_decided
