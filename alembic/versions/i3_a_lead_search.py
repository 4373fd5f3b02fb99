"""lead-list search (L2): FTS5 trigram table on SQLite, pg_trgm indexes on PostgreSQL

SQLite: `lead_fts` is a contentless FTS5 table with the trigram tokenizer holding each lead's
name ("first last"), email and phone digits under the lead's id; triggers on `lead` keep it in
step (a contentless table is told what to remove with the 'delete' command and the old values).
PostgreSQL: GIN trigram indexes on the same three expressions, used by ILIKE '%text%'.

Also an index for one- and two-letter first-name prefixes (ix_lead_b_first); id and status added
to the two created-order indexes (a deep page of the default order reads only the index); last
activity, status and type added to the rating index (rating filters count index-only); and the lead type
as a dimension of `lead_rollup` so type filters count from the roll-up (rebuilt from `lead`).

Revision ID: i3_a
Revises: i5_a
Create Date: 2026-11-29 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "i3_a"
down_revision: str | None = "i5_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "trim(first_name || ' ' || last_name)"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE lead_fts USING fts5(name, email, phone, content='', tokenize='trigram')",
    f"INSERT INTO lead_fts(rowid, name, email, phone) SELECT id, {_NAME}, email, phone_digits FROM lead",
    """CREATE TRIGGER lead_fts_ai AFTER INSERT ON lead BEGIN
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


_ROLLUP_COLS = (
    "brokerage_id, agent_key, status, stage, closed_year, source, subscribed, lead_type, count"
)


def _rollup_table(with_type: bool) -> None:
    cols = [
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("agent_key", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("closed_year", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
    ]
    key = ["brokerage_id", "agent_key", "status", "stage", "closed_year", "source", "subscribed"]
    if with_type:
        cols.append(
            sa.Column("lead_type", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False)
        )
        key.append("lead_type")
    op.create_table(
        "lead_rollup",
        *cols,
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["brokerage_id"], ["brokerage.id"]),
        sa.PrimaryKeyConstraint(*key),
    )


def _fill_rollup(with_type: bool) -> None:
    """Recount lead_rollup from the lead table (what services/rollups.recount computes)."""
    pg = op.get_bind().dialect.name == "postgresql"
    year = (
        "CAST(EXTRACT(YEAR FROM stage_entered_at) AS INTEGER)"
        if pg
        else "CAST(strftime('%Y', stage_entered_at) AS INTEGER)"
    )
    dims = [
        "brokerage_id",
        "COALESCE(assigned_agent_id, 0)",
        "status",
        "stage",
        f"CASE WHEN stage = 'closed' THEN {year} ELSE 0 END",
        "COALESCE(source, '')",
        "active_subscriptions > 0",
    ] + (["COALESCE(lead_type, '')"] if with_type else [])
    cols = _ROLLUP_COLS if with_type else _ROLLUP_COLS.replace(" lead_type,", "")
    op.execute(
        f"INSERT INTO lead_rollup ({cols}) SELECT {', '.join(dims)}, COUNT(*) FROM lead "
        f"GROUP BY {', '.join(dims)}"
    )


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index("ix_lead_b_first", ["brokerage_id", "first_name"], unique=False)
        batch_op.drop_index("ix_lead_b_created")
        batch_op.create_index(
            "ix_lead_b_created", ["brokerage_id", "created_at", "id", "status"], unique=False
        )
        batch_op.drop_index("ix_lead_b_agent_created")
        batch_op.create_index(
            "ix_lead_b_agent_created",
            ["brokerage_id", "assigned_agent_id", "created_at", "id", "status"],
            unique=False,
        )
        batch_op.drop_index("ix_lead_b_rating")
        batch_op.create_index(
            "ix_lead_b_rating",
            ["brokerage_id", "rating_score", "last_activity_at", "status", "lead_type"],
            unique=False,
        )
    op.drop_table("lead_rollup")
    _rollup_table(True)
    _fill_rollup(True)
    for sql in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(sql)


def downgrade() -> None:
    for sql in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(sql)
    op.drop_table("lead_rollup")
    _rollup_table(False)
    _fill_rollup(False)
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_b_first")
        batch_op.drop_index("ix_lead_b_created")
        batch_op.create_index("ix_lead_b_created", ["brokerage_id", "created_at"], unique=False)
        batch_op.drop_index("ix_lead_b_agent_created")
        batch_op.create_index(
            "ix_lead_b_agent_created",
            ["brokerage_id", "assigned_agent_id", "created_at"],
            unique=False,
        )
        batch_op.drop_index("ix_lead_b_rating")
        batch_op.create_index("ix_lead_b_rating", ["brokerage_id", "rating_score"], unique=False)
