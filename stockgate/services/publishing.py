"""Copy already published, read back from the ledger, for the near-duplicate check of new drafts.

The ledger records every commit (which version went to which sink, when); the published text is that version
of the request's draft. Publishing itself is the generic exactly-once commit (``stockgate.services.commits``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.ledger.records import now_utc, utc
from stockgate.domain.approvals.requests import Status
from stockgate.domain.copy.channels import draft_content
from stockgate.domain.drafts import CopyDraft, DraftKind
from stockgate.services.commits import idempotency_key

RECENT_DAYS = 42
"""How far back published copy counts for the near-duplicate check (days)."""


def recent_published(ledger: Ledger, *, days: int = RECENT_DAYS, now: datetime | None = None) -> list[dict[str, Any]]:
    """Copy published in the last ``days`` days: ``{"sku", "channel", "text", "published_at"}`` per version."""
    since = utc(now or now_utc()) - timedelta(days=days)
    found = []
    for request in ledger.list_requests(status=Status.COMMITTED, kind=DraftKind.COPY, limit=5000):
        commit = ledger.find_commit(idempotency_key(request.id, request.version))
        if commit is None or commit.at < since:
            continue
        draft = ledger.draft(request.id, commit.version)
        if isinstance(draft, CopyDraft):
            found.append({"sku": draft.sku, "channel": draft.channel, "text": draft_content(draft),
                          "published_at": commit.at.date().isoformat()})  # fmt: skip
    return found
