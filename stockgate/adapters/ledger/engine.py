"""Engines for the ledger (SQLite and Postgres) and the programmatic Alembic upgrade.

SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (one writer at a time, waiting up to 30 s instead of
failing with "database is locked"), WAL journal for files, foreign keys on. Postgres: default READ COMMITTED;
the conditional updates need nothing stronger.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from stockgate.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 7_406_170_501


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def shared_engine(url: str) -> Engine:
    """One engine (and connection pool, and compiled-statement cache) per URL per process."""
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = make_engine(url)
        return _ENGINES[url]


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; ConfigError for a URL SQLAlchemy cannot parse or has no driver for."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(  # the URL itself is not echoed: it may hold a password
            f"The ledger URL is not a SQLAlchemy URL ({exc.__class__.__name__}).",
            hint="e.g. sqlite:///ledger.db or postgresql+psycopg://user@host:5432/db",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:
        raise ConfigError(
            f"Ledger URL '{parsed.render_as_string()}' cannot be used: {exc}.",
            hint="For Postgres use the psycopg 3 driver: postgresql+psycopg://...",
        ) from None


def _sqlite_engine(url: str, *, in_memory: bool) -> Engine:
    kwargs: dict[str, Any] = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@lru_cache(maxsize=1)
def _config_and_head() -> tuple[Config, str | None]:
    from alembic.config import Config  # on first use: alembic is slow to import
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config, ScriptDirectory.from_config(config).get_current_head()


def is_current(engine: Engine) -> bool:
    """True when the database is already at the packaged head revision (one cheap query)."""
    _, head = _config_and_head()
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False
    return current == [head]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the packaged Alembic migrations up to ``revision`` in one transaction (Postgres: under a lock)."""
    from alembic import command

    config, _ = _config_and_head()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Undo migrations down to ``revision`` (``base`` = empty database); for operators and migration tests."""
    from alembic import command

    config, _ = _config_and_head()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
