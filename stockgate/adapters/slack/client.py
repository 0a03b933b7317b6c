"""A ``WebClient`` that honours rate limits and retries connection and server errors.

``base_url`` comes from ``settings.slack_api_url`` so tests and proxies can point it at another server.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from stockgate.errors import ConfigError
from stockgate.settings import Settings


def retry_handlers(*, rate_limit_retries: int = 3, error_retries: int = 2) -> list[RetryHandler]:
    """Retry 429 (sleeping ``Retry-After`` s), connection errors and 500/503, a few times each."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        ConnectionErrorRetryHandler(max_retry_count=error_retries),
        ServerErrorRetryHandler(max_retry_count=error_retries),
    ]


def make_client(settings: Settings, *, timeout_s: int = 10) -> WebClient:
    """The bot's ``WebClient``; raises ConfigError when no bot token is set."""
    if settings.slack_bot_token is None:
        raise ConfigError(
            "Slack is not configured: no bot token.",
            hint="Set STOCKGATE_SLACK_BOT_TOKEN to the app's xoxb- token (see docs/slack.md).",
        )
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url,
        timeout=timeout_s,
        retry_handlers=retry_handlers(),
    )
