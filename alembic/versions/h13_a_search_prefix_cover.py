"""lead: status and agent in the short-search indexes; an email-prefix index with them

A one- or two-letter search (L2) matches name and email prefixes: seven index ranges of
ix_lead_b_first, ix_lead_b_name and the unique (brokerage, email) index, OR-ed. Its count
then read every matching lead's wide row for the status ("deleted" left out) and, for an
agent, the assigned agent: "an" at 1M leads matched 42,000 leads, 120-200 ms. With status
and agent in all three indexes the count and the page read only the indexes (~30 ms). The
unique index stays as it is (the constraint); ix_lead_b_email is the covering copy.

Where the database keeps planner statistics for `lead` (SQLite's sqlite_stat1), the table
is analysed again at once: beside analysed indexes, an index without statistics drew a
plan that walked a whole brokerage (seconds). The whole table, not the new indexes alone:
statistics for some of a table's indexes and not the others mislead the planner as much.

Revision ID: h13_a
Revises: h18a_a
Create Date: 2026-12-04 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "h13_a"
down_revision: str | None = "h18a_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COVER = ["status", "assigned_agent_id"]
NEW = {
    "ix_lead_b_name": ["brokerage_id", "last_name", "first_name", *_COVER],
    "ix_lead_b_first": ["brokerage_id", "first_name", *_COVER],
    "ix_lead_b_email": ["brokerage_id", "email", *_COVER],
}
OLD = {
    "ix_lead_b_name": ["brokerage_id", "last_name", "first_name"],
    "ix_lead_b_first": ["brokerage_id", "first_name"],
}


def _recreate(drop: dict[str, list[str]], create: dict[str, list[str]]) -> None:
    for name in drop:
        op.drop_index(name, table_name="lead")
    for name, columns in create.items():
        op.create_index(name, "lead", columns, unique=False)
    bind = op.get_bind()
    if (
        bind.dialect.name == "sqlite"
        and bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
    ):
        bind.exec_driver_sql("ANALYZE lead")


def upgrade() -> None:
    _recreate(OLD, NEW)


def downgrade() -> None:
    _recreate(NEW, OLD)
