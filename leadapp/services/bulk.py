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


def driver_cursor(conn: sa.Connection):
    """A cursor of the driver's own connection under `conn` (inside conn's transaction)."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # a connection in use holds its driver connection
    return dbapi.cursor()


def insert_rows(
    conn: sa.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    chunk: int = 50_000,
) -> int:
    """Insert `rows` (tuples in `columns` order) into `table` inside conn's transaction."""
    cur = driver_cursor(conn)
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in columns)
    n = 0
    try:
        if conn.dialect.name == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"INSERT INTO {table} ({cols}) VALUES %s"
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
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})"
            if not isinstance(rows, list):
                rows = list(rows)
            cur.executemany(sql, rows)
            n = len(rows)
    finally:
        cur.close()
    return n


def reset_sequence(conn: sa.Connection, table: str, column: str = "id") -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
            f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        )


def dialect_insert(session, table):
    """The INSERT of the session's database (SQLite or PostgreSQL), with its ON CONFLICT."""
    mod = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return mod.insert(table)


def insert_ignore(session, table, **values) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL): a duplicate is no error."""
    session.execute(dialect_insert(session, table).values(**values).on_conflict_do_nothing())
