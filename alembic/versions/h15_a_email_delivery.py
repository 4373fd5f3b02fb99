"""email delivery: templates, retries, tracking, suppression, brokerage mail identity (C5, C6)

Revision ID: h15_a
Revises: h14_a
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "h15_a"
down_revision: str | None = "h17_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
UTC_TS = sa.DateTime(timezone=True)
# new outgoing_email columns (plain ADD COLUMN: no table copy on SQLite)
COLUMNS = [
    sa.Column("template", S(length=32), nullable=False, server_default="message"),
    sa.Column("context", sa.JSON(), nullable=True),
    sa.Column("marketing", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("sender_user_id", sa.Integer(), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTC_TS, nullable=True),
    sa.Column("claim", S(length=32), nullable=True),
    sa.Column("claimed_at", UTC_TS, nullable=True),
    sa.Column("message_id", S(length=250), nullable=True),
    sa.Column("raw_message", sa.Text(), nullable=True),
    sa.Column("links", sa.JSON(), nullable=True),
    sa.Column("open_count", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("machine_open_count", sa.Integer(), nullable=False, server_default="0"),
]


def upgrade() -> None:
    for col in COLUMNS:
        op.add_column("outgoing_email", col)
    op.create_index("ix_email_message_id", "outgoing_email", ["message_id"])
    op.create_index("ix_email_b_created", "outgoing_email", ["brokerage_id", "created_at"])
    # opens of an email that has never been opened count as 0 (the demo data set opened_at)
    op.execute("UPDATE outgoing_email SET open_count = 1 WHERE opened_at IS NOT NULL")
    op.create_table(
        "brokerage_mail",
        sa.Column(
            "brokerage_id",
            sa.Integer(),
            sa.ForeignKey("brokerage.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("sending_address", S(length=320), nullable=False),
        sa.Column("from_name", S(length=16), nullable=False),
        sa.Column("reply_to", S(length=16), nullable=False),
        sa.Column("logo_url", S(length=500), nullable=False),
        sa.Column("brand_color", S(length=16), nullable=False),
        sa.Column("postal_address", S(length=300), nullable=False),
        sa.Column("dkim_domain", S(length=200), nullable=False),
        sa.Column("dkim_selector", S(length=63), nullable=False),
        sa.Column("dkim_private_key", S(length=8000), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "email_suppression",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("brokerage_id", sa.Integer(), sa.ForeignKey("brokerage.id"), nullable=False),
        sa.Column("address", S(length=320), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column(
            "lead_id", sa.Integer(), sa.ForeignKey("lead.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("reason", S(length=500), nullable=False),
        sa.Column("source", S(length=16), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("brokerage_id", "address", "kind", name="uq_email_suppression"),
    )
    op.create_index("ix_email_suppression_lead_id", "email_suppression", ["lead_id"])
    op.create_table(
        "app_secret",
        sa.Column("name", S(length=40), primary_key=True),
        sa.Column("value", S(length=200), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_secret")
    op.drop_index("ix_email_suppression_lead_id", table_name="email_suppression")
    op.drop_table("email_suppression")
    op.drop_table("brokerage_mail")
    op.drop_index("ix_email_b_created", table_name="outgoing_email")
    op.drop_index("ix_email_message_id", table_name="outgoing_email")
    op.execute("UPDATE outgoing_email SET status = 'failed' WHERE status IN ('bounced', 'skipped')")
    op.execute("UPDATE outgoing_email SET status = 'queued' WHERE status = 'sending'")
    for col in reversed(COLUMNS):
        # SQLite 3.35+ drops a plain column in place (no table copy)
        op.execute(f"ALTER TABLE outgoing_email DROP COLUMN {col.name}")
