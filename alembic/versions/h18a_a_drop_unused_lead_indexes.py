"""lead: drop the indexes no query needs (every lead write maintains each of them)

Checked against every lead-list filter and sort, the API's lead list, the dashboard and the
rating queries on SQLite and PostgreSQL (README, "On PostgreSQL"):
- ix_lead_b_rating (brokerage, score, last activity, status, type): every query reading
  it reads ix_lead_b_rating_cover (brokerage, score, status, agent, last activity) as well,
  and a type filter with a rating reads ix_lead_b_type;
- ix_lead_b_subs (brokerage, subscriptions): no plan used it; the subscribed filter matches
  too many leads for it (a third in the demo data: the count comes from lead_rollup, the
  page walks ix_lead_b_created).
Kept, because a plan needs them: ix_lead_b_stage and ix_lead_b_source (the list sorted by
stage or source, deep pages of a rare one; on SQLite also the API's filter ordered by id),
ix_lead_agent_lastact (an agent's list sorted by last activity).

Plain DROP INDEX on both backends (no batch copy of `lead`, whose search triggers stay).

Revision ID: h18a_a
Revises: h17_c
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "h18a_a"
down_revision: str | None = "h17_c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "ix_lead_b_rating": ["brokerage_id", "rating_score", "last_activity_at", "status", "lead_type"],
    "ix_lead_b_subs": ["brokerage_id", "active_subscriptions"],
}


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="lead")


def downgrade() -> None:
    for name, columns in DROPPED.items():
        op.create_index(name, "lead", columns, unique=False)
