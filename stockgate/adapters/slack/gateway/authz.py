"""Who is clicking: authorization from the signed Slack user id only.

The user must be an active full member of our workspace (not deleted, not a bot, not a guest, same team id), and
either mapped to a policy person (``slack_user_id``) or a member of a policy group's Slack user group among the
request's approvers. Whether that identity may take the action is then decided by the one decision path.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from stockgate.domain.approvals.policy import Policy
from stockgate.errors import IntegrationError, NotAuthorized


@dataclass(frozen=True)
class SlackIdentity:
    """A verified clicker: the actor name recorded in the ledger and the policy groups proven by Slack."""

    user_id: str
    actor: str
    groups: frozenset[str] = frozenset()


def _refusal(user: dict[str, object], team_id: str) -> str | None:
    if user.get("deleted"):
        return "Your Slack account is deactivated."
    if user.get("is_bot") or user.get("is_app_user"):
        return "Bots and apps cannot decide approval requests."
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return "Guest accounts cannot decide approval requests."
    if user.get("team_id") != team_id:
        return "Only members of this workspace can decide approval requests."
    return None


class Authorizer:
    """Maps a signed Slack user id to a ``SlackIdentity`` or raises ``NotAuthorized`` saying why."""

    def __init__(self, client: WebClient, policy: Policy, *, team_id: str) -> None:
        self._client = client
        self._policy = policy
        self._team_id = team_id

    def identify(self, user_id: str, *, approvers: tuple[str, ...] = ()) -> SlackIdentity:
        """The identity of ``user_id`` for a request whose approvers are ``approvers`` (policy references)."""
        refusal = _refusal(self._user(user_id), self._team_id)
        if refusal:
            raise NotAuthorized(refusal, hint="Ask an approver named in the approval policy to decide.")
        person = self._policy.person_for_slack_user(user_id)
        groups = frozenset(g for g in self._group_ids(approvers) if user_id in self._usergroup_members(g))
        if person is None and not groups:
            raise NotAuthorized(
                "You are not an approver of this request under the approval policy.",
                hint="Ask an approver to decide, or ask an admin to add your Slack user id to the policy.",
            )
        return SlackIdentity(user_id=user_id, actor=person or f"slack:{user_id}", groups=groups)

    def all_group_refs(self) -> tuple[str, ...]:
        """Every policy group with a Slack user group, as approver references (for the App Home)."""
        return tuple(f"group:{g}" for g, grp in self._policy.groups.items() if grp.slack_usergroup_id)

    def _group_ids(self, approvers: tuple[str, ...]) -> list[str]:
        names = [ref.removeprefix("group:") for ref in approvers if ref.startswith("group:")]
        return [n for n in names if n in self._policy.groups and self._policy.groups[n].slack_usergroup_id]

    def _usergroup_members(self, group: str) -> set[str]:
        usergroup = self._policy.groups[group].slack_usergroup_id or ""
        try:
            response = self._client.usergroups_users_list(usergroup=usergroup)
        except SlackApiError as exc:
            raise IntegrationError(f"Slack did not list user group {usergroup}: {exc.response.get('error')}.") from None
        return set(response.get("users") or [])

    def _user(self, user_id: str) -> dict[str, object]:
        try:
            response = self._client.users_info(user=user_id)
        except SlackApiError as exc:
            raise IntegrationError(f"Slack did not describe user {user_id}: {exc.response.get('error')}.") from None
        return dict(response.get("user") or {})
