"""lead-list phone search (L2) on SQLite: a table of phone-number suffixes instead of trigrams

A phone search ("555 12") looks for a run of digits anywhere in the lead's phone number. In
the FTS5 trigram table a run like "555" that nearly every number shares (area codes,
exchanges) has a posting list as long as the lead table. `lead_fts_phone` holds each lead's
phone digits from every position on (its suffixes of 3 digits and more) under (brokerage,
suffix): a digit run is then one index range — exactly the matching numbers. `lead_fts`
keeps the name and email. Triggers keep both in step; `lead_fts_pos` (1..20) lists the
positions (triggers cannot use WITH). The insert trigger stands aside while the one row of
`lead_fts_bulk` says 1: a bulk writer (the importer) sets it inside its transaction, inserts
its leads, fills both tables for them in two statements (several times faster than row by
row) and sets it back before committing — services/search_index.py.

PostgreSQL keeps its pg_trgm indexes. On both: the type index gains score, last activity and
status (a type filter with a rating filter or sort reads one type's top-rated leads index-only),
and a narrow (id, brokerage, status, created) index checks and orders a list of ids (a
search's matches) without reading the wide lead rows.

Revision ID: i3_c
Revises: i6_b
Create Date: 2026-11-29 11:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i3_c"
down_revision: str | None = "i6_b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "trim(first_name || ' ' || last_name)"
_NEW_NAME = "trim(new.first_name || ' ' || new.last_name)"
_OLD_NAME = "trim(old.first_name || ' ' || old.last_name)"
MAX_DIGITS = 20  # Lead.phone_digits max_length
# the suffixes of a lead's phone digits (3 digits and more), for INSERT ... SELECT in triggers
_SUFFIXES = (
    "SELECT {r}.brokerage_id, substr({r}.phone_digits, p.i), {r}.id FROM lead_fts_pos p "
    "WHERE p.i <= length({r}.phone_digits) - 2"
)

DROP_FTS = [
    "DROP TRIGGER IF EXISTS lead_fts_au",
    "DROP TRIGGER IF EXISTS lead_fts_ad",
    "DROP TRIGGER IF EXISTS lead_fts_ai",
    "DROP TABLE IF EXISTS lead_fts",
]

UP = DROP_FTS + [
    "CREATE VIRTUAL TABLE lead_fts USING fts5(name, email, content='', tokenize='trigram')",
    f"INSERT INTO lead_fts(rowid, name, email) SELECT id, {_NAME}, email FROM lead",
    f"""CREATE TRIGGER lead_fts_ai AFTER INSERT ON lead WHEN (SELECT bulk FROM lead_fts_bulk) = 0 BEGIN
        INSERT INTO lead_fts(rowid, name, email) VALUES (new.id, {_NEW_NAME}, new.email);
        INSERT INTO lead_fts_phone (brokerage_id, suffix, lead_id) {_SUFFIXES.format(r="new")};
    END""",
    f"""CREATE TRIGGER lead_fts_ad AFTER DELETE ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, email) VALUES ('delete', old.id, {_OLD_NAME}, old.email);
        DELETE FROM lead_fts_phone WHERE brokerage_id = old.brokerage_id AND lead_id = old.id
            AND suffix IN (SELECT substr(old.phone_digits, i) FROM lead_fts_pos WHERE i <= length(old.phone_digits) - 2);
    END""",
    f"""CREATE TRIGGER lead_fts_au AFTER UPDATE OF first_name, last_name, email ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, email) VALUES ('delete', old.id, {_OLD_NAME}, old.email);
        INSERT INTO lead_fts(rowid, name, email) VALUES (new.id, {_NEW_NAME}, new.email);
    END""",
    f"""CREATE TRIGGER lead_fts_phone_au AFTER UPDATE OF phone_digits, brokerage_id ON lead BEGIN
        DELETE FROM lead_fts_phone WHERE brokerage_id = old.brokerage_id AND lead_id = old.id
            AND suffix IN (SELECT substr(old.phone_digits, i) FROM lead_fts_pos WHERE i <= length(old.phone_digits) - 2);
        INSERT INTO lead_fts_phone (brokerage_id, suffix, lead_id) {_SUFFIXES.format(r="new")};
    END""",
]

DOWN = (
    ["DROP TRIGGER IF EXISTS lead_fts_phone_au"]
    + DROP_FTS
    + [
        "DROP TABLE IF EXISTS lead_fts_phone",
        "DROP TABLE IF EXISTS lead_fts_pos",
        "DROP TABLE IF EXISTS lead_fts_bulk",
        # i3_a's table and triggers (name, email and phone digits as trigrams)
        "CREATE VIRTUAL TABLE lead_fts USING fts5(name, email, phone, content='', tokenize='trigram')",
        f"INSERT INTO lead_fts(rowid, name, email, phone) SELECT id, {_NAME}, email, phone_digits FROM lead",
        f"""CREATE TRIGGER lead_fts_ai AFTER INSERT ON lead BEGIN
        INSERT INTO lead_fts(rowid, name, email, phone) VALUES (new.id, {_NEW_NAME}, new.email, new.phone_digits);
    END""",
        f"""CREATE TRIGGER lead_fts_ad AFTER DELETE ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, email, phone)
        VALUES ('delete', old.id, {_OLD_NAME}, old.email, old.phone_digits);
    END""",
        f"""CREATE TRIGGER lead_fts_au AFTER UPDATE OF first_name, last_name, email, phone_digits ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, email, phone)
        VALUES ('delete', old.id, {_OLD_NAME}, old.email, old.phone_digits);
        INSERT INTO lead_fts(rowid, name, email, phone) VALUES (new.id, {_NEW_NAME}, new.email, new.phone_digits);
    END""",
    ]
)


TYPE_BEFORE = ["brokerage_id", "lead_type"]
TYPE_AFTER = ["brokerage_id", "lead_type", "rating_score", "last_activity_at", "status"]


def upgrade() -> None:
    op.drop_index("ix_lead_b_type", table_name="lead")
    op.create_index("ix_lead_b_type", "lead", TYPE_AFTER)
    op.create_index("ix_lead_id_cover", "lead", ["id", "brokerage_id", "status", "created_at"])
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE lead_fts_bulk (bulk INTEGER NOT NULL)")
    op.execute("INSERT INTO lead_fts_bulk (bulk) VALUES (0)")
    op.execute("CREATE TABLE lead_fts_pos (i INTEGER PRIMARY KEY)")
    op.execute(
        "INSERT INTO lead_fts_pos (i) VALUES "
        + ", ".join(f"({i})" for i in range(1, MAX_DIGITS + 1))
    )
    op.execute(
        "CREATE TABLE lead_fts_phone (brokerage_id INTEGER NOT NULL, suffix TEXT NOT NULL, "
        "lead_id INTEGER NOT NULL, PRIMARY KEY (brokerage_id, suffix, lead_id)) WITHOUT ROWID"
    )
    op.execute(
        "INSERT INTO lead_fts_phone (brokerage_id, suffix, lead_id) "
        "SELECT l.brokerage_id, substr(l.phone_digits, p.i), l.id FROM lead l "
        "JOIN lead_fts_pos p ON p.i <= length(l.phone_digits) - 2"
    )
    for sql in UP:
        op.execute(sql)


def downgrade() -> None:
    op.drop_index("ix_lead_id_cover", table_name="lead")
    op.drop_index("ix_lead_b_type", table_name="lead")
    op.create_index("ix_lead_b_type", "lead", TYPE_BEFORE)
    if op.get_bind().dialect.name != "sqlite":
        return
    for sql in DOWN:
        op.execute(sql)
