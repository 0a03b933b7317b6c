"""Interaction payloads built like Slack's, and signed like Slack's (``SignatureVerifier.generate_signature``)."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import TEAM_ID

APP_ID = "A0STOCKGATE"


def block_action(
    user_id: str, action_id: str, value: str, *, channel: str = "C0BUY", ts: str = "1.0", response_url: str = ""
) -> dict[str, Any]:
    """A ``block_actions`` payload for a button click on a message."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "channel": {"id": channel, "name": "buying"},
        "message": {"type": "message", "ts": ts, "text": "card"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "decision",
                "value": value,
                "action_ts": str(time.time()),
                "text": {"type": "plain_text", "text": action_id},
            }
        ],
    }


def view_submission(user_id: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A ``view_submission`` of ``view`` (as the gateway opened it) with the given state values."""
    submitted = {**view, "id": "V0MODAL", "team_id": TEAM_ID, "state": {"values": values}, "hash": "h1"}
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "view": submitted,
        "response_urls": [],
    }


def home_opened(user_id: str) -> dict[str, Any]:
    """An ``app_home_opened`` event callback."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home"},
    }


def form_body(payload: dict[str, Any]) -> str:
    """The form-encoded body Slack sends for interactivity."""
    return urlencode({"payload": json.dumps(payload)})


def signed_headers(
    secret: str, body: str, *, timestamp: int | None = None, content_type: str = "form"
) -> dict[str, str]:
    """Headers with Slack's ``v0`` signature of ``body`` at ``timestamp`` (default: now)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    ctype = "application/json" if content_type == "json" else "application/x-www-form-urlencoded"
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": ctype}


def values_for(block_value_pairs: dict[str, str | None], *, element: str = "plain_text_input") -> dict[str, Any]:
    """``view.state.values`` with one ``value`` action per block."""
    return {bid: {"value": {"type": element, "value": v}} for bid, v in block_value_pairs.items()}
