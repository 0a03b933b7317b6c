"""In-memory sink for tests and dry runs: idempotent like the real ones, and it counts deliveries."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InMemorySink:
    """Keeps committed payloads in a dict keyed by idempotency key; ``calls`` counts every call."""

    name: str = "memory"
    committed: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def commit(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> str:
        """Store once per key; return ``memory:<key>``."""
        with self._lock:
            self.calls += 1
            self.committed.setdefault(idempotency_key, (kind, payload))
        return f"memory:{idempotency_key}"
