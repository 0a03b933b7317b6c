"""One typed settings object: environment variables prefixed ``STOCKGATE_`` and an optional file.

Defaults run everything on one machine with no accounts: data and the SQLite ledger live in ``./stockgate-data``,
Slack is off until a bot token is set. A file named by ``STOCKGATE_ENV_FILE`` (default ``stockgate.env`` in the
working directory, if present) is read too; real environment variables win over the file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDERS = {"changeme", "xoxb-your-token", "your-secret", "secret", "todo"}


class Settings(BaseSettings):
    """Every setting of Stockgate; see docs/configuration.md for each one."""

    model_config = SettingsConfigDict(
        env_prefix="STOCKGATE_",
        env_file=os.environ.get("STOCKGATE_ENV_FILE", "stockgate.env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    home: Path = Field(default=Path("stockgate-data"), description="Folder for data, results and the SQLite ledger.")
    ledger_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the ledger; default: SQLite file ledger.db in `home`."
    )
    policy_file: Path | None = Field(
        default=None, description="Approval policy YAML; default: the embedded safe policy."
    )
    brand_file: Path | None = Field(default=None, description="Brand voice YAML for copy; default: the embedded one.")
    procurement_sink: str | None = Field(
        default=None,
        description="Where approved orders go: files:<folder>, db:<url> or webhook:<url>; default files in home.",
    )
    publishing_sink: str | None = Field(
        default=None, description="Where approved copy goes, same forms; default files in home."
    )
    currency: str = Field(default="EUR", description="Currency of costs and budgets when suppliers do not say.")
    timezone: str = Field(default="Europe/Berlin", description="Timezone for order days, schedules and run names.")

    pause_poll_interval_s: float = Field(default=10.0, gt=0, description="How often a paused local run polls (s).")
    approval_timeout_s: int = Field(default=7 * 24 * 3600, gt=0, description="Default approval timeout (s).")

    slack_bot_token: SecretStr | None = Field(
        default=None, description="Bot token (xoxb-...); Slack is off when unset."
    )
    slack_signing_secret: SecretStr | None = Field(default=None, description="Signing secret for HTTP mode.")
    slack_app_token: SecretStr | None = Field(default=None, description="App-level token (xapp-...) for Socket Mode.")
    slack_api_url: str = Field(default="https://slack.com/api/", description="Slack Web API base URL (tests, proxies).")
    slack_channel: str | None = Field(default=None, description="Default channel when the policy names none.")

    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint for copy; templates if unset."
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, description="API key for the endpoint, if it needs one.")
    llm_timeout_s: float = Field(default=20.0, gt=0, description="Timeout per language-model request (s).")

    dask_address: str | None = Field(
        default=None,
        description="Dask scheduler address for the forecast ('local' starts a LocalCluster); unset: threads.",
    )
    forecast_batch_size: int = Field(
        default=500, ge=1, description="Series per forecast batch (one task each; 50-500 keeps overhead low)."
    )
    prefect_ui_url: str | None = Field(default=None, description="Base URL of the Prefect UI for links in cards.")
    planning_file: Path | None = Field(
        default=None,
        description="Planning YAML (service measure and targets per class, run budget); default: embedded defaults.",
    )
    adjustments_file: Path | None = Field(
        default=None,
        description="YAML of learned forecast adjustments a person enabled (docs/learning.md); default in home.",
    )

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", "llm_api_key")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in _PLACEHOLDERS:
            raise ValueError("is a placeholder; set the real secret or leave it unset")
        return value

    @property
    def resolved_ledger_url(self) -> str:
        """The ledger URL, defaulting to a SQLite file in ``home``."""
        return self.ledger_url or f"sqlite:///{(self.home / 'ledger.db').resolve()}"

    def sink_spec(self, kind: str) -> str:
        """The sink spec for ``purchase_order`` or ``copy`` drafts, defaulting to a folder in ``home``."""
        if kind == "copy":
            return self.publishing_sink or f"files:{(self.home / 'published').resolve()}"
        return self.procurement_sink or f"files:{(self.home / 'procurement').resolve()}"

    @property
    def resolved_adjustments_file(self) -> Path:
        """The adjustments file a person edits to switch learned forecast adjustments on (may not exist)."""
        return self.adjustments_file or self.home / "adjustments.yaml"

    @property
    def slack_enabled(self) -> bool:
        """True when a bot token is configured."""
        return self.slack_bot_token is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; functions take a ``settings`` argument so tests can pass their own."""
    return Settings()
