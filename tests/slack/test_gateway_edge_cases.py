"""Cases of the Slack issue's list not covered elsewhere: a rate limit that outlasts the retries, Slack failing to
answer who a user is or who is in a user group, app users, and the App Home of people who may decide nothing."""

from __future__ import annotations

import json

import pytest

from stockgate.adapters.slack.cards import ACTION_APPROVE
from stockgate.adapters.slack.snapshot import button_value
from tests.slack.conftest import ALICE, BOB, CAROL, CHANNEL, EVE, SECRET, RunningGateway, make_po, wait_for
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import block_action, home_opened, signed_headers


def _refusal(slack: FakeSlack, user: str) -> str:
    calls = wait_for(lambda: [c for c in slack.state.calls_to("chat.postEphemeral") if c.args["user"] == user])
    return str(calls[0].args["text"])


def _status(gw: RunningGateway, rid: str) -> str:
    return gw.gateway.services.approvals.snapshot(rid).status


def _open_home(gw: RunningGateway, slack: FakeSlack, user: str) -> str:
    def published() -> list[dict]:
        return [c.args for c in slack.state.calls_to("views.publish") if c.args["user_id"] == user]

    before = len(published())
    body = json.dumps(home_opened(user))
    response = gw.post({}, body=body, headers=signed_headers(SECRET, body, content_type="json"))
    assert response.status_code == 200
    return json.dumps(wait_for(lambda: published()[before:])[-1]["view"], ensure_ascii=False)


def test_rate_limit_outlasting_the_retries_queues_the_post(gateway: RunningGateway, slack: FakeSlack) -> None:
    """Four 429s in a row (three retries allowed): the card is queued, the request stays open, the flush posts it."""
    notifier = gateway.gateway.notifier
    rid = gateway.open(make_po(), post=False)
    slack.state.force("chat.postMessage", 429, times=4, retry_after=0)
    assert not notifier.post_request(rid, channel=CHANNEL)
    assert len(slack.state.calls_to("chat.postMessage")) == 4
    assert [p.request_id for p in notifier.outbox.pending()] == [rid] and _status(gateway, rid) == "pending"
    assert "ratelimited" in str(notifier.outbox.pending()[0].last_error)
    assert notifier.flush_pending_posts() == 1 and notifier.approvals.snapshot(rid).ts is not None


def test_user_unknown_to_slack_is_refused_privately(gateway: RunningGateway, slack: FakeSlack) -> None:
    """users.info answers user_not_found (e.g. a user of another organisation): refused, nothing decided."""
    rid = gateway.open(make_po())
    gateway.post(block_action("U0STRANGER", ACTION_APPROVE, button_value(rid, 1)))
    calls = wait_for(lambda: slack.state.calls_to("chat.postEphemeral"))
    assert calls[0].args["user"] == "U0STRANGER" and "user_not_found" in calls[0].args["text"]
    assert _status(gateway, rid) == "pending"


def test_app_user_is_refused(gateway: RunningGateway, slack: FakeSlack) -> None:
    """An account Slack marks as an app user cannot decide, even with a policy person's id."""
    slack.state.add_user(ALICE, is_app_user=True)
    rid = gateway.open(make_po())
    gateway.post(block_action(ALICE, ACTION_APPROVE, button_value(rid, 1)))
    assert "Bots and apps" in _refusal(slack, ALICE)
    assert _status(gateway, rid) == "pending"


def test_failing_usergroup_lookup_refuses_the_group_member(gateway: RunningGateway, slack: FakeSlack) -> None:
    """A group member not named in the policy is refused (and told) when Slack cannot list the user group."""
    slack.state.add_user("U0GRACE")
    slack.state.force("usergroups.users.list", 200, error="no_such_subteam")
    rid = gateway.open(make_po())
    gateway.post(block_action("U0GRACE", ACTION_APPROVE, button_value(rid, 1)))
    assert "S0BUYERS" in _refusal(slack, "U0GRACE")
    assert _status(gateway, rid) == "pending"


@pytest.mark.parametrize(
    ("user", "sees_request", "text"),
    [
        (BOB, True, "waiting 0 h"),
        (CAROL, False, "Nothing is waiting for you."),  # she started the run: never approves it alone
        (EVE, False, "not an approver"),
    ],
)
def test_app_home_shows_only_what_the_viewer_may_decide(
    gateway: RunningGateway, slack: FakeSlack, user: str, sees_request: bool, text: str
) -> None:
    """The Home tab lists a pending request to an approver, not to its starter or to a non-approver."""
    rid = gateway.open(make_po(), started_by="carol")
    home = _open_home(gateway, slack, user)
    assert (rid in home) is sees_request and text in home


def test_app_home_drops_a_request_once_decided(gateway: RunningGateway, slack: FakeSlack) -> None:
    """After the request is approved, the approver's Home tab no longer lists it."""
    rid = gateway.open(make_po())
    assert rid in _open_home(gateway, slack, BOB)
    gateway.post(block_action(ALICE, ACTION_APPROVE, button_value(rid, 1)))
    wait_for(lambda: _status(gateway, rid) == "approved")
    home = _open_home(gateway, slack, BOB)
    assert rid not in home and "Nothing is waiting for you." in home
