"""An HTTP webhook sink: POST a JSON body with an ``Idempotency-Key`` header, retrying what may succeed later.

Retried: 5xx answers, 408, 429 (honouring ``Retry-After`` up to ``max_backoff_s``), timeouts and connection
errors, with exponential backoff (``backoff_s``, doubled each try, capped at ``max_backoff_s``). Any other 4xx is
final at once. After the last try a ``CommitError`` says what happened on each try. The receiver must treat a
repeated key as the same order; the key is the same on every retry, so a retry after a lost answer is harmless.

The reference returned is the answer's JSON ``external_ref`` or ``id`` field, else the ``Location`` header, else
the key. Headers (e.g. an Authorization token) are never logged or put into messages.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx

from stockgate.errors import CommitError

log = logging.getLogger(__name__)
_RETRY_STATUS = {408, 429}


class WebhookSink:
    """POSTs ``{"kind", "idempotency_key", "payload"}`` to ``url``."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        timeout_s: float = 10.0,
        attempts: int = 4,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.url = url
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._client = httpx.Client(headers=headers or {}, timeout=timeout_s, transport=transport)

    def commit(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> str:
        """Deliver once per key; CommitError after the last failed try or on a refusing 4xx."""
        body = {"kind": kind, "idempotency_key": idempotency_key, "payload": payload}
        failures: list[str] = []
        for attempt in range(1, self.attempts + 1):
            wait = self._try(body, idempotency_key, failures)
            if isinstance(wait, str):
                return wait
            if attempt < self.attempts:
                log.info("Webhook try %d/%d for %s failed (%s); retrying", attempt, self.attempts, idempotency_key,
                         failures[-1])  # fmt: skip
                time.sleep(min(wait if wait is not None else self.backoff_s * 2 ** (attempt - 1), self.max_backoff_s))
        raise CommitError(
            f"Webhook {_safe_url(self.url)} did not accept commit {idempotency_key} after {self.attempts} tries: "
            + "; ".join(failures) + ".",
            hint="Nothing is recorded as committed; retrying later with the same key is safe.",
        )  # fmt: skip

    def _try(self, body: dict[str, Any], key: str, failures: list[str]) -> str | float | None:
        """The reference on success; else records the failure and returns the wait (None = default backoff)."""
        try:
            response = self._client.post(self.url, json=body, headers={"Idempotency-Key": key})
        except httpx.TimeoutException:
            failures.append("timed out")
            return None
        except httpx.TransportError as exc:
            failures.append(f"connection failed ({exc.__class__.__name__})")
            return None
        if response.is_success:
            return _reference(response, key)
        failures.append(f"HTTP {response.status_code}")
        if response.status_code >= 500 or response.status_code in _RETRY_STATUS:
            return _retry_after(response)
        raise CommitError(
            f"Webhook {_safe_url(self.url)} refused commit {key} with HTTP {response.status_code}: "
            f"{response.text[:200]}",
            hint="Fix the request or the receiver; this is not retried.",
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()


def _reference(response: httpx.Response, key: str) -> str:
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        for field in ("external_ref", "id"):
            if data.get(field) not in (None, ""):
                return str(data[field])
    return response.headers.get("Location") or key


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _safe_url(url: str) -> str:
    """The URL without user info or query string (they may hold secrets)."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"", query=None))
