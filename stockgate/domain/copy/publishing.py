"""Rules for what reaches the shop front: which draft supersedes which, and the payload a sink publishes.

The ledger stores copy versions and the sinks publish them; this module only decides, purely.
"""

from __future__ import annotations

from typing import Any

from stockgate.domain.drafts import CopyDraft
from stockgate.errors import InvalidEdit

PAYLOAD_SCHEMA = "stockgate.copy/1"
"""Version of the publishing payload shape; bump it when the shape changes."""


def same_slot(a: CopyDraft, b: CopyDraft) -> bool:
    """True when both drafts are for the same product and channel (one place on the shop front)."""
    return a.sku == b.sku and a.channel == b.channel


def supersedes(new: CopyDraft, pending: CopyDraft) -> bool:
    """True when ``new`` replaces the ``pending`` draft awaiting a decision.

    It must be for the same product and channel, be a different draft, be ready (a blocked draft is never sent
    for approval, so it replaces nothing), and not be older (``facts["as_of"]``, ISO dates compare as text).
    """
    if not same_slot(new, pending) or new.draft_id == pending.draft_id or new.status != "ready":
        return False
    return str(new.facts.get("as_of") or "") >= str(pending.facts.get("as_of") or "")


def superseded_by(new: CopyDraft, pending: list[CopyDraft]) -> list[CopyDraft]:
    """The pending drafts that ``new`` supersedes (to be withdrawn from approval, their Slack cards updated)."""
    return [draft for draft in pending if supersedes(new, draft)]


def idempotency_key(draft: CopyDraft, *, version: int) -> str:
    """The key a sink uses to publish one approved version exactly once: ``<draft_id>:v<version>``."""
    return f"{draft.draft_id}:v{version}"


def publication_payload(draft: CopyDraft, *, version: int, approved_by: list[str] | None = None) -> dict[str, Any]:
    """What a sink publishes for an approved version: the draft as JSON, the version, and the idempotency key.

    ``version`` counts from 1 for the first stored text of ``draft_id``; an approved edit is a new version.
    """
    if version < 1:
        raise ValueError(f"version must be 1 or more, got {version}")
    return {
        "schema": PAYLOAD_SCHEMA,
        "idempotency_key": idempotency_key(draft, version=version),
        "version": version,
        "sku": draft.sku,
        "channel": draft.channel,
        "approved_by": list(approved_by or []),
        "draft": draft.model_dump(mode="json"),
    }


def edit_draft(
    draft: CopyDraft, *, editor: str, text: str | None = None, subject: str | None = None, body: str | None = None
) -> CopyDraft:
    """The draft with a person's new wording, unchecked (run ``validations.copy.validate_copy_edit`` next).

    Email takes ``subject`` and/or ``body``; the other channels take ``text``. The ``draft_id`` stays (the ledger
    counts versions); ``generator`` records the editor. InvalidEdit when the edit does not fit the channel.
    """
    if draft.channel == "email":
        if text is not None or (subject is None and body is None):
            raise InvalidEdit("An email edit changes the subject and/or the body, not a single text.")
        update: dict[str, Any] = {"subject": subject or draft.subject, "body": body or draft.body}
    else:
        if text is None or subject is not None or body is not None:
            raise InvalidEdit(f"A {draft.channel} edit changes the text only.")
        update = {"text": text}
    if not any(str(value or "").strip() for value in update.values()):
        raise InvalidEdit("The edited copy is empty.")
    return draft.model_copy(update=update | {"generator": f"edited by {editor}", "checks": [], "status": "ready"})
