"""The brand voice: how copy sounds, what it must never say, what it must always say, and how it shows numbers.

The embedded default is ``stockgate/config/brand.yaml``; a shop points ``STOCKGATE_BRAND_FILE`` (or
``stockgate copy --brand``) at its own file. ``load_brand`` validates the file and raises ``ConfigError`` naming
the file and the field that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stockgate.domain.copy.channels import Channel
from stockgate.errors import ConfigError

MONEY_FACTS = ("price", "promo_price", "previous_price", "saving")
"""Facts that are amounts of money, in the catalog currency."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Money(_Strict):
    """How amounts are written: ``€2.49`` (symbol first) or ``2.49 kr`` (symbol after)."""

    symbol: str = Field(default="€", min_length=1)
    symbol_first: bool = True
    decimals: int = Field(default=2, ge=0, le=3)

    def format(self, amount: float) -> str:
        """``2.5`` -> ``"€2.50"``."""
        number = f"{amount:.{self.decimals}f}"
        return f"{self.symbol}{number}" if self.symbol_first else f"{number} {self.symbol}"


class RequiredWording(_Strict):
    """A phrase that must appear whenever a draft has the fact ``when_fact``; ``{fact}`` fields are filled in."""

    name: str = Field(min_length=1)
    when_fact: str = Field(min_length=1)
    phrase: str = Field(min_length=1)
    channels: list[Channel] | None = Field(default=None, description="Channels the rule applies to; all when empty.")


class Clearance(_Strict):
    """The promotion a clearance draft may offer."""

    discount_pct: float = Field(default=20, gt=0, lt=90, description="Percent off the catalog price.")
    days: int = Field(default=14, ge=1, le=90, description="How long the promotion runs, in days from the as-of date.")


class Brand(_Strict):
    """The brand voice configuration (see stockgate/config/brand.yaml for a commented example)."""

    shop_name: str = Field(min_length=1)
    tone: str = Field(min_length=1)
    voice_notes: list[str] = Field(default_factory=list)
    money: Money = Field(default_factory=Money)
    banned_words: list[str] = Field(default_factory=list)
    banned_claims: list[str] = Field(default_factory=list, description="Regular expressions, matched in any case.")
    competitors: list[str] = Field(default_factory=list)
    required_wording: list[RequiredWording] = Field(default_factory=list)
    clearance: Clearance = Field(default_factory=Clearance)
    near_duplicate_threshold: float = Field(default=0.8, gt=0, le=1)

    @field_validator("banned_claims")
    @classmethod
    def _claims_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"'{pattern}' is not a valid regular expression ({exc})") from None
        return value

    def banned_patterns(self) -> list[dict[str, str]]:
        """Every banned word, claim and competitor as ``{"label", "pattern"}`` (case-insensitive regex)."""
        words = [{"label": f"banned word '{w}'", "pattern": rf"(?<!\w){re.escape(w)}(?!\w)"} for w in self.banned_words]
        claims = [{"label": f"banned claim '{c}'", "pattern": c} for c in self.banned_claims]
        rivals = [{"label": f"competitor '{c}'", "pattern": rf"(?<!\w){re.escape(c)}(?!\w)"} for c in self.competitors]
        return words + claims + rivals

    def rules_text(self) -> str:
        """The rules in plain words, for a language-model prompt."""
        lines = [f"Shop: {self.shop_name}.", f"Tone: {self.tone}.", *(f"- {n}" for n in self.voice_notes)]
        if self.banned_words or self.competitors:
            lines.append("Never use these words: " + ", ".join(self.banned_words + self.competitors) + ".")
        if self.banned_claims:
            lines.append("Never make claims matching: " + "; ".join(self.banned_claims) + ".")
        return "\n".join(lines)


def default_brand_path() -> Path:
    """The embedded default brand file."""
    return Path(str(resources.files("stockgate").joinpath("config", "brand.yaml")))


def load_brand(path: Path | None = None) -> Brand:
    """Read and validate a brand file (the embedded default when ``path`` is None); ConfigError names the field."""
    source = path or default_brand_path()
    try:
        raw = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"Brand file {source} does not exist.", hint="Check STOCKGATE_BRAND_FILE or --brand."
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"Brand file {source} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"Brand file {source} must be a mapping of fields (shop_name, tone, ...).")
    try:
        return Brand.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"Brand file {source} is invalid: {_describe(exc)}.") from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or "(top level)"
        problems.append(f"field '{where}': {err['msg']}")
    return "; ".join(problems)


def display_facts(facts: Mapping[str, Any], *, money: Money) -> dict[str, Any]:
    """Facts as customers read them: money formatted (``€2.49``), ISO dates long (``6 December 2026``)."""
    shown: dict[str, Any] = {}
    for key, value in facts.items():
        if key in MONEY_FACTS and isinstance(value, int | float):
            shown[key] = money.format(float(value))
        elif isinstance(value, str) and _ISO_DATE.match(value):
            shown[key] = long_date(date.fromisoformat(value))
        elif isinstance(value, float) and value.is_integer():
            shown[key] = int(value)
        else:
            shown[key] = value
    return shown


def long_date(day: date) -> str:
    """``date(2026, 12, 6)`` -> ``"6 December 2026"`` (no platform-specific strftime flags)."""
    return f"{day.day} {day:%B %Y}"
