"""The approval policy: a YAML file saying which drafts may pass alone and who must decide the others.

The file is validated on load; every error names the field (``kinds.purchase_order.rules[1].when.max_total``)
and says how to fix it. Without a file the embedded safe default applies: every draft needs one human approver.
docs/approval-policy.md documents each field; docs/examples/policy.yaml is a full example.

Approver references are person ids (``alice``), groups (``group:buyers``), ``supplier_group`` (the group named by
the supplier's ``approver_group`` column, when the policy defines it) or ``"*"`` (any named person). Times are in
hours; money is in the draft's currency.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from stockgate.config.files import read_yaml_file
from stockgate.errors import ConfigError

Route = Literal["auto", "one_approver", "four_eyes"]
KindName = Literal["purchase_order", "copy"]
ConfidenceLevel = Literal["high", "medium", "low"]
ANY_PERSON = "*"
SUPPLIER_GROUP = "supplier_group"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Strict):
    """A person who may be named as approver or escalation target."""

    name: str = Field(default="", description="Display name.")
    slack_user_id: str | None = Field(default=None, description="Slack user id (U...) the gateway maps to this person.")
    email: str | None = None


class Group(_Strict):
    """A named group of people; Slack members of ``slack_usergroup_id`` count as members too."""

    members: list[str] = Field(default_factory=list, description="Person ids.")
    slack_usergroup_id: str | None = Field(default=None, description="Slack user group id (S...).")


class Conditions(_Strict):
    """What a draft must satisfy for a rule to apply; every given condition must hold (AND)."""

    max_total: float | None = Field(default=None, ge=0, description="Total at most this amount.")
    min_total: float | None = Field(default=None, ge=0, description="Total at least this amount.")
    min_confidence: ConfidenceLevel | None = Field(default=None, description="Forecast confidence at least this level.")
    no_warnings: bool = Field(default=False, description="True: only drafts without any data-quality warning.")
    not_first_order: bool = Field(default=False, description="True: not the first order from this supplier.")
    first_order: bool = Field(default=False, description="True: only the first order from this supplier.")
    suppliers: list[str] | None = Field(default=None, description="Supplier id is one of these.")
    categories: list[str] | None = Field(default=None, description="EVERY category of the draft is one of these.")
    any_category: list[str] | None = Field(
        default=None, description="AT LEAST ONE category of the draft is one of these."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Conditions:
        if self.first_order and self.not_first_order:
            raise ValueError("first_order and not_first_order cannot both be true; the rule would never match")
        if self.min_total is not None and self.max_total is not None and self.min_total > self.max_total:
            raise ValueError(f"min_total {self.min_total} is above max_total {self.max_total}; no draft can match")
        return self

    def is_empty(self) -> bool:
        """True when the rule would match every draft."""
        return self == Conditions()


class Gate(_Strict):
    """How a draft is decided: route, approvers, timing and escalation. Rules override the kind's default."""

    route: Route | None = None
    approvers: list[str] | None = Field(default=None, description="Person ids, 'group:<id>', 'supplier_group' or '*'.")
    timeout_hours: float | None = Field(
        default=None, gt=0, description="After this the request expires; nothing commits."
    )
    remind_after_hours: list[float] | None = Field(default=None, description="Reminders to the approvers, hours after.")
    escalate_after_hours: float | None = Field(default=None, gt=0, description="Hours after which escalate_to is told.")
    escalate_to: list[str] | None = Field(default=None, description="Person ids or 'group:<id>' told on escalation.")
    channel: str | None = Field(default=None, description="Slack channel (or user id) the request is posted to.")

    @field_validator("remind_after_hours")
    @classmethod
    def _positive_sorted(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and any(v <= 0 for v in value):
            raise ValueError("every reminder time must be > 0 hours")
        return sorted(value) if value is not None else None


class Rule(Gate):
    """A named rule: when its conditions hold, its gate settings apply. First matching rule wins."""

    name: str = Field(min_length=1)
    when: Conditions = Field(default_factory=lambda: Conditions())

    @model_validator(mode="after")
    def _route_required(self) -> Rule:
        if self.route is None:
            raise ValueError(f"rule '{self.name}' needs a 'route' (auto, one_approver or four_eyes)")
        if self.route == "auto" and self.when.is_empty():
            raise ValueError(f"rule '{self.name}' would pass every draft without a human; add conditions under 'when'")
        return self


class KindPolicy(_Strict):
    """Policy for one kind of draft: a default gate and ordered rules."""

    default: Gate = Field(default_factory=lambda: Gate())
    rules: list[Rule] = Field(default_factory=list)


SAFE_GATE = Gate(
    route="one_approver",
    approvers=[ANY_PERSON],
    timeout_hours=168.0,
    remind_after_hours=[24.0],
    escalate_after_hours=72.0,
    escalate_to=[],
)


class Policy(_Strict):
    """The whole approval policy."""

    version: Literal[1] = 1
    people: dict[str, Person] = Field(default_factory=dict)
    groups: dict[str, Group] = Field(default_factory=dict)
    kinds: dict[KindName, KindPolicy] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references_exist(self) -> Policy:
        for gid, group in self.groups.items():
            for member in group.members:
                if member not in self.people:
                    raise ValueError(f"groups.{gid}.members: '{member}' is not defined under 'people'")
        for kind, kp in self.kinds.items():
            self._check_gate(f"kinds.{kind}.default", kp.default)
            for i, rule in enumerate(kp.rules):
                self._check_gate(f"kinds.{kind}.rules[{i}]", rule)
            _check_unique_rule_names(kind, kp.rules)
        return self

    def _check_gate(self, where: str, gate: Gate) -> None:
        for field in ("approvers", "escalate_to"):
            for ref in getattr(gate, field) or []:
                if not self._ref_known(ref, allow_special=field == "approvers"):
                    raise ValueError(f"{where}.{field}: '{ref}' is neither a person nor 'group:<id>' defined above")
        if gate.approvers == []:
            raise ValueError(f"{where}.approvers is empty: nobody could approve; name people or groups")

    def _ref_known(self, ref: str, *, allow_special: bool) -> bool:
        if allow_special and ref in (ANY_PERSON, SUPPLIER_GROUP):
            return True
        if ref.startswith("group:"):
            return ref.removeprefix("group:") in self.groups
        return ref in self.people

    def kind(self, kind: str) -> KindPolicy:
        """The policy of one kind; an unconfigured kind gets the safe default (one human approver)."""
        return next((kp for name, kp in self.kinds.items() if name == kind), KindPolicy())

    def members(self, ref: str) -> set[str]:
        """Person ids a reference stands for (``group:x`` expands; ``*`` and unknown refs give nothing)."""
        if ref.startswith("group:"):
            group = self.groups.get(ref.removeprefix("group:"))
            return set(group.members) if group else set()
        return {ref} if ref in self.people else set()

    def person_for_slack_user(self, slack_user_id: str) -> str | None:
        """The person id whose ``slack_user_id`` matches, or None."""
        return next((pid for pid, p in self.people.items() if p.slack_user_id == slack_user_id), None)


def _check_unique_rule_names(kind: str, rules: list[Rule]) -> None:
    names = [r.name for r in rules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"kinds.{kind}.rules: rule names must be unique; repeated: {', '.join(dupes)}")


def _format_errors(source: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in err["loc"]).replace(".[", "[")
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{loc or '(top level)'}: {msg}")
    return f"Approval policy {source} is invalid: " + "; ".join(lines) + "."


def parse_policy(data: Any, *, source: str = "(inline)") -> Policy:
    """Validate a policy mapping; ConfigError names each wrong field."""
    if not isinstance(data, dict):
        raise ConfigError(f"Approval policy {source} must be a YAML mapping with 'people', 'groups' and 'kinds'.")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(source, exc), hint="See docs/approval-policy.md for every field.") from None


def load_policy(path: Path | str | None = None) -> Policy:
    """Load and validate a policy YAML file; ``None`` loads the embedded safe default."""
    if path is None:
        text = resources.files("stockgate.config").joinpath("default_policy.yaml").read_text(encoding="utf-8")
        return parse_policy(yaml.safe_load(text), source="(embedded default)")
    data = read_yaml_file(path, label="Approval policy file", setting="STOCKGATE_POLICY_FILE")
    return parse_policy(data, source=str(path))
