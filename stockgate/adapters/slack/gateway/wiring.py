"""Assemble the gateway from settings: client, ledger-backed approvals, authorizer, notifier and Bolt app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.client import make_client
from stockgate.adapters.slack.gateway.app import build_app
from stockgate.adapters.slack.gateway.authz import Authorizer
from stockgate.adapters.slack.gateway.services import GatewayServices
from stockgate.adapters.slack.ledger_port import LedgerApprovals
from stockgate.adapters.slack.notifier import SLACK_FAILURES, SlackNotifier
from stockgate.adapters.slack.outbox import Outbox
from stockgate.domain.approvals.policy import Policy
from stockgate.errors import IntegrationError
from stockgate.settings import Settings


@dataclass
class Gateway:
    """A ready gateway: the Bolt app and what it shares with the outside (notifier for posts and flushes)."""

    app: App
    services: GatewayServices

    @property
    def notifier(self) -> SlackNotifier:
        return self.services.notifier


def team_id_of(client: WebClient) -> str:
    """The workspace id of the bot token (``auth.test``); IntegrationError when Slack does not answer."""
    try:
        return str(client.auth_test()["team_id"])
    except SLACK_FAILURES as exc:
        detail = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        raise IntegrationError(
            f"Slack did not confirm the bot token ({detail}).",
            hint="Check STOCKGATE_SLACK_BOT_TOKEN and STOCKGATE_SLACK_API_URL, and that Slack is reachable.",
        ) from None


def notifier_for(
    settings: Settings, ledger: Ledger, policy: Policy, *, client: WebClient | None = None
) -> SlackNotifier:
    """The notifier a flow uses to post requests (no Bolt app needed)."""
    approvals = LedgerApprovals(ledger, policy, prefect_ui_url=settings.prefect_ui_url)
    outbox = Outbox(settings.home / "slack_outbox.db")
    return SlackNotifier(client or make_client(settings), approvals, outbox, policy=policy)


def build_gateway(
    settings: Settings,
    ledger: Ledger,
    policy: Policy,
    *,
    on_decided: Callable[[str], None] | None = None,
    socket_mode: bool = False,
) -> Gateway:
    """Everything the gateway needs; HTTP mode requires the signing secret."""
    secret = settings.slack_signing_secret
    if not socket_mode and secret is None:
        raise IntegrationError(
            "HTTP mode needs the Slack signing secret.",
            hint="Set STOCKGATE_SLACK_SIGNING_SECRET (app settings > Basic Information), or use --socket-mode.",
        )
    notifier = notifier_for(settings, ledger, policy)
    authorizer = Authorizer(notifier.client, policy, team_id=team_id_of(notifier.client))
    services = GatewayServices(notifier.approvals, authorizer, notifier, on_decided=on_decided)
    signing = None if socket_mode or secret is None else secret.get_secret_value()
    return Gateway(build_app(services, signing_secret=signing), services)
