"""What a Slack card shows about one approval request, read from the ledger at the moment of drawing.

Cards are drawn from a ``RequestSnapshot`` only, never from a previous message: amounts, quantities and the
decision state always come from the ledger.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from stockgate.domain.drafts import CopyDraft, PurchaseOrder

PENDING = "pending"


@dataclass(frozen=True)
class DecisionLine:
    """One recorded decision: who, what, when (UTC) and why."""

    actor: str
    action: str
    at: datetime
    reason: str | None = None
    route: str = "slack"


@dataclass(frozen=True)
class RequestSnapshot:
    """An approval request as the ledger holds it now."""

    request_id: str
    version: int
    status: str
    draft: PurchaseOrder | CopyDraft
    created_at: datetime
    approvals_required: int = 1
    approvers: tuple[str, ...] = ()
    decisions: tuple[DecisionLine, ...] = ()
    still_needed: str | None = None
    run_url: str | None = None
    committed_ref: str | None = None
    committed_at: datetime | None = None
    channel: str | None = None
    ts: str | None = None
    revision: int = 0

    @property
    def is_pending(self) -> bool:
        """True while the request can still be decided."""
        return self.status == PENDING


def button_value(request_id: str, version: int) -> str:
    """The only thing a button carries: the request id and the version it was drawn for."""
    return json.dumps({"r": request_id, "v": version}, separators=(",", ":"))


def parse_button_value(value: str) -> tuple[str, int]:
    """``(request_id, version)`` from a button value or modal ``private_metadata``; ValueError if malformed."""
    data = json.loads(value)
    request_id, version = data["r"], data["v"]
    if not isinstance(request_id, str) or not isinstance(version, int):
        raise ValueError("button value must carry a request id and an integer version")
    return request_id, version
