"""load_sales from SQL: a real SQLite file, and Postgres when STOCKGATE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from stockgate.adapters.sources import SalesMapping, load_sales
from stockgate.adapters.sources.sql import is_sql_url, redact_url
from stockgate.errors import ColumnError, InputError

KAGGLE = SalesMapping(id_cols=("store", "item"), date_col="date", target_col="sales")
ROWS = [("2013-01-01", 1, 1, 13), ("2013-01-02", 1, 1, 11), ("2013-01-01", 2, 1, 12), ("2013-01-02", 2, 1, 10)]


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file holding a Kaggle-shaped table 'train'."""
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as connection:
        connection.execute("create table train (date text, store integer, item integer, sales integer)")
        connection.executemany("insert into train values (?, ?, ?, ?)", ROWS)
    return f"sqlite:///{path}"


def test_sqlite_query_maps_like_a_file(sqlite_url: str) -> None:
    """A query on SQLite gives the same long frame as the Kaggle file: ids, dates, units, daily."""
    sales = load_sales(sqlite_url, mapping=KAGGLE, query="select date, store, item, sales from train")
    assert sales.frame["unique_id"].unique().tolist() == ["1/1", "2/1"]
    assert sales.frame["y"].tolist() == [13, 11, 12, 10]
    assert sales.frame["ds"].dtype == "datetime64[ns]"
    assert sales.freq == "D"


def test_table_name_as_query_reads_the_table(sqlite_url: str) -> None:
    """A bare table name is read whole."""
    assert load_sales(sqlite_url, mapping=KAGGLE, query="train").n_series == 2


def test_sql_without_query_is_refused(sqlite_url: str) -> None:
    """A SQL URL without --query says to add one."""
    with pytest.raises(InputError, match="--query"):
        load_sales(sqlite_url, mapping=KAGGLE)


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    """A SQLite URL to a missing file fails instead of creating an empty database."""
    with pytest.raises(InputError, match="database file not found"):
        load_sales(f"sqlite:///{tmp_path / 'nope.db'}", mapping=KAGGLE, query="train")
    assert not (tmp_path / "nope.db").exists()


def test_failing_query_names_the_database_error(sqlite_url: str) -> None:
    """A query on a missing table reports the database's own message."""
    with pytest.raises(InputError, match="no such table: sales"):
        load_sales(sqlite_url, mapping=KAGGLE, query="select * from sales")


def test_query_without_a_mapped_column_suggests_the_closest(sqlite_url: str) -> None:
    """A result lacking the target column raises ColumnError with the closest name."""
    with pytest.raises(ColumnError, match="Did you mean 'sale'") as info:
        load_sales(sqlite_url, mapping=KAGGLE, query="select date, store, item, sales as sale from train")
    assert "_row" not in str(info.value)


def test_text_in_numeric_sql_column_names_result_rows(sqlite_url: str) -> None:
    """Text in the sales column of a query result names the result rows (1-based)."""
    query = "select date, store, item, case when sales = 11 then 'eleven' else sales end as sales from train"
    with pytest.raises(InputError) as info:
        load_sales(sqlite_url, mapping=KAGGLE, query=query)
    assert (info.value.column, info.value.rows) == ("sales", [2])


def test_passwords_never_appear_in_labels() -> None:
    """URLs are shown with the password hidden."""
    assert "s3cret" not in redact_url("postgresql+psycopg://user:s3cret@db.example/sales")
    assert is_sql_url("sqlite:///x.db") and not is_sql_url("data/sales.csv")


@pytest.fixture()
def postgres_url() -> Iterator[tuple[str, str]]:
    """A fresh table in the test Postgres named by STOCKGATE_TEST_POSTGRES_URL (skipped when unset)."""
    url = os.environ.get("STOCKGATE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("STOCKGATE_TEST_POSTGRES_URL is not set")
    from sqlalchemy import create_engine, text

    table = f"sales_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'create table {table} ("Store" int, "Dept" int, "Date" date, "Weekly_Sales" float)'))
        for store, dept, day, value in [(1, 1, "2010-02-05", 24924.5), (1, 1, "2010-02-12", 46039.49)]:
            connection.execute(
                text(f"insert into {table} values (:s, :d, :day, :v)"), {"s": store, "d": dept, "day": day, "v": value}
            )
    yield url, table
    with engine.begin() as connection:
        connection.execute(text(f"drop table {table}"))
    engine.dispose()


@pytest.mark.postgres
def test_postgres_query_gives_weekly_walmart_sales(postgres_url: tuple[str, str]) -> None:
    """A Walmart-shaped Postgres table (real date column) loads as weekly W-FRI sales."""
    url, table = postgres_url
    mapping = SalesMapping(id_cols=("Store", "Dept"), date_col="Date", target_col="Weekly_Sales")
    sales = load_sales(url, mapping=mapping, query=f'select "Store", "Dept", "Date", "Weekly_Sales" from {table}')
    assert sales.freq == "W-FRI"
    assert sales.frame["unique_id"].unique().tolist() == ["1/1"]
    assert sales.frame["y"].tolist() == [24924.5, 46039.49]
