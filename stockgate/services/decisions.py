"""The ONE decision path. The command line, the Prefect UI resume, Slack and automatic passes all call ``decide``.

``open_request`` asks the policy how a draft must be decided, stores the request, and records an automatic pass
(through ``decide``, with the rule as reason) when the policy allows one. ``decide`` then:

1. reads the request from the ledger (never trusting amounts or state from a message or form);
2. refuses a closed, expired or outdated request with ``AlreadyDecided`` (who decided first, and when);
3. checks the policy with ``may_decide`` (``NotAuthorized``: outsider, self-approval, same person twice);
4. checks the reason category (required to edit a purchase order) and re-validates an edit (``InvalidEdit``);
5. writes the decision with the ledger's atomic conditional update; if another decision got in first, it
   re-reads and goes back to step 2, so of any number of concurrent attempts exactly one wins.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.ledger.records import now_utc, utc
from stockgate.domain.approvals.policy import Policy
from stockgate.domain.approvals.requests import AUTO_ACTOR, Action, ApprovalRequest, DraftFacts, Status
from stockgate.domain.approvals.rules import evaluate, may_decide
from stockgate.domain.approvals.transitions import next_state
from stockgate.domain.drafts import CopyDraft, DraftKind, PurchaseOrder
from stockgate.domain.learning.reasons import check_reason_category
from stockgate.errors import AlreadyDecided, ApprovalError, InvalidEdit, NotAuthorized
from stockgate.services import edits

_ATTEMPTS = 10
ROUTES = ("cli", "slack", "prefect-ui", "auto", "api")


@dataclass(frozen=True)
class DecisionResult:
    """What a recorded decision did. ``request`` is the ledger's state right after it."""

    request: ApprovalRequest
    actor: str
    action: Action
    final: bool
    still_needed: int
    message: str

    @property
    def flow_run_id(self) -> str | None:
        """The Prefect run waiting on this request, to wake it (``stockgate.adapters.runs``)."""
        return self.request.flow_run_id


def decide(
    ledger: Ledger,
    policy: Policy,
    *,
    request_id: str,
    expected_version: int,
    actor: str,
    action: Action,
    reason: str | None = None,
    edit: dict[str, Any] | None = None,
    route: str,
    actor_groups: Collection[str] = (),
    now: datetime | None = None,
    reason_category: str | None = None,
) -> DecisionResult:
    """Record ``actor``'s ``action`` on version ``expected_version`` of a request, or raise why not.

    Args:
        expected_version: the draft version the person saw (buttons and forms carry it); a newer one is refused.
        reason: required for ``reject`` and ``edit``; kept in the ledger and the audit trail.
        edit: for ``edit``, see ``stockgate.services.edits`` for its shape; the edited draft becomes a new
            version that someone other than the editor must still approve.
        route: where the decision came from: ``cli``, ``slack``, ``prefect-ui``, ``auto`` or ``api``.
        actor_groups: policy group ids the caller has verified the actor belongs to (Slack user groups).
        reason_category: why (``stockgate.domain.learning.reasons``): promotion, supplier_issue, data_error,
            gut_feeling or other (needs ``reason``). Required to edit a purchase order. Routes that send the edit
            as one dict (Slack) may put it there as ``edit["reason_category"]``.

    Raises:
        AlreadyDecided, NotAuthorized, InvalidEdit, ApprovalError (unknown request, missing reason).
    """
    actor, reason = actor.strip(), (reason or "").strip() or None
    if edit and "reason_category" in edit:
        edit = dict(edit)
        reason_category = reason_category or edit.pop("reason_category")
    _check_inputs(action=action, reason=reason, edit=edit, route=route)
    at = utc(now or now_utc())
    for _ in range(_ATTEMPTS):
        request = _pending_request(ledger, request_id, expected_version, at)
        refusal = may_decide(policy, request, actor, action, actor_groups=actor_groups)
        if refusal:
            raise NotAuthorized(refusal)
        category = check_reason_category(action=action, kind=request.kind, category=reason_category, reason=reason)
        new_draft, changes = _prepare_edit(ledger, request, edit) if action == "edit" else (None, {})
        transition = next_state(request, actor=actor, action=action)
        written = ledger.apply_decision(
            request, transition, actor=actor, action=action, route=route, reason=reason,
            new_draft=new_draft, changes=changes, now=at, reason_category=category.value if category else None,
        )  # fmt: skip
        if written:
            after = ledger.get(request_id)
            message = _message(after, actor, action, transition.still_needed)
            return DecisionResult(after, actor, action, transition.final, transition.still_needed, message)
    raise ApprovalError(f"Request {request_id} kept changing while {actor} decided; nothing was recorded. Try again.")


def _check_inputs(*, action: str, reason: str | None, edit: dict[str, Any] | None, route: str) -> None:
    if action not in ("approve", "reject", "edit"):
        raise ApprovalError(f"Unknown action '{action}'; use approve, reject or edit.")
    if route not in ROUTES:
        raise ApprovalError(f"Unknown decision route '{route}'; use one of {', '.join(ROUTES)}.")
    if action in ("reject", "edit") and not reason:
        raise ApprovalError(f"A reason is required to {action}.", hint="Say why in a sentence (--reason).")
    if action == "edit" and not edit:
        raise InvalidEdit("An edit needs the changes, e.g. quantities per sku@location.")


def _pending_request(ledger: Ledger, request_id: str, expected_version: int, at: datetime) -> ApprovalRequest:
    request = ledger.get(request_id)
    if request.is_open and request.expires_at is not None and request.expires_at <= at:
        ledger.expire(request_id, now=at)
        request = ledger.get(request_id)
    if not request.is_open:
        raise AlreadyDecided(closed_message(request))
    if request.version != expected_version:
        editors = ", ".join(request.editors) or "someone"
        raise AlreadyDecided(
            f"Request {request_id} is now at version {request.version} (edited by {editors}); you saw version "
            f"{expected_version}.",
            hint="Reload it and decide on the current version.",
        )
    return request


def closed_message(request: ApprovalRequest) -> str:
    """One sentence saying who closed a request and when (``AlreadyDecided`` uses it)."""
    when = request.decided_at.strftime("%Y-%m-%d %H:%M:%S UTC") if request.decided_at else "an unknown time"
    if request.status == Status.EXPIRED:
        return f"Request {request.id} expired at {when} without a decision; nothing was committed."
    verb = "rejected" if request.status == Status.REJECTED else "approved"
    text = f"Request {request.id} was already {verb} by {request.decided_by} at {when}."
    if request.status == Status.COMMITTED:
        text += f" It was committed as {request.external_ref}."
    return text


def _prepare_edit(
    ledger: Ledger, request: ApprovalRequest, edit: dict[str, Any] | None
) -> tuple[PurchaseOrder | CopyDraft, dict[str, Any]]:
    current = ledger.draft(request.id, request.version)
    if isinstance(current, PurchaseOrder):
        edited: PurchaseOrder | CopyDraft = edits.apply_po_edit(current, edit or {}, budget=request.budget)
    else:
        edited = edits.apply_copy_edit(current, edit or {})
    changes = edits.edit_changes(current, edited)
    if not changes.get("lines", True) or changes == {}:
        raise InvalidEdit(f"The edit changes nothing in request {request.id}.", hint="Approve it instead.")
    return edited, {"edit": changes, "version": [request.version, request.version + 1]}


def _message(request: ApprovalRequest, actor: str, action: Action, still_needed: int) -> str:
    if action == "reject":
        return f"Rejected by {actor}: {request.reason}"
    done = "Edited" if action == "edit" else "Approved"
    if still_needed == 0:
        return f"{done} by {request.decided_by}; request {request.id} is approved."
    more = "one more approver" if still_needed == 1 else f"{still_needed} more approvers"
    excluded = " or ".join(sorted(request.conflicted | set(request.approvals)))
    return f"{done} by {actor} (version {request.version}); {more} needed, someone other than {excluded}."


def draft_facts(
    draft: PurchaseOrder | CopyDraft, *, categories: Sequence[str] = (), first_order: bool = True
) -> DraftFacts:
    """The facts the policy looks at, from a draft."""
    if isinstance(draft, PurchaseOrder):
        return DraftFacts(
            subject=draft.supplier, total=draft.total_cost, confidence=draft.confidence,
            warnings=len(draft.warnings), supplier=draft.supplier, categories=tuple(categories),
            first_order=first_order, approver_group=draft.approver_group,
        )  # fmt: skip
    failed = sum(1 for check in draft.checks if not check.passed) + (draft.status == "blocked")
    return DraftFacts(subject=draft.sku, confidence="high" if failed == 0 else "low", warnings=failed,
                      categories=tuple(categories), first_order=False)  # fmt: skip


def open_request(
    ledger: Ledger,
    policy: Policy,
    *,
    draft: PurchaseOrder | CopyDraft,
    started_by: str | None,
    flow_run_id: str | None = None,
    categories: Sequence[str] = (),
    first_order: bool | None = None,
    budget: float | None = None,
    now: datetime | None = None,
    request_id: str | None = None,
) -> ApprovalRequest:
    """Open (or, in the same flow run, re-open idempotently) the request for one draft; auto-pass if allowed.

    ``first_order`` defaults to "no order from this supplier was ever committed in this ledger".
    A blocked copy draft never passes automatically. ``request_id`` names a new request in advance (the copy
    supersede rule withdraws the older request in its name first); default: a random id.
    """
    kind = DraftKind.PURCHASE_ORDER if isinstance(draft, PurchaseOrder) else DraftKind.COPY
    if first_order is None:
        first_order = isinstance(draft, PurchaseOrder) and not ledger.has_committed(kind=kind, subject=draft.supplier)
    facts = draft_facts(draft, categories=categories, first_order=first_order)
    gate = evaluate(policy, kind=kind, facts=facts, started_by=started_by)
    if gate.automatic and isinstance(draft, CopyDraft) and draft.status == "blocked":
        gate = replace(gate, route="one_approver", rule="blocked-draft-needs-a-person", required_approvals=1)
    draft_id = draft.po_id if isinstance(draft, PurchaseOrder) else draft.draft_id
    open_key = f"{flow_run_id}:{kind}:{draft_id}" if flow_run_id else None
    request = ledger.open_request(
        kind=kind, draft=draft, gate=gate, started_by=started_by, categories=categories,
        flow_run_id=flow_run_id, open_key=open_key, budget=budget, now=now, request_id=request_id,
    )  # fmt: skip
    if gate.automatic and request.is_open and not request.approvals:
        reason = f"Automatic pass allowed by policy rule '{gate.rule}'."
        decide(ledger, policy, request_id=request.id, expected_version=request.version, actor=AUTO_ACTOR,
               action="approve", reason=reason, route="auto", now=now)  # fmt: skip
        request = ledger.get(request.id)
    return request
