"""A lead's history (P8, P10, P11, G4): notes, calls, quick events, messages, audit trail."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, set_null_fk, utcnow


class HistoryEntry(SQLModel, table=True):
    __tablename__ = "history_entry"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index("ix_history_lead_time", "lead_id", "created_at"),
        sa.Index("ix_history_actor_time", "actor_id", "created_at"),
        sa.Index("ix_history_b_time", "brokerage_id", "created_at"),
        # D4: index-only counts of the last 7 days by kind (team and per user), and the
        # leads contacted in that time.
        sa.Index(
            "ix_history_b_time_cover",
            "brokerage_id",
            "created_at",
            "kind",
            "field",
            "actor_id",
            "lead_id",
        ),
        sa.Index("ix_history_actor_cover", "actor_id", "created_at", "kind", "field"),
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    lead_id: int = cascade_fk("lead")
    # The user who did it (G4); empty for the website or the system.
    actor_id: int | None = set_null_fk("app_user")
    # The website API key that made the change (actor empty), so the history names it.
    api_key_id: int | None = Field(default=None)
    kind: str = Field(max_length=16)  # see enums.HISTORY_KINDS
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=20000)
    # audit records: which field changed, from what, to what
    field: str | None = Field(default=None, max_length=40)
    old_value: str | None = Field(default=None, max_length=400)
    new_value: str | None = Field(default=None, max_length=400)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class HistoryDay(SQLModel, table=True):
    """D4 roll-up: what each user did per UTC day — history entries by kind.

    kind: note, call, quick_event, message, or stage (an audit entry of a stage change);
    only entries written by a user (actor set). Kept exact in the writing transaction
    (services/rollups/). The key starts with the day so a brokerage's last seven
    days are one range, for the team and for one user.
    """

    __tablename__ = "history_day"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    day: date = Field(primary_key=True)
    actor_id: int = Field(primary_key=True)
    kind: str = Field(max_length=16, primary_key=True)
    count: int = Field(default=0)
