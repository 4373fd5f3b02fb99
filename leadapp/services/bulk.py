"""Bulk writes through the DB driver: sqlite3 executemany, psycopg2 execute_values.

Used where thousands of rows go in at once (demo data, imports, benchmarks) and where a
batch updates hundreds of rows (`update_rows`: the ingest's lead scores).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from leadapp.models.timefmt import db_text


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


def update_rows(
    conn: sa.Connection,
    table: sa.Table,
    key: str,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    page: int = 1000,
) -> None:
    """Set `columns` of the rows whose `key` is each row's first value: rows are tuples
    (key, value, ...) with distinct keys, inside conn's transaction.

    PostgreSQL: one `UPDATE ... FROM (VALUES ...)` per `page` rows (one round trip, one
    plan), each value cast to its column's type. SQLite: one prepared UPDATE stepped per row
    (executemany), which beats a joined UPDATE ... FROM there; datetimes are written as
    the UTCDateTime column type stores them.
    """
    if not rows:
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None, "a connection inside its transaction is open"
    cur = dbapi.cursor()
    quote = conn.dialect.identifier_preparer.quote
    name, k = quote(table.name), quote(key)
    try:
        if conn.dialect.name == "postgresql":
            from psycopg2.extras import execute_values

            types = [table.c[c].type.compile(dialect=conn.dialect) for c in (key, *columns)]
            names = [quote(c) for c in columns]
            sets = ", ".join(f"{c} = v.{c}" for c in names)
            sql = (
                f"UPDATE {name} SET {sets} FROM (VALUES %s) AS v({k}, {', '.join(names)}) "
                f"WHERE {name}.{k} = v.{k}"
            )
            template = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
            execute_values(cur, sql, rows, template=template, page_size=page)
        else:
            sets = ", ".join(f"{quote(c)} = ?" for c in columns)
            cur.executemany(
                f"UPDATE {name} SET {sets} WHERE {k} = ?",
                [
                    tuple(db_text(v) if isinstance(v, datetime) else v for v in row[1:]) + (row[0],)
                    for row in rows
                ],
            )
    finally:
        cur.close()


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
