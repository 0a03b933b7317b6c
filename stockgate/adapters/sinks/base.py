"""The sink interface: where an approved draft goes (procurement for orders, publishing for copy).

A sink must be idempotent on ``idempotency_key``: a second call with the same key creates nothing new and returns
the same external reference. That is what makes a commit exactly-once when a run retries or crashes between the
sink call and the ledger update. Failures raise ``stockgate.errors.CommitError``.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


@runtime_checkable
class Sink(Protocol):
    """Commits one approved payload; idempotent on the key."""

    name: str

    def commit(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> str:
        """Deliver ``payload`` (a JSON-able dict) once per key; the external reference (order number, file, id)."""
        ...


def safe_key(key: str) -> str:
    """The key with anything but letters, digits, ``.``, ``_`` and ``-`` replaced, for file and table names."""
    if not key:
        raise ValueError("idempotency key must not be empty")
    return _SAFE.sub("_", key)
