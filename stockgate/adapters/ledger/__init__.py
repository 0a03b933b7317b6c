"""The ledger: SQLAlchemy models, packaged Alembic migrations and the ``Ledger`` repository.

SQLite by default, Postgres supported. See docs/ledger.md for the tables and the concurrency guarantees.
"""

from stockgate.adapters.ledger.records import AuditEvent, CommitRecord, DecisionRecord
from stockgate.adapters.ledger.repository import Ledger
from stockgate.adapters.ledger.store import SYSTEM_ACTOR

__all__ = ["SYSTEM_ACTOR", "AuditEvent", "CommitRecord", "DecisionRecord", "Ledger"]
