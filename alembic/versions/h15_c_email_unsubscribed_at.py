"""outgoing_email.unsubscribed_at and an index on campaign_step_id (C2, C6)

Campaign and step statistics count unsubscribes per email, as they count opens and clicks,
and read a campaign's emails by step (ix_email_campaign_step).

Revision ID: h15_c
Revises: h16_a
Create Date: 2026-12-02 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "h15_c"
down_revision: str | None = "h16_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN: no table copy on SQLite
    op.add_column(
        "outgoing_email", sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_email_campaign_step", "outgoing_email", ["campaign_step_id"])


def downgrade() -> None:
    op.drop_index("ix_email_campaign_step", table_name="outgoing_email")
    with op.batch_alter_table("outgoing_email") as batch_op:
        batch_op.drop_column("unsubscribed_at")
