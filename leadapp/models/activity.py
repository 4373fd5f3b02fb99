"""Website activity of leads (W1, P5, P15, P16, D1, D8) and its monthly roll-up."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, set_null_fk, utcnow


class Activity(SQLModel, table=True):
    __tablename__ = "activity"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index("ix_activity_lead_time", "lead_id", "occurred_at"),
        sa.Index("ix_activity_b_time", "brokerage_id", "occurred_at"),
        sa.Index("ix_activity_b_kind_time", "brokerage_id", "kind", "occurred_at"),
        sa.UniqueConstraint("brokerage_id", "idempotency_key", name="uq_activity_idempotency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    lead_id: int = cascade_fk("lead")
    kind: str = Field(max_length=24)
    occurred_at: datetime = Field(default_factory=utcnow)
    received_at: datetime = Field(default_factory=utcnow)
    mls_number: str | None = Field(default=None, max_length=32)
    listing_id: int | None = set_null_fk("listing")
    criteria: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    details: str = Field(default="", max_length=2000)
    idempotency_key: str | None = Field(default=None, max_length=128)


class ActivityMonthly(SQLModel, table=True):
    """D8 roll-up: activities per brokerage, lead's agent (0 = unassigned), month and kind.

    Kept up to date in the same transaction as the writes that change it.
    """

    __tablename__ = "activity_monthly"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    agent_key: int = Field(primary_key=True)  # assigned agent id, 0 when unassigned
    month: date = Field(primary_key=True)  # first day of the month
    kind: str = Field(max_length=24, primary_key=True)
    count: int = Field(default=0)


class LeadRollup(SQLModel, table=True):
    """D3, D5, D6, L4 roll-up: lead counts per agent, status, stage, source, subscribed flag and
    type.

    closed_year is the calendar year a closed lead closed in (0 for the other stages).
    """

    __tablename__ = "lead_rollup"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    agent_key: int = Field(primary_key=True)
    status: str = Field(max_length=10, primary_key=True)
    stage: str = Field(max_length=20, primary_key=True)
    closed_year: int = Field(primary_key=True)
    source: str = Field(max_length=60, primary_key=True)
    subscribed: bool = Field(primary_key=True)
    # L4: the lead type ("" when not set), so type filters on the lead list count from here.
    lead_type: str = Field(default="", max_length=10, primary_key=True)
    count: int = Field(default=0)


class LeadActivityDay(SQLModel, table=True):
    """D2 roll-up: leads per agent and status by the UTC day of their last website activity.

    A lead without any activity is not counted. "Leads with activity in the last 30 days"
    is the sum over the last 30 days' rows. Kept exact in the writing transaction
    (services/rollups/), like LeadRollup.
    """

    __tablename__ = "lead_activity_day"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index(
            "ix_lead_activity_day_b_day", "brokerage_id", "day", "status", "agent_key", "count"
        ),
    )

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    agent_key: int = Field(primary_key=True)  # assigned agent id, 0 when unassigned
    status: str = Field(max_length=10, primary_key=True)
    day: date = Field(primary_key=True)  # UTC date of lead.last_activity_at
    count: int = Field(default=0)
