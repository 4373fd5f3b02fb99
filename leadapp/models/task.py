"""To-dos and events (T1-T4, P9, P17, D9)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, set_null_fk, utcnow


class Task(SQLModel, table=True):
    __tablename__ = "task"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        # kind: the to-do page's kind filter (T2) counts a section's open tasks index-only
        sa.Index("ix_task_owner_open_due", "owner_id", "completed_at", "due_at", "kind"),
        sa.Index("ix_task_lead_due", "lead_id", "due_at"),
        sa.Index("ix_task_b_due", "brokerage_id", "due_at"),
        # D4 overdue, team-wide
        sa.Index("ix_task_b_open_due", "brokerage_id", "completed_at", "due_at", "kind"),
        sa.Index(
            "ix_task_owner_due", "owner_id", "due_at", "kind"
        ),  # D9 one user's day, counted index-only
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    owner_id: int = cascade_fk("app_user")
    lead_id: int | None = cascade_fk("lead", nullable=True)
    kind: str = Field(default="todo", max_length=10)  # todo | call | showing | meeting
    title: str = Field(max_length=200)
    notes: str = Field(default="", max_length=5000)
    due_at: datetime  # UTC; for events, the start time
    completed_at: datetime | None = None
    reminded_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = set_null_fk("app_user")
