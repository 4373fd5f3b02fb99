"""lead routing, claim offers, speed to lead, notifications and hot-lead alerts (G5, N1, N2)

Revision ID: h17_a
Revises: i3_c
Create Date: 2026-12-01 22:00:00

Only new tables: the lead table is not touched (its SQLite search triggers stay).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "h17_a"
down_revision: str | None = "h14_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brokerage_id"],
            ["brokerage.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agent_group_brokerage_id", "agent_group", ["brokerage_id"])

    op.create_table(
        "routing_settings",
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("idle_hours", sa.Integer(), nullable=True),
        sa.Column("route_pool_returns", sa.Boolean(), nullable=False),
        sa.Column("alerts_off", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brokerage_id"],
            ["brokerage.id"],
        ),
        sa.PrimaryKeyConstraint("brokerage_id"),
    )
    op.create_table(
        "agent_availability",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("all_hot_leads", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "agent_group_member",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("assigned_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["agent_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "user_id"),
    )
    op.create_table(
        "notification_pref",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("match", sa.JSON(), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("claim_minutes", sa.Integer(), nullable=False),
        sa.Column("fallback", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("fallback_agent_id", sa.Integer(), nullable=True),
        sa.Column("fallback_group_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["brokerage_id"],
            ["brokerage.id"],
        ),
        sa.ForeignKeyConstraint(["fallback_agent_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["fallback_group_id"], ["agent_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["group_id"], ["agent_group.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_routing_rule_b_pos", "routing_rule", ["brokerage_id", "position"])

    op.create_table(
        "alert_throttle",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lead_id", "user_id"),
    )
    op.create_table(
        "claim_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brokerage_id"],
            ["brokerage.id"],
        ),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["group_id"], ["agent_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["routing_rule.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_claim_offer_lead_id", "claim_offer", ["lead_id"])
    op.create_index("ix_claim_offer_open", "claim_offer", ["status", "expires_at"])

    op.create_table(
        "lead_response",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("first_contact_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("idle_moved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["brokerage_id"],
            ["brokerage.id"],
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["routing_rule.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("lead_id"),
    )
    op.create_index("ix_lead_response_agent", "lead_response", ["agent_id", "assigned_at"])

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brokerage_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["brokerage_id"],
            ["brokerage.id"],
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_user", "notification", ["user_id", "read_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_notification_user", table_name="notification")

    op.drop_table("notification")
    op.drop_index("ix_lead_response_agent", table_name="lead_response")

    op.drop_table("lead_response")
    op.drop_index("ix_claim_offer_open", table_name="claim_offer")
    op.drop_index("ix_claim_offer_lead_id", table_name="claim_offer")

    op.drop_table("claim_offer")
    op.drop_table("alert_throttle")
    op.drop_index("ix_routing_rule_b_pos", table_name="routing_rule")

    op.drop_table("routing_rule")
    op.drop_table("notification_pref")
    op.drop_table("agent_group_member")
    op.drop_table("agent_availability")
    op.drop_table("routing_settings")
    op.drop_index("ix_agent_group_brokerage_id", table_name="agent_group")

    op.drop_table("agent_group")
