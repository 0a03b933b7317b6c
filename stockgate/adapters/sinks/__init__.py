"""Sinks: where approved drafts are committed. Three real ones and a fake, all idempotent on the key.

``make_sink`` builds one from a short spec, as settings and command-line options give them:

- ``files:<folder>``: JSON/CSV files an ERP or shop imports (``FileSink``)
- ``db:<sqlalchemy url>``: a table with a unique key (``DatabaseSink``)
- ``webhook:<https url>``: an HTTP POST with an ``Idempotency-Key`` header and retries (``WebhookSink``)
- ``memory:``: in-memory, for tests and dry runs (``InMemorySink``)
"""

from __future__ import annotations

from pathlib import Path

from stockgate.adapters.sinks.base import Sink
from stockgate.adapters.sinks.database import DatabaseSink
from stockgate.adapters.sinks.fake import InMemorySink
from stockgate.adapters.sinks.files import FileSink
from stockgate.adapters.sinks.webhook import WebhookSink
from stockgate.errors import ConfigError

__all__ = ["DatabaseSink", "FileSink", "InMemorySink", "Sink", "WebhookSink", "make_sink"]


def make_sink(spec: str) -> Sink:
    """A sink from ``files:<folder>``, ``db:<url>``, ``webhook:<url>`` or ``memory:``."""
    scheme, _, rest = spec.partition(":")
    if scheme == "files" and rest:
        return FileSink(Path(rest))
    if scheme == "db" and rest:
        return DatabaseSink(rest)
    if scheme == "webhook" and rest.startswith(("http://", "https://")):
        return WebhookSink(rest)
    if scheme == "memory":
        return InMemorySink()
    raise ConfigError(
        f"Sink '{spec.split('://')[0]}...' is not understood.",
        hint="Use files:<folder>, db:<sqlalchemy url>, webhook:<https url> or memory:.",
    )
