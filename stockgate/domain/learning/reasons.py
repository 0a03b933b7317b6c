"""Reason categories: why a person changed (or rejected) what the machine proposed.

Every edit of a purchase order carries one category, so the learning loop can ask "did edits for known promotions
help?" rather than only "did edits help?". ``other`` needs a sentence saying what it was.
"""

from __future__ import annotations

from enum import StrEnum

from stockgate.errors import ApprovalError


class ReasonCategory(StrEnum):
    """Why a person changed a proposal."""

    PROMOTION = "promotion"
    SUPPLIER_ISSUE = "supplier_issue"
    DATA_ERROR = "data_error"
    GUT_FEELING = "gut_feeling"
    OTHER = "other"


LABELS: dict[ReasonCategory, str] = {
    ReasonCategory.PROMOTION: "Promotion known to the team",
    ReasonCategory.SUPPLIER_ISSUE: "Supplier issue",
    ReasonCategory.DATA_ERROR: "Data error",
    ReasonCategory.GUT_FEELING: "Gut feeling",
    ReasonCategory.OTHER: "Other (say what in the reason)",
}
UNCHANGED = "unchanged"
"""The category the learning loop gives lines a person approved as proposed."""

_CHOICES = ", ".join(c.value for c in ReasonCategory)


def parse_reason_category(value: str | ReasonCategory | None) -> ReasonCategory | None:
    """The category named by ``value`` (case and dashes ignored: "Gut-Feeling" works); None for empty."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ReasonCategory(text)
    except ValueError:
        raise ApprovalError(
            f"Unknown reason category '{value}'.", hint=f"Choose a reason category: {_CHOICES}."
        ) from None


def check_reason_category(
    *, action: str, kind: str, category: str | ReasonCategory | None, reason: str | None
) -> ReasonCategory | None:
    """The validated category of a decision, or ApprovalError saying what is missing.

    Required when a purchase order is edited; optional otherwise (approvals, rejections, copy edits).
    ``other`` requires the reason text.
    """
    parsed = parse_reason_category(category)
    if parsed is None and action == "edit" and kind == "purchase_order":
        raise ApprovalError(
            "An edit of a purchase order needs a reason category, so its effect can be measured later.",
            hint=f"Choose a reason category: {_CHOICES}.",
        )
    if parsed is ReasonCategory.OTHER and not (reason or "").strip():
        raise ApprovalError(
            "Reason category 'other' needs a sentence saying what it was.",
            hint="Add a reason saying what it was, or choose another category.",
        )
    return parsed
