"""The lead-list search tables on SQLite (`lead_fts`, `lead_fts_phone`; migration i3_c), for bulk
writers.

Triggers index each lead as it is inserted. A writer inserting many leads at once does it
several times faster in bulk:

    with search_index.bulk_insert(conn, first_id, last_id):
        insert_rows(conn, "lead", ...)          # leads with ids first_id..last_id

Inside the block the insert trigger stands aside (its WHEN clause reads the one row of
`lead_fts_bulk`, set in the writer's own transaction: SQLite has one writer at a time, so no
other writer's leads go unindexed, and the flag is 0 again before the block ends); then both
tables get the new leads in two statements. On PostgreSQL search uses pg_trgm indexes:
nothing to do.
"""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

# the same text the triggers index (migration i3_c)
_FILL = [
    "INSERT INTO lead_fts(rowid, name, email) SELECT id, trim(first_name || ' ' || last_name), "
    "email "
    "FROM lead WHERE id BETWEEN ? AND ?",
    "INSERT INTO lead_fts_phone (brokerage_id, suffix, lead_id) "
    "SELECT l.brokerage_id, substr(l.phone_digits, p.i), l.id FROM lead l "
    "JOIN lead_fts_pos p ON p.i <= length(l.phone_digits) - 2 WHERE l.id BETWEEN ? AND ?",
]


@contextmanager
def bulk_insert(conn: sa.Connection, first_id: int, last_id: int):
    """Index the leads first_id..last_id (inserted inside the block) in bulk, after the block."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("UPDATE lead_fts_bulk SET bulk = 1")
    try:
        yield
    finally:
        conn.exec_driver_sql("UPDATE lead_fts_bulk SET bulk = 0")
    for sql in _FILL:
        conn.exec_driver_sql(sql, (first_id, last_id))
