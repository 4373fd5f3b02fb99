"""routing: the version stamp of a brokerage's rules and groups (the Router's cache, G5)

Revision ID: h17_c
Revises: h15_c
Create Date: 2026-12-02 01:30:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "h17_c"
down_revision: str | None = "h15_c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (nullable): no batch copy
    op.add_column("routing_settings", sa.Column("rules_version", sa.BigInteger, nullable=True))
    # A brokerage with rules or groups gets its stamp (no stamp means "no rules").
    conn = op.get_bind()
    have = {
        r[0]
        for r in conn.execute(
            sa.text(
                "SELECT brokerage_id FROM routing_rule UNION SELECT brokerage_id FROM agent_group"
            )
        )
    }
    known = {r[0] for r in conn.execute(sa.text("SELECT brokerage_id FROM routing_settings"))}
    for bid in sorted(have):
        stamp = secrets.randbits(62)
        if bid in known:
            conn.execute(
                sa.text("UPDATE routing_settings SET rules_version = :v WHERE brokerage_id = :b"),
                {"v": stamp, "b": bid},
            )
        else:
            conn.execute(
                sa.text(
                    "INSERT INTO routing_settings (brokerage_id, route_pool_returns, alerts_off,"
                    " rules_version) VALUES (:b, :f, '[]', :v)"
                ),
                {"v": stamp, "b": bid, "f": False},
            )


def downgrade() -> None:
    with op.batch_alter_table("routing_settings") as batch:
        batch.drop_column("rules_version")
