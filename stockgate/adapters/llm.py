"""Copy from a language model behind any OpenAI-compatible endpoint (``POST {base_url}/chat/completions``).

Works with hosted APIs and self-hosted servers (vLLM, llama.cpp, Ollama's OpenAI mode). Base URL, model, key and
timeout come from ``stockgate.settings.Settings`` (``llm_base_url``, ``llm_model``, ``llm_api_key``,
``llm_timeout_s``). Timeouts, connection errors, HTTP 429 and 5xx are retried with exponential backoff; when the
endpoint still fails, or answers something unusable, the draft comes from the fallback generator (the templates)
and its ``generator`` field says why, e.g. ``"template (fallback: llm timed out)"``. The prompt carries the
product facts and the brand rules; the output goes through the same checks as any other draft. The API key is
sent in the ``Authorization`` header only and never logged.

The fake for tests is a local OpenAI-compatible HTTP server (tests/copy_fake_llm.py), not a mocked client.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

import httpx
from pydantic import SecretStr

from stockgate.domain.copy.brand import Brand, display_facts
from stockgate.domain.copy.candidates import Candidate
from stockgate.domain.copy.channels import LIMITS, Channel
from stockgate.domain.copy.checks import PERCENT_FACTS, PRICE_FACTS, required_phrases
from stockgate.domain.copy.generator import CopyGenerator, DraftText, TemplateGenerator, tidy
from stockgate.settings import Settings

log = logging.getLogger(__name__)

_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class LLMFailure(Exception):
    """The endpoint gave no usable copy; ``reason`` is short and safe to show (never contains the key)."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        self.reason = reason
        self.retryable = retryable
        super().__init__(reason)


class LLMGenerator:
    """A ``CopyGenerator`` that asks a chat-completions endpoint, falling back to another generator on failure."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: SecretStr | None = None,
        timeout_s: float = 20.0,
        retries: int = 2,
        backoff_s: float = 0.5,
        fallback: CopyGenerator | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.name = f"llm:{model}"
        self._api_key = api_key
        self._timeout = httpx.Timeout(timeout_s)
        self._retries = retries
        self._backoff_s = backoff_s
        self._fallback = fallback or TemplateGenerator()

    @classmethod
    def from_settings(cls, settings: Settings, *, fallback: CopyGenerator | None = None) -> LLMGenerator:
        """The generator configured by ``settings`` (``llm_base_url`` must be set)."""
        if not settings.llm_base_url:
            raise ValueError("llm_base_url is not set")
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout_s=settings.llm_timeout_s,
            fallback=fallback,
        )

    def generate(self, candidate: Candidate, channel: Channel, brand: Brand) -> DraftText:
        """Copy from the model, or from the fallback with the reason in ``generator``."""
        try:
            reply = self._complete(build_messages(candidate, channel, brand))
            return parse_reply(reply, channel=channel, generator=self.name)
        except LLMFailure as exc:
            log.warning("language model failed for %s/%s (%s); using templates", candidate.sku, channel, exc.reason)
            written = self._fallback.generate(candidate, channel, brand)
            label = f"{written.generator} (fallback: {exc.reason})"
            return DraftText(text=written.text, subject=written.subject, body=written.body, generator=label)

    def _complete(self, messages: list[dict[str, str]]) -> str:
        payload = {"model": self.model, "messages": messages, "temperature": 0.4}
        headers = {"Authorization": f"Bearer {self._api_key.get_secret_value()}"} if self._api_key else {}
        with httpx.Client(timeout=self._timeout, headers=headers) as client:
            for attempt in range(self._retries + 1):
                try:
                    return self._attempt(client, payload)
                except LLMFailure as exc:
                    if attempt == self._retries or not exc.retryable:
                        raise
                    log.info("language model attempt %d failed (%s); retrying", attempt + 1, exc.reason)
                    time.sleep(self._backoff_s * 2**attempt)
        raise LLMFailure("llm gave no answer")  # pragma: no cover - the loop returns or raises

    def _attempt(self, client: httpx.Client, payload: dict[str, Any]) -> str:
        try:
            response = client.post(f"{self.base_url}/chat/completions", json=payload)
        except httpx.TimeoutException:
            raise LLMFailure("llm timed out", retryable=True) from None
        except httpx.TransportError as exc:
            raise LLMFailure(f"llm unreachable ({type(exc).__name__})", retryable=True) from None
        if response.status_code != 200:
            code = response.status_code
            raise LLMFailure(f"llm answered HTTP {code}", retryable=code in _RETRY_STATUS)
        try:
            return str(response.json()["choices"][0]["message"]["content"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMFailure("llm reply not in chat-completions format") from None


def build_messages(candidate: Candidate, channel: Channel, brand: Brand) -> list[dict[str, str]]:
    """The chat messages: brand rules and output format (system), product facts and the task (user)."""
    limits = ", ".join(f"{part} {lim.min_chars}-{lim.max_chars} characters" for part, lim in LIMITS[channel].items())
    phrases = [
        p
        for _, p in required_phrases(channel=channel, facts=candidate.facts, rules=_rules(brand), money=_money(brand))
        if p
    ]
    shape = '{"subject": "...", "body": "..."}' if channel == "email" else '{"text": "..."}'
    system = "\n".join(
        [
            "You write short marketing copy for an online shop.",
            brand.rules_text(),
            f"Write for the channel '{channel}': {limits}.",
            f"Name the product exactly '{candidate.name}'.",
            _numbers_rule(candidate, brand),
            *(f"Include this exact wording: '{p}'." for p in phrases),
            f"Answer with JSON only, in this shape: {shape}",
        ]
    )
    facts = display_facts(candidate.facts, money=brand.money)
    user = f"Reason for the copy: {candidate.kind.value}.\nFacts (JSON): {json.dumps(facts, ensure_ascii=False)}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _numbers_rule(candidate: Candidate, brand: Brand) -> str:
    """Which amounts and percentages the copy may quote: exactly those the price check accepts."""
    shown = display_facts(candidate.facts, money=brand.money)
    amounts = [str(shown[k]) for k in PRICE_FACTS if k in shown]
    percents = [f"{shown[k]}%" for k in PERCENT_FACTS if k in shown]
    allowed = ", ".join(amounts + percents)
    return f"The only prices and percentages you may write are: {allowed}. Write no other numbers with % or money."


def _rules(brand: Brand) -> list[dict[str, Any]]:
    return [rule.model_dump(mode="json") for rule in brand.required_wording]


def _money(brand: Brand) -> dict[str, Any]:
    return brand.money.model_dump(mode="json")


def parse_reply(reply: str, *, channel: Channel, generator: str) -> DraftText:
    """The copy inside a model reply (JSON, optionally in a code fence; plain text for one-part channels)."""
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", reply.strip())
    try:
        data = json.loads(cleaned)
    except ValueError:
        data = None
    if channel == "email":
        if not isinstance(data, dict) or not _text(data.get("subject")) or not _text(data.get("body")):
            raise LLMFailure("llm reply lacks an email subject and body")
        return DraftText(subject=tidy(data["subject"]), body=tidy(data["body"], paragraphs=True), generator=generator)
    text = data.get("text") if isinstance(data, dict) else (cleaned if data is None else None)
    if not _text(text):
        raise LLMFailure("llm reply has no text")
    return DraftText(text=tidy(str(text)), generator=generator)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def make_generator(settings: Settings) -> CopyGenerator:
    """The language-model generator when ``llm_base_url`` is set, else the template generator."""
    if settings.llm_base_url:
        return LLMGenerator.from_settings(settings)
    return TemplateGenerator()
