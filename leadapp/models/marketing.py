"""Markets and their report subscriptions (C1, P6); campaigns with ordered steps (C2, P6)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, json_field, utcnow


class Market(SQLModel, table=True):
    """Named listing criteria, e.g. "Condos in Berkeley under $800K"."""

    __tablename__ = "market"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    name: str = Field(max_length=200)
    criteria: dict = json_field(dict)
    created_at: datetime = Field(default_factory=utcnow)
    report_every_days: int = Field(default=7)  # C1: the reports' schedule (weekly by default)
    archived_at: datetime | None = None  # archived: no new subscriptions, no reports


class MarketSubscription(SQLModel, table=True):
    __tablename__ = "market_subscription"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.UniqueConstraint("lead_id", "market_id", "report_type", name="uq_market_sub"),
        sa.Index("ix_market_sub_market", "market_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = cascade_fk("lead")
    market_id: int = cascade_fk("market")
    report_type: str = Field(max_length=12)  # listing | open_house | market
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    deactivated_at: datetime | None = None
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class CampaignStep(SQLModel, table=True):
    __tablename__ = "campaign_step"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.UniqueConstraint("campaign_id", "position", name="uq_campaign_step_pos"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = cascade_fk("campaign")
    position: int  # 1, 2, 3 ... the order the lead receives them
    delay_days: int = 0  # days after the previous step (or the enrolment)
    channel: str = Field(default="email", max_length=8)  # email | text
    subject: str = Field(max_length=200)
    body: str = Field(default="", max_length=20000)


class CampaignSubscription(SQLModel, table=True):
    __tablename__ = "campaign_subscription"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.UniqueConstraint("lead_id", "campaign_id", name="uq_campaign_sub"),
        sa.Index("ix_campaign_sub_due", "status", "next_send_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = cascade_fk("lead")
    campaign_id: int = cascade_fk("campaign")
    status: str = Field(default="active", max_length=10)  # active | inactive | completed
    next_position: int = Field(default=1)  # the next step to send
    next_send_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
