"""accounts and security: one-time links, sign-in failures, audit log, profile fields (G1)

Revision ID: h14_a
Revises: i3_c
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "h14_a"
down_revision: str | None = "i3_c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

# (table, column, type) added in place with plain ALTER TABLE (no SQLite batch copy of lead).
COLUMNS = [
    ("brokerage", "postal_address", sa.String(500)),
    ("app_user", "mls_id", sa.String(32)),
    ("app_user", "email_signature", sa.String(2000)),
    ("auth_session", "user_agent", sa.String(300)),
    ("auth_session", "address", sa.String(64)),
]


def upgrade() -> None:
    for table, name, type_ in COLUMNS:
        op.add_column(table, sa.Column(name, type_, nullable=False, server_default=""))
    # Plain ALTER TABLE (nullable, no default): instant on a large history table.
    op.add_column("history_entry", sa.Column("api_key_id", sa.Integer, nullable=True))
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("app_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(8), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_index("ix_account_token_user_id", "account_token", ["user_id"])
    op.create_table(
        "lead_account_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "lead_id", sa.Integer, sa.ForeignKey("lead.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_index("ix_lead_account_token_lead_id", "lead_account_token", ["lead_id"])
    op.create_table(
        "signin_failure",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account", sa.String(340), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_signin_failure_pair", "signin_failure", ["account", "address", "at"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "brokerage_id",
            sa.Integer,
            sa.ForeignKey("brokerage.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "actor_id", sa.Integer, sa.ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column(
            "api_key_id",
            sa.Integer,
            sa.ForeignKey("api_key.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_audit_brokerage_at", "audit_event", ["brokerage_id", "at"])
    op.create_index("ix_audit_brokerage_action_at", "audit_event", ["brokerage_id", "action", "at"])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("signin_failure")
    op.drop_table("lead_account_token")
    op.drop_table("account_token")
    # In place (SQLite >= 3.35 and PostgreSQL): no batch copy that would lose triggers.
    op.execute("ALTER TABLE history_entry DROP COLUMN api_key_id")
    for table, name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
