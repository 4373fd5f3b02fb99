"""action center summaries: history counts per user and day, each lead's last contact (D4)

Revision ID: i6_b
Revises: i6_a
Create Date: 2026-11-29 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "i6_b"
down_revision: str | None = "i6_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTACT = "('call', 'quick_event', 'message')"
DONE = "('note', 'call', 'quick_event', 'message')"
# indexes that gain columns so the D4 and D9 counts read them index-only: (table, name, before, after)
WIDENED = [
    ("task", "ix_task_owner_due", ["owner_id", "due_at"], ["owner_id", "due_at", "kind"]),
    (
        "lead",
        "ix_lead_b_status",
        ["brokerage_id", "status"],
        ["brokerage_id", "status", "rating_score", "last_activity_at"],
    ),
    (
        "lead",
        "ix_lead_b_lastact",
        ["brokerage_id", "last_activity_at"],
        ["brokerage_id", "last_activity_at", "rating_score", "status"],
    ),
    (
        "lead",
        "ix_lead_b_bday",
        ["brokerage_id", "birthday_md"],
        ["brokerage_id", "birthday_md", "assigned_agent_id", "status"],
    ),
    (
        "lead",
        "ix_lead_b_anniv",
        ["brokerage_id", "anniversary_md"],
        ["brokerage_id", "anniversary_md", "assigned_agent_id", "status"],
    ),
]


def upgrade() -> None:
    op.create_table(
        "history_day",
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["brokerage_id"], ["brokerage.id"]),
        sa.PrimaryKeyConstraint("brokerage_id", "day", "actor_id", "kind"),
    )
    op.add_column(
        "lead", sa.Column("last_contacted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    for table, name, _old, new in WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, new)

    # Fill both from the history (exact; later writes keep them in step).
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(created_at)" if sqlite else "CAST(created_at AT TIME ZONE 'UTC' AS DATE)"
    op.execute(
        "INSERT INTO history_day (brokerage_id, day, actor_id, kind, count) "
        f"SELECT brokerage_id, {day}, actor_id, CASE WHEN kind = 'audit' THEN 'stage' ELSE kind END, COUNT(*) "
        f"FROM history_entry WHERE actor_id IS NOT NULL AND (kind IN {DONE} OR (kind = 'audit' AND field = 'stage')) "
        f"GROUP BY brokerage_id, {day}, actor_id, CASE WHEN kind = 'audit' THEN 'stage' ELSE kind END"
    )
    op.execute(
        "UPDATE lead SET last_contacted_at = (SELECT MAX(h.created_at) FROM history_entry h "
        f"WHERE h.lead_id = lead.id AND h.kind IN {CONTACT}) "
        f"WHERE id IN (SELECT lead_id FROM history_entry WHERE kind IN {CONTACT})"
    )
    op.create_index(
        "ix_lead_b_contacted",
        "lead",
        ["brokerage_id", "last_contacted_at", "rating_score", "status", "last_activity_at"],
    )
    op.create_index(
        "ix_lead_agent_contacted",
        "lead",
        [
            "assigned_agent_id",
            "last_contacted_at",
            "rating_score",
            "status",
            "last_activity_at",
            "brokerage_id",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_lead_agent_contacted", table_name="lead")
    op.drop_index("ix_lead_b_contacted", table_name="lead")
    for table, name, old, _new in WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, old)
    # not a batch (copy-and-move) on SQLite: that would drop the lead table's search triggers
    op.execute("ALTER TABLE lead DROP COLUMN last_contacted_at")
    op.drop_table("history_day")
