"""Where copy appears and how long it may be: product page blurb, email (subject + body), social post.

Lengths are in characters after surrounding whitespace is stripped. The limits follow what the shop fronts
show without cutting: an email subject over 78 characters is truncated by most mail apps, a social post over
280 characters is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from stockgate.domain.drafts import CopyDraft

Channel = Literal["product_page", "email", "social"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)


@dataclass(frozen=True)
class LengthLimit:
    """Allowed length of one part of a draft, in characters (inclusive)."""

    min_chars: int
    max_chars: int


LIMITS: dict[str, dict[str, LengthLimit]] = {
    "product_page": {"text": LengthLimit(80, 600)},
    "email": {"subject": LengthLimit(15, 78), "body": LengthLimit(120, 1200)},
    "social": {"text": LengthLimit(40, 280)},
}
"""Length limits per channel and part (``text`` or ``subject`` + ``body``)."""


def limits_as_params() -> dict[str, dict[str, list[int]]]:
    """The limits as plain JSON (``{"email": {"subject": [15, 78], ...}}``) for a validation suite parameter."""
    return {ch: {part: [lim.min_chars, lim.max_chars] for part, lim in parts.items()} for ch, parts in LIMITS.items()}


def draft_parts(draft: CopyDraft) -> dict[str, str]:
    """The visible parts of a draft by name: ``text`` for one-part channels, ``subject`` and ``body`` for email."""
    if draft.channel == "email":
        return {"subject": draft.subject or "", "body": draft.body or ""}
    return {"text": draft.text or ""}


def draft_content(draft: CopyDraft) -> str:
    """Everything a customer would read, parts joined by a blank line (what wording checks scan)."""
    return "\n\n".join(part for part in draft_parts(draft).values() if part)


def parse_channels(names: str | list[str] | None) -> tuple[Channel, ...]:
    """``"email,social"`` -> ``("email", "social")``; None -> all; ValueError naming an unknown channel."""
    if names is None:
        return CHANNELS
    items = names.split(",") if isinstance(names, str) else names
    chosen: list[Channel] = []
    for raw in (item.strip() for item in items if item.strip()):
        if raw not in CHANNELS:
            raise ValueError(f"'{raw}' is not a channel; use one of {', '.join(CHANNELS)}")
        chosen.append(raw)
    return tuple(chosen) or CHANNELS
