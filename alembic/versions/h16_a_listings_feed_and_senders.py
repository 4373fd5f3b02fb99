"""listings feed and scheduled senders: listing changes, send claims, alert items (C1-C4, P14)

Revision ID: h16_a
Revises: h14_a
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "h16_a"
down_revision: str | None = "h15_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ts = sqlmodel.sql.sqltypes.UTCDateTime
    # plain ALTER TABLE ADD COLUMN: no batch copy of the listing table
    op.add_column("listing", sa.Column("listing_key", sa.String(64), nullable=True))
    op.add_column("listing", sa.Column("photo_url", sa.String(500), nullable=True))
    op.add_column(
        "market",
        sa.Column("report_every_days", sa.Integer, nullable=False, server_default="7"),
    )
    op.add_column("market", sa.Column("archived_at", ts(), nullable=True))
    op.create_table(
        "listing_change",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "listing_id",
            sa.Integer,
            sa.ForeignKey("listing.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("old_value", sa.String(64), nullable=False),
        sa.Column("new_value", sa.String(64), nullable=False),
        sa.Column("changed_at", ts(), nullable=False),
    )
    op.create_index("ix_listing_change_time", "listing_change", ["changed_at", "listing_id"])
    op.create_index("ix_listing_change_listing", "listing_change", ["listing_id", "changed_at"])
    op.create_table(
        "send_claim",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("run_token", sa.String(32), nullable=False),
        sa.Column("email_id", sa.Integer, nullable=True),
        sa.Column("claimed_at", ts(), nullable=False),
    )
    op.create_table(
        "alert_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "saved_search_id",
            sa.Integer,
            sa.ForeignKey("saved_search.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "listing_id",
            sa.Integer,
            sa.ForeignKey("listing.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("change_id", sa.Integer, nullable=False),
        sa.Column("sent_at", ts(), nullable=False),
        sa.UniqueConstraint("saved_search_id", "listing_id", name="uq_alert_item"),
    )
    op.create_table(
        "alert_email_search",
        sa.Column(
            "email_id",
            sa.Integer,
            sa.ForeignKey("outgoing_email.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "saved_search_id",
            sa.Integer,
            sa.ForeignKey("saved_search.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_alert_email_search_saved_search_id", "alert_email_search", ["saved_search_id"]
    )
    op.create_table(
        "comm_settings",
        sa.Column(
            "brokerage_id",
            sa.Integer,
            sa.ForeignKey("brokerage.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("alert_hour", sa.Integer, nullable=False),
        sa.Column("greeting_hour", sa.Integer, nullable=False),
        sa.Column("greetings", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("comm_settings")
    op.drop_index("ix_alert_email_search_saved_search_id", "alert_email_search")
    op.drop_table("alert_email_search")
    op.drop_table("alert_item")
    op.drop_table("send_claim")
    op.drop_index("ix_listing_change_listing", "listing_change")
    op.drop_index("ix_listing_change_time", "listing_change")
    op.drop_table("listing_change")
    # SQLite 3.35+ drops a column in place (no batch copy)
    op.drop_column("listing", "photo_url")
    op.drop_column("listing", "listing_key")
    op.drop_column("market", "archived_at")
    op.drop_column("market", "report_every_days")
