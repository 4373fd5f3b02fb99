"""task: the kind in the two open-task indexes (brokerage / owner, open, due)

The to-do page's kind filter counts each section's open tasks of one kind: the count read
every open task's row for its kind (a brokerage with 133,000 upcoming tasks: 71 ms). With
the kind as the last column of the index the count reads only the index (7 ms); the page's
order (due, id) and the unfiltered counts use the index as before. Where the database keeps
planner statistics the table is analysed again at once (see h13_a).

Revision ID: h13_b
Revises: h13_a
Create Date: 2026-12-04 02:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "h13_b"
down_revision: str | None = "h13_a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = {
    "ix_task_b_open_due": ["brokerage_id", "completed_at", "due_at"],
    "ix_task_owner_open_due": ["owner_id", "completed_at", "due_at"],
}
NEW = {name: [*columns, "kind"] for name, columns in OLD.items()}


def _recreate(indexes: dict[str, list[str]]) -> None:
    for name, columns in indexes.items():
        op.drop_index(name, table_name="task")
        op.create_index(name, "task", columns, unique=False)
    bind = op.get_bind()
    if (
        bind.dialect.name == "sqlite"
        and bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
    ):
        bind.exec_driver_sql("ANALYZE task")


def upgrade() -> None:
    _recreate(NEW)


def downgrade() -> None:
    _recreate(OLD)
