"""The app manifest asks for the least privilege; the gateway command and its modes are wired correctly."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from stockgate.adapters.ledger import Ledger
from stockgate.adapters.slack.client import make_client
from stockgate.adapters.slack.gateway.wiring import build_gateway
from stockgate.cli.main import app
from stockgate.domain.approvals.policy import Policy
from stockgate.errors import ConfigError, IntegrationError
from stockgate.settings import Settings
from tests.slack.conftest import RunningGateway

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yaml"


def test_manifest_scopes_are_least_privilege() -> None:
    """The manifest requests exactly chat:write, users:read, usergroups:read and files:write."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "chat:write",
        "files:write",
        "usergroups:read",
        "users:read",
    ]
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_healthz_reports_queued_posts(gateway: RunningGateway) -> None:
    """GET /healthz answers ok with the number of posts waiting for Slack."""
    response = httpx.get(gateway.url + "/healthz")
    assert response.status_code == 200 and response.json() == {"ok": True, "queued_posts": 0}


def test_http_mode_needs_signing_secret(settings: Settings, ledger: Ledger, policy: Policy) -> None:
    """Without a signing secret the HTTP gateway refuses to start; Socket Mode builds without one."""
    unsigned = settings.model_copy(update={"slack_signing_secret": None})
    with pytest.raises(IntegrationError, match="STOCKGATE_SLACK_SIGNING_SECRET"):
        build_gateway(unsigned, ledger, policy)
    socket_gw = build_gateway(unsigned, ledger, policy, socket_mode=True)
    assert socket_gw.app.name


def test_client_needs_bot_token(tmp_path: Path) -> None:
    """make_client without a bot token raises a ConfigError that names the setting."""
    with pytest.raises(ConfigError, match="STOCKGATE_SLACK_BOT_TOKEN"):
        make_client(Settings(home=tmp_path))


def test_gateway_command_needs_exactly_one_mode(stockgate_home: Path) -> None:
    """`stockgate gateway` without --http or --socket-mode exits non-zero and says what to choose."""
    result = CliRunner().invoke(app, ["gateway"])
    assert result.exit_code != 0
    assert "--http" in result.output + (result.stderr if result.stderr_bytes else "")
