"""The copy supersede rule, applied: a later ready draft for the same product and channel replaces the pending one.

For each new ready draft, the pending copy requests of OTHER runs that it supersedes
(``stockgate.domain.copy.publishing.superseded_by``) are withdrawn first: status ``expired``, reason
``superseded by request <new id>``, audit event ``superseded``. Then the new request is opened under that id. The
id is derived from the flow run and the draft, so a retried task names the same request and opens it only once
(the request's ``open_key`` makes opening idempotent).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from stockgate.adapters.ledger import Ledger
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.domain.copy.publishing import superseded_by
from stockgate.domain.drafts import CopyDraft, DraftKind
from stockgate.services.decisions import open_request

EVENT = "superseded"
"""The audit-trail event of a withdrawn request."""


@dataclass(frozen=True)
class Superseded:
    """One withdrawn request and the request that replaced it."""

    old_request: str
    old_draft: str
    new_request: str
    new_draft: str
    old_flow_run_id: str | None
    reason: str


def new_request_id(*, flow_run_id: str | None, draft_id: str) -> str | None:
    """The id the new request gets: stable per flow run and draft (``AR-<10 hex>``); None outside a run."""
    if not flow_run_id:
        return None
    digest = hashlib.sha256(f"{flow_run_id}:{DraftKind.COPY}:{draft_id}".encode()).hexdigest()[:10]
    return f"AR-{digest}"


def pending_copy(ledger: Ledger, *, other_than_run: str | None) -> list[tuple[ApprovalRequest, CopyDraft]]:
    """Pending copy requests (with their current draft) not opened by the run ``other_than_run``."""
    found = []
    for request in ledger.list_requests(status=Status.PENDING, kind=DraftKind.COPY, limit=5000):
        if other_than_run is None or request.flow_run_id != other_than_run:
            draft = ledger.draft(request.id)
            if isinstance(draft, CopyDraft):
                found.append((request, draft))
    return found


def supersede_pending(
    ledger: Ledger,
    policy: Policy,
    *,
    drafts: Sequence[CopyDraft],
    started_by: str | None,
    flow_run_id: str | None,
    now: datetime | None = None,
) -> list[Superseded]:
    """Withdraw the pending requests that ``drafts`` supersede, then open each superseding draft's request.

    Drafts that supersede nothing are left for the gate to open as usual. Returns what was withdrawn.
    """
    pending = pending_copy(ledger, other_than_run=flow_run_id)
    done: list[Superseded] = []
    for new in drafts:
        replaced = {d.draft_id for d in superseded_by(new, [d for _, d in pending])}
        old_requests = [r for r, d in pending if d.draft_id in replaced]
        if not old_requests:
            continue
        new_id = new_request_id(flow_run_id=flow_run_id, draft_id=new.draft_id) or _random_id()
        reason = f"superseded by request {new_id}"
        for old in old_requests:
            changes = {"superseded_by": new_id, "draft_id": new.draft_id}
            if ledger.withdraw(old.id, reason=reason, event=EVENT, changes=changes, now=now):
                done.append(Superseded(old.id, old.draft_id, new_id, new.draft_id, old.flow_run_id, reason))
        open_request(ledger, policy, draft=new, started_by=started_by, flow_run_id=flow_run_id, now=now,
                     request_id=new_id)  # fmt: skip
        pending = [(r, d) for r, d in pending if r.id not in {o.id for o in old_requests}]
    return done


def superseded_by_requests(ledger: Ledger, request_ids: Sequence[str]) -> list[str]:
    """Ids of the requests that ``request_ids`` superseded (read back, e.g. when a suspended run resumes)."""
    reasons = {f"superseded by request {rid}" for rid in request_ids}
    expired = ledger.list_requests(status=Status.EXPIRED, kind=DraftKind.COPY, limit=5000)
    return [r.id for r in expired if r.reason in reasons]


def _random_id() -> str:
    return f"AR-{uuid.uuid4().hex[:10]}"
