"""Pure policy evaluation: which route a draft takes, and whether a person may decide a request.

``evaluate`` runs when a request is opened; ``may_decide`` runs on every decision, whatever its route
(command line, Slack, Prefect UI, automatic). Neither touches a database or the network.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from stockgate.domain.approvals.policy import ANY_PERSON, SAFE_GATE, SUPPLIER_GROUP, Conditions, Gate, Policy, Route
from stockgate.domain.approvals.requests import AUTO_ACTOR, Action, ApprovalRequest, DraftFacts

_CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
_REQUIRED = {"auto": 1, "one_approver": 1, "four_eyes": 2}


@dataclass(frozen=True)
class GateRoute:
    """The outcome of the policy for one draft. Hours are counted from when the request opens."""

    route: Route
    rule: str
    required_approvals: int
    approvers: tuple[str, ...]
    timeout_hours: float
    remind_after_hours: tuple[float, ...]
    escalate_after_hours: float | None
    escalate_to: tuple[str, ...]
    channel: str | None
    started_by: str | None = None

    @property
    def automatic(self) -> bool:
        """True when the draft may pass without a human (the pass is still recorded)."""
        return self.route == "auto"


def matches(when: Conditions, facts: DraftFacts) -> bool:
    """True when every condition given in ``when`` holds for ``facts``."""
    checks = [
        when.max_total is None or facts.total <= when.max_total,
        when.min_total is None or facts.total >= when.min_total,
        when.min_confidence is None or _CONFIDENCE_RANK[facts.confidence] >= _CONFIDENCE_RANK[when.min_confidence],
        not when.no_warnings or facts.warnings == 0,
        not when.not_first_order or not facts.first_order,
        not when.first_order or facts.first_order,
        when.suppliers is None or facts.supplier in when.suppliers,
        when.categories is None or (bool(facts.categories) and set(facts.categories) <= set(when.categories)),
        when.any_category is None or bool(set(facts.categories) & set(when.any_category)),
    ]
    return all(checks)


def _merge(*gates: Gate) -> Gate:
    merged: dict[str, object] = {}
    for gate in gates:
        merged.update({k: v for k, v in gate.model_dump(include=set(Gate.model_fields)).items() if v is not None})
    return Gate.model_validate(merged)


def _resolve_approvers(refs: list[str], facts: DraftFacts, policy: Policy) -> tuple[str, ...]:
    resolved = []
    for ref in refs:
        if ref == SUPPLIER_GROUP:
            if facts.approver_group and facts.approver_group in policy.groups:
                resolved.append(f"group:{facts.approver_group}")
        else:
            resolved.append(ref)
    return tuple(dict.fromkeys(resolved))


def evaluate(policy: Policy, *, kind: str, facts: DraftFacts, started_by: str | None) -> GateRoute:
    """Route a draft: the first rule of its kind whose conditions hold, else the kind's default gate.

    An unconfigured kind or field falls back to the safe gate: one human approver, 168 h timeout.
    If no approver reference resolves (e.g. only ``supplier_group`` and the supplier names an unknown group),
    the request falls back to ``"*"`` (any named person) rather than to nobody, and stays human.
    """
    kind_policy = policy.kind(kind)
    rule = next((r for r in kind_policy.rules if matches(r.when, facts)), None)
    gate = _merge(SAFE_GATE, kind_policy.default, *([rule] if rule else []))
    route: Route = gate.route or "one_approver"
    approvers = _resolve_approvers(gate.approvers or [ANY_PERSON], facts, policy) or (ANY_PERSON,)
    return GateRoute(
        route=route,
        rule=rule.name if rule else "default",
        required_approvals=_REQUIRED[route],
        approvers=approvers,
        timeout_hours=float(gate.timeout_hours or 168.0),
        remind_after_hours=tuple(gate.remind_after_hours or ()),
        escalate_after_hours=gate.escalate_after_hours,
        escalate_to=tuple(gate.escalate_to or ()),
        channel=gate.channel,
        started_by=started_by,
    )


def is_approver(policy: Policy, approvers: Collection[str], actor: str, actor_groups: Collection[str] = ()) -> bool:
    """True when ``actor`` is named, or is in a named group (policy members or verified ``actor_groups``)."""
    for ref in approvers:
        if ref == ANY_PERSON and actor in policy.people:
            return True
        if ref == ANY_PERSON and not policy.people and actor != AUTO_ACTOR:
            return True  # the embedded default names nobody: any identified person may decide
        if ref == actor or actor in policy.members(ref):
            return True
        if ref.startswith("group:") and ref.removeprefix("group:") in actor_groups:
            return True
    return False


def may_decide(
    policy: Policy, request: ApprovalRequest, actor: str, action: Action, *, actor_groups: Collection[str] = ()
) -> str | None:
    """None when ``actor`` may take ``action`` on ``request`` now, else the reason in one plain sentence.

    Rules: only the policy's approvers decide; the automatic actor only approves requests routed ``auto``;
    nobody approves the same version twice; whoever started the run or edited the draft never approves alone.
    """
    if not actor.strip():
        return "A decision needs the name of the person deciding."
    if actor == AUTO_ACTOR:
        ok = action == "approve" and request.route == "auto"
        return None if ok else f"Request {request.id} is not routed for an automatic pass; a person must decide."
    if not is_approver(policy, request.approvers, actor, actor_groups):
        who = ", ".join(request.approvers)
        return f"{actor} is not an approver of request {request.id} under the policy (approvers: {who})."
    if action == "approve":
        return _approval_refusal(request, actor)
    return None


def _approval_refusal(request: ApprovalRequest, actor: str) -> str | None:
    if actor in request.approvals and actor in request.editors:
        return f"{actor} edited version {request.version} of request {request.id}; another approver must approve it."
    if actor in request.approvals:
        return f"{actor} already approved version {request.version} of request {request.id}; a different person must."
    after = (*request.approvals, actor)
    completes = len(set(after)) >= request.required_approvals
    if completes and set(after) <= request.conflicted:
        role = "edited the draft" if actor in request.editors else "started the run"
        return f"{actor} {role} and may not approve request {request.id} alone; another approver must approve it."
    return None
