"""The approval policy: loading and validation, routing of drafts, and who may decide."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from stockgate.domain.approvals import AUTO_ACTOR, ApprovalRequest, DraftFacts, Status, evaluate, may_decide
from stockgate.domain.approvals.policy import load_policy, parse_policy
from stockgate.errors import ConfigError
from tests.ledger_fixtures import POLICY, policy  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
ROUTINE = DraftFacts(subject="SUP01", supplier="SUP01", total=80, confidence="high", warnings=0, first_order=False)


def _request(**overrides: Any) -> ApprovalRequest:
    base: dict[str, Any] = dict(
        id="AR-1", kind="purchase_order", subject="SUP01", status=Status.PENDING, version=1, revision=1,
        route="one_approver", rule="default", required_approvals=1, approvers=("group:buyers",),
        started_by="bob", created_at=datetime(2026, 11, 1, tzinfo=UTC), expires_at=None,
    )  # fmt: skip
    return ApprovalRequest(**{**base, **overrides})


def _with_rules(*rules: dict[str, Any]) -> dict[str, Any]:
    return {**POLICY, "kinds": {"purchase_order": {"default": {"approvers": ["alice"]}, "rules": list(rules)}}}


def test_default_policy_sends_everything_to_a_human() -> None:
    """The embedded policy gives even a tiny, confident, repeat order one human approver."""
    default = load_policy()
    for kind in ("purchase_order", "copy"):
        route = evaluate(default, kind=kind, facts=ROUTINE, started_by="bob")
        assert (route.route, route.required_approvals, route.automatic) == ("one_approver", 1, False)


def test_example_policy_in_docs_is_valid() -> None:
    """docs/examples/policy.yaml loads without error."""
    example = load_policy(ROOT / "docs" / "examples" / "policy.yaml")
    assert example.kind("purchase_order").rules


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_with_rules({"name": "r", "route": "auto"}), "kinds.purchase_order.rules[0]: rule 'r' would pass every"),
        (_with_rules({"name": "r", "route": "auto", "when": {"max_total": "lots"}}), "rules[0].when.max_total"),
        (_with_rules({"name": "r", "route": "sometimes", "when": {"max_total": 1}}), "rules[0].route"),
        (_with_rules({"name": "r", "route": "auto", "when": {"max_totl": 1}}), "when.max_totl: Extra inputs"),
        (
            _with_rules({"name": "r", "route": "four_eyes", "when": {"min_total": 9, "max_total": 1}}),
            "rules[0].when: min_total 9.0 is above max_total 1.0",
        ),
        ({**POLICY, "groups": {"g": {"members": ["zed"]}}}, "groups.g.members: 'zed' is not defined"),
        (
            {**POLICY, "kinds": {"copy": {"default": {"approvers": ["group:nobody"]}}}},
            "kinds.copy.default.approvers: 'group:nobody'",
        ),
        ({**POLICY, "kinds": {"copy": {"default": {"approvers": []}}}}, "approvers is empty"),
    ],
)
def test_invalid_policy_names_the_field(data: dict[str, Any], expected: str) -> None:
    """A wrong policy is refused with a message naming the field and the problem."""
    with pytest.raises(ConfigError) as info:
        parse_policy(data, source="p.yaml")
    assert expected in str(info.value)
    assert "p.yaml" in str(info.value)


def test_policy_file_errors_are_clear(tmp_path: Path) -> None:
    """A missing file and broken YAML both raise ConfigError naming the file."""
    with pytest.raises(ConfigError, match="does not exist"):
        load_policy(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kinds: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml is not valid YAML"):
        load_policy(bad)


def test_small_routine_order_passes_alone_with_its_rule(policy) -> None:  # noqa: F811
    """A small, confident, warning-free repeat order is routed auto, naming the rule."""
    route = evaluate(policy, kind="purchase_order", facts=ROUTINE, started_by="bob")
    assert (route.route, route.rule, route.automatic) == ("auto", "small-routine", True)


@pytest.mark.parametrize(
    "change",
    [{"first_order": True}, {"warnings": 1}, {"confidence": "medium"}, {"total": 100.01}],
)
def test_any_risk_sends_a_small_order_to_a_human(policy, change: dict[str, Any]) -> None:  # noqa: F811
    """A first order, a warning, lower confidence or a higher total falls back to one approver."""
    facts = DraftFacts(**{**ROUTINE.__dict__, **change})
    route = evaluate(policy, kind="purchase_order", facts=facts, started_by="bob")
    assert (route.route, route.rule, route.approvers) == ("one_approver", "default", ("group:buyers",))


def test_large_order_needs_four_eyes(policy) -> None:  # noqa: F811
    """An order of 5,000 or more needs two different approvers."""
    facts = DraftFacts(subject="SUP01", supplier="SUP01", total=5000)
    route = evaluate(policy, kind="purchase_order", facts=facts, started_by=None)
    assert (route.route, route.required_approvals, route.timeout_hours) == ("four_eyes", 2, 48.0)


def test_category_conditions_all_versus_any() -> None:
    """``categories`` needs every category listed; ``any_category`` needs one."""
    data = _with_rules(
        {"name": "all", "route": "auto", "when": {"categories": ["dairy"]}},
        {"name": "any", "route": "four_eyes", "when": {"any_category": ["alcohol"]}},
    )
    pol = parse_policy(data)
    facts = [DraftFacts(subject="S", categories=c) for c in (("dairy",), ("dairy", "alcohol"), ("bakery",))]
    rules = [evaluate(pol, kind="purchase_order", facts=f, started_by=None).rule for f in facts]
    assert rules == ["all", "any", "default"]


def test_supplier_group_resolves_to_the_suppliers_approver_group(policy) -> None:  # noqa: F811
    """``supplier_group`` becomes the group named in the supplier's approver_group column."""
    data = {**POLICY, "kinds": {"purchase_order": {"default": {"approvers": ["supplier_group", "erin"]}}}}
    pol = parse_policy(data)
    facts = DraftFacts(subject="S", approver_group="heads")
    assert evaluate(pol, kind="purchase_order", facts=facts, started_by=None).approvers == ("group:heads", "erin")


def test_outsider_and_self_approval_are_refused(policy) -> None:  # noqa: F811
    """Someone outside the approvers, and the person who started the run, may not approve alone."""
    request = _request()
    assert "dan is not an approver" in (may_decide(policy, request, "dan", "approve") or "")
    assert "bob started the run" in (may_decide(policy, request, "bob", "approve") or "")
    assert may_decide(policy, request, "alice", "approve") is None
    assert may_decide(policy, request, "bob", "reject") is None


def test_four_eyes_counts_two_different_people(policy) -> None:  # noqa: F811
    """In four eyes the starter may be one of two approvers, nobody approves twice."""
    request = _request(route="four_eyes", required_approvals=2)
    assert may_decide(policy, request, "bob", "approve") is None
    once = _request(route="four_eyes", required_approvals=2, approvals=("alice",))
    assert "alice already approved" in (may_decide(policy, once, "alice", "approve") or "")
    assert may_decide(policy, once, "bob", "approve") is None
    edited = _request(route="four_eyes", required_approvals=2, approvals=("carol",), editors=("carol",))
    assert "may not approve" in (may_decide(policy, edited, "bob", "approve") or "")


def test_slack_group_membership_counts(policy) -> None:  # noqa: F811
    """A person verified to be in a policy group (e.g. a Slack user group) may decide."""
    request = _request(approvers=("group:heads",))
    assert may_decide(policy, request, "zoe", "approve") is not None
    assert may_decide(policy, request, "zoe", "approve", actor_groups={"heads"}) is None


def test_automatic_actor_only_for_auto_routes(policy) -> None:  # noqa: F811
    """The policy actor may approve only a request the policy routed auto."""
    assert may_decide(policy, _request(), AUTO_ACTOR, "approve") is not None
    assert may_decide(policy, _request(route="auto"), AUTO_ACTOR, "approve") is None


def test_star_means_named_people_when_the_policy_names_any() -> None:
    """``*`` admits any person the policy names, and anyone identified when it names nobody."""
    named = parse_policy({**POLICY, "kinds": {"copy": {"default": {"approvers": ["*"]}}}})
    request = _request(kind="copy", approvers=("*",))
    assert may_decide(named, request, "alice", "approve") is None
    assert may_decide(named, request, "mallory", "approve") is not None
    assert may_decide(load_policy(), request, "mallory", "approve") is None
    assert may_decide(load_policy(), request, " ", "approve") is not None
