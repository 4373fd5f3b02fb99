"""lead-list search (L2): FTS5 trigram table on SQLite, pg_trgm indexes on PostgreSQL

SQLite: `lead_fts` is a contentless FTS5 table with the trigram tokenizer holding each lead's
name ("first last"), email and phone digits under the lead's id; triggers on `lead` keep it in
step (a contentless table is told what to remove with the 'delete' command and the old values).
PostgreSQL: GIN trigram indexes on the same three expressions, used by ILIKE '%text%'.

Also an index for one- and two-letter first-name prefixes (ix_lead_b_first).

Revision ID: i3_a
Revises: i5_a
Create Date: 2026-11-29 08:00:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = "i3_a"
down_revision: Union[str, None] = "i5_a"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_NAME = "trim(first_name || ' ' || last_name)"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE lead_fts USING fts5(name, email, phone, content='', tokenize='trigram')",
    f"INSERT INTO lead_fts(rowid, name, email, phone) SELECT id, {_NAME}, email, phone_digits FROM lead",
    f"""CREATE TRIGGER lead_fts_ai AFTER INSERT ON lead BEGIN
        INSERT INTO lead_fts(rowid, name, email, phone)
        VALUES (new.id, trim(new.first_name || ' ' || new.last_name), new.email, new.phone_digits);
    END""",
    """CREATE TRIGGER lead_fts_ad AFTER DELETE ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, email, phone)
        VALUES ('delete', old.id, trim(old.first_name || ' ' || old.last_name), old.email, old.phone_digits);
    END""",
    """CREATE TRIGGER lead_fts_au AFTER UPDATE OF first_name, last_name, email, phone_digits ON lead BEGIN
        INSERT INTO lead_fts(lead_fts, rowid, name, email, phone)
        VALUES ('delete', old.id, trim(old.first_name || ' ' || old.last_name), old.email, old.phone_digits);
        INSERT INTO lead_fts(rowid, name, email, phone)
        VALUES (new.id, trim(new.first_name || ' ' || new.last_name), new.email, new.phone_digits);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS lead_fts_au",
    "DROP TRIGGER IF EXISTS lead_fts_ad",
    "DROP TRIGGER IF EXISTS lead_fts_ai",
    "DROP TABLE IF EXISTS lead_fts",
]
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_lead_trgm_name ON lead USING gin ((first_name || ' ' || last_name) gin_trgm_ops)",
    "CREATE INDEX ix_lead_trgm_email ON lead USING gin (email gin_trgm_ops)",
    "CREATE INDEX ix_lead_trgm_phone ON lead USING gin (phone_digits gin_trgm_ops)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_lead_trgm_phone",
    "DROP INDEX IF EXISTS ix_lead_trgm_email",
    "DROP INDEX IF EXISTS ix_lead_trgm_name",
]


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index("ix_lead_b_first", ["brokerage_id", "first_name"], unique=False)
    for sql in (PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP):
        op.execute(sql)


def downgrade() -> None:
    for sql in (PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN):
        op.execute(sql)
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_b_first")
