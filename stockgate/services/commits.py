"""Exactly-once commit of an approved draft version through a sink.

The idempotency key is a function of the request id and the approved version only, so every retry, every re-run of
a suspended flow and every concurrent committer sends the SAME key:

1. the request is committed already -> return the recorded commit; the sink is not called;
2. the request is not approved (pending, rejected, expired) -> nothing is committed; the outcome says why;
3. else call ``sink.commit(kind, payload, key)`` (idempotent on the key), then record the commit in the ledger
   (unique key). A crash between 3's two steps leaves the request approved; the next call repeats the sink call
   with the same key, which creates nothing new, and records the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.sinks.base import Sink
from stockgate.domain.approvals.requests import ApprovalRequest, Status
from stockgate.domain.copy.publishing import publication_payload
from stockgate.domain.drafts import CopyDraft, PurchaseOrder


def idempotency_key(request_id: str, version: int) -> str:
    """The key of one approved version: ``stockgate-<request id>-v<version>``."""
    return f"stockgate-{request_id}-v{version}"


@dataclass(frozen=True)
class CommitOutcome:
    """What a commit attempt did. ``committed`` is True when the draft is (now or already) committed."""

    request_id: str
    status: Status
    committed: bool
    idempotency_key: str
    external_ref: str | None
    message: str


def commit_payload(ledger: Ledger, request: ApprovalRequest) -> dict[str, Any]:
    """What the sink receives: the approved draft version and who approved it when (copy: also schema, sku,
    channel, as in ``stockgate.domain.copy.publishing.publication_payload``)."""
    draft = ledger.draft(request.id, request.version)
    data = draft.to_json_dict() if isinstance(draft, PurchaseOrder) else draft.model_dump(mode="json")
    payload = {
        "request_id": request.id,
        "version": request.version,
        "approved_by": request.decided_by,
        "approved_at": request.decided_at.isoformat() if request.decided_at else None,
        "draft": data,
    }
    if isinstance(draft, CopyDraft):  # the shop reads the payload schema, product and channel at the top level
        shown = publication_payload(draft, version=request.version)
        payload |= {key: shown[key] for key in ("schema", "sku", "channel")}
    return payload


def commit_approved(ledger: Ledger, sink: Sink, *, request_id: str, now: datetime | None = None) -> CommitOutcome:
    """Commit the approved version of a request exactly once; never raises for an unapproved one.

    Raises CommitError only when the sink fails (after its own retries); the request stays approved and a later
    call with the same sink commits it.
    """
    request = ledger.get(request_id)
    key = idempotency_key(request.id, request.version)
    if request.status == Status.COMMITTED:
        found = ledger.find_commit(key)
        ref = found.external_ref if found else request.external_ref
        return CommitOutcome(request.id, request.status, True, key, ref, f"Already committed as {ref}.")
    if request.status != Status.APPROVED:
        reason = f"Request {request.id} is {request.status.value}; nothing was committed."
        return CommitOutcome(request.id, request.status, False, key, None, reason)
    external_ref = sink.commit(request.kind, commit_payload(ledger, request), key)
    record = ledger.record_commit(request, idempotency_key=key, sink=sink.name, external_ref=external_ref, now=now)
    message = f"Committed version {record.version} to {record.sink} as {record.external_ref}."
    return CommitOutcome(request.id, Status.COMMITTED, True, key, record.external_ref, message)
