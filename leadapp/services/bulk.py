"""Bulk inserts through the DB driver: sqlite3 executemany, psycopg2 execute_values.

Used where thousands of rows go in at once (demo data, imports, benchmarks).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def chunked(ids: Sequence, size: int):
    """`ids` in slices of `size` (IN lists kept under the drivers' bind-parameter limits)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def insert_rows(
    conn: sa.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    chunk: int = 50_000,
    on_conflict: str = "",
) -> int:
    """Insert `rows` (tuples in `columns` order) into `table` inside conn's transaction.

    Values go to the driver as they are (see `db_value` for dates and JSON). `on_conflict`
    is an `ON CONFLICT ...` clause appended to the statement (the same text on SQLite and
    PostgreSQL, e.g. "ON CONFLICT (a, b) DO UPDATE SET c = excluded.c")."""
    dbapi = conn.connection.dbapi_connection
    cur = dbapi.cursor()
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in columns)
    n = 0
    try:
        if conn.dialect.name == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"INSERT INTO {table} ({cols}) VALUES %s {on_conflict}"
            batch: list = []
            for row in rows:
                batch.append(row)
                if len(batch) >= chunk:
                    execute_values(cur, sql, batch, page_size=chunk)
                    n += len(batch)
                    batch = []
            if batch:
                execute_values(cur, sql, batch, page_size=len(batch))
                n += len(batch)
        else:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) {on_conflict}"
            if not isinstance(rows, list):
                rows = list(rows)
            cur.executemany(sql, rows)
            n = len(rows)
    finally:
        cur.close()
    return n


def db_value(conn: sa.Connection, column: sa.Column, value):
    """`value` as SQLAlchemy would hand it to the driver for `column` (a date or datetime on
    SQLite becomes its stored text, a JSON value its text): convert a value shared by many
    rows once, then pass it to insert_rows."""
    processor = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return processor(value) if processor else value


def reset_sequence(conn: sa.Connection, table: str, column: str = "id") -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
            f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        )


def insert_ignore(session, table, **values) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL): a duplicate is no error."""
    mod = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(mod.insert(table).values(**values).on_conflict_do_nothing())
