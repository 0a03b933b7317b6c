"""What a decision does to a request, computed purely; the ledger then writes it with a conditional update.

- approve: the actor joins the approvals of the current version; the request is approved once enough different
  people approved and at least one of them neither started the run nor edited the draft.
- edit: a new version; its approvals restart with the editor alone, so someone else must still approve.
- reject: final at once, by any approver.
"""

from __future__ import annotations

from dataclasses import dataclass

from stockgate.domain.approvals.requests import Action, ApprovalRequest, Status, approvals_still_needed


@dataclass(frozen=True)
class Transition:
    """The request's state after one decision."""

    status: Status
    version: int
    approvals: tuple[str, ...]
    editors: tuple[str, ...]
    still_needed: int

    @property
    def final(self) -> bool:
        """True when this decision closes the request (approved or rejected)."""
        return self.status != Status.PENDING


def next_state(request: ApprovalRequest, *, actor: str, action: Action) -> Transition:
    """The state after ``actor`` takes ``action`` on ``request`` (authorization is checked before, by may_decide)."""
    if action == "reject":
        return Transition(Status.REJECTED, request.version, request.approvals, request.editors, 0)
    if action == "edit":
        editors = tuple(dict.fromkeys((*request.editors, actor)))
        conflicted = frozenset({*editors, *([request.started_by] if request.started_by else [])})
        needed = approvals_still_needed((actor,), request.required_approvals, conflicted)
        return Transition(Status.PENDING, request.version + 1, (actor,), editors, needed)
    approvals = tuple(dict.fromkeys((*request.approvals, actor)))
    needed = approvals_still_needed(approvals, request.required_approvals, request.conflicted)
    status = Status.APPROVED if needed == 0 else Status.PENDING
    return Transition(status, request.version, approvals, request.editors, needed)
