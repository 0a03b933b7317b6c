"""Sales from any database SQLAlchemy can reach: a URL and a query (or a table name)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from stockgate.errors import InputError

_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def is_sql_url(source: str) -> bool:
    """True for a SQLAlchemy URL such as ``sqlite:///sales.db`` or ``postgresql+psycopg://host/db``."""
    return bool(_URL.match(source)) and not source.lower().startswith(("file://", "http://", "https://"))


def redact_url(url: str) -> str:
    """The URL with its password replaced by ``***``, for messages and logs."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"//[^@/]*@", "//***@", url)


def read_sql(url: str, query: str | None) -> pd.DataFrame:
    """Rows of ``query`` (or of a whole table when ``query`` is a table name) with ``_row`` = result row + 1."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    label = redact_url(url)
    if not query:
        raise InputError("a SQL source needs a query.", file=label, hint='Add --query "select ... from ...".')
    _check_sqlite_file(url, label)
    statement = f"SELECT * FROM {query}" if _TABLE.match(query.strip()) else query
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise InputError(f"cannot use this database URL ({_first_line(exc)}).", file=label) from None
    try:
        with engine.connect() as connection:
            frame = pd.read_sql_query(text(statement), connection)
    except (SQLAlchemyError, pd.errors.DatabaseError) as exc:
        cause = exc.__cause__ if isinstance(exc.__cause__, SQLAlchemyError) else exc
        raise InputError(f"the query failed: {_first_line(cause)}", file=label, hint="Check the query.") from None
    finally:
        engine.dispose()
    if frame.empty:
        raise InputError("the query returned no rows.", file=label, hint="Check its WHERE clause and table.")
    return frame.assign(_row=np.arange(1, len(frame) + 1, dtype="int64"))


def _check_sqlite_file(url: str, label: str) -> None:
    """SQLite would silently create a missing database file; refuse instead."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists():
        raise InputError("database file not found.", file=label, hint="Check the path after sqlite:///.")


def _first_line(exc: BaseException) -> str:
    detail = getattr(exc, "orig", None) or exc
    return str(detail).strip().splitlines()[0] if str(detail).strip() else type(exc).__name__
