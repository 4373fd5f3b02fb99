"""Lead distribution (G5) and the agents' notifications (N1, N2).

- `RoutingRule`: an ordered rule of a brokerage — what it matches (`match`: sources, lead
  types, cities, postal codes, a price range, tags; empty = any) and where the lead goes
  (one agent, a group by round robin, a group by claim with timeout, or the pool), with a
  fallback for an unclaimed offer or an idle lead.
- `AgentGroup` / `AgentGroupMember`: groups of agents; a member's weight and how many leads
  round robin gave them (the fairness state).
- `RoutingSettings`: per brokerage — idle reassignment hours, whether leads returned to the
  pool are routed again, which hot-lead alerts are on, the rules' version stamp.
- `AgentAvailability`: per user — away, a capacity of open uncontacted leads, and (brokers)
  whether they receive every hot-lead alert.
- `ClaimOffer`: a lead offered to a group; one conditional UPDATE picks the one winner.
- `LeadResponse`: speed to lead — when the lead's agent got it and when it was first
  contacted after that; the rule that routed it and whether the idle move has happened.
- `Notification`, `NotificationPref`, `AlertThrottle`: stored notifications, e-mail per kind,
  and the last behaviour alert per lead and agent (at most one an hour).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, json_field, set_null_fk, utcnow


class AgentGroup(SQLModel, table=True):
    __tablename__ = "agent_group"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class AgentGroupMember(SQLModel, table=True):
    __tablename__ = "agent_group_member"  # pyright: ignore[reportAssignmentType]

    group_id: int = cascade_fk("agent_group", primary_key=True)
    user_id: int = cascade_fk("app_user", primary_key=True)
    weight: int = Field(default=1)
    # Leads round robin has given this member in this group (the fairness counter).
    assigned_count: int = Field(default=0)


class RoutingRule(SQLModel, table=True):
    __tablename__ = "routing_rule"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_routing_rule_b_pos", "brokerage_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    position: int = Field(default=0)
    name: str = Field(max_length=100)
    active: bool = Field(default=True)
    match: dict = json_field(dict)
    # agent | round_robin | claim | pool
    target: str = Field(max_length=16)
    agent_id: int | None = set_null_fk("app_user")
    group_id: int | None = set_null_fk("agent_group")
    claim_minutes: int = Field(default=10)
    # Where an unclaimed offer or an idle lead goes: "" (the default), agent, group, pool.
    fallback: str = Field(default="", max_length=16)
    fallback_agent_id: int | None = set_null_fk("app_user")
    fallback_group_id: int | None = set_null_fk("agent_group")
    created_at: datetime = Field(default_factory=utcnow)


class RoutingSettings(SQLModel, table=True):
    __tablename__ = "routing_settings"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    idle_hours: int | None = None  # None = no idle reassignment
    route_pool_returns: bool = Field(default=False)
    # hot-lead alert kinds switched off (see services/alerts.py ALERTS)
    alerts_off: list[str] = json_field(list)
    # A new random stamp at every change of the brokerage's rules or groups
    # (services/routing_admin/): the Router's cached copy of them is good while it matches.
    rules_version: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))


class AgentAvailability(SQLModel, table=True):
    __tablename__ = "agent_availability"  # pyright: ignore[reportAssignmentType]

    user_id: int = cascade_fk("app_user", primary_key=True)
    away: bool = Field(default=False)
    capacity: int | None = None  # open uncontacted leads at most; None = no limit
    all_hot_leads: bool = Field(default=False)  # brokers: every hot-lead alert


class ClaimOffer(SQLModel, table=True):
    __tablename__ = "claim_offer"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_claim_offer_open", "status", "expires_at"),)

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    lead_id: int = cascade_fk("lead", index=True)
    rule_id: int | None = set_null_fk("routing_rule")
    group_id: int | None = set_null_fk("agent_group")
    status: str = Field(default="open", max_length=10)  # open | claimed | expired
    expires_at: datetime
    claimed_by_id: int | None = set_null_fk("app_user")
    resolved_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LeadResponse(SQLModel, table=True):
    __tablename__ = "lead_response"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_lead_response_agent", "agent_id", "assigned_at"),)

    lead_id: int = cascade_fk("lead", primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    agent_id: int | None = set_null_fk("app_user")
    assigned_at: datetime
    first_contact_at: datetime | None = None
    rule_id: int | None = set_null_fk("routing_rule")
    idle_moved: bool = Field(default=False)


class Notification(SQLModel, table=True):
    __tablename__ = "notification"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_notification_user", "user_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    user_id: int = cascade_fk("app_user")
    kind: str = Field(max_length=20)  # see services/notify.py KINDS
    lead_id: int | None = cascade_fk("lead", nullable=True)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None


class NotificationPref(SQLModel, table=True):
    __tablename__ = "notification_pref"  # pyright: ignore[reportAssignmentType]

    user_id: int = cascade_fk("app_user", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)
    email: bool = Field(default=False)


class AlertThrottle(SQLModel, table=True):
    __tablename__ = "alert_throttle"  # pyright: ignore[reportAssignmentType]

    lead_id: int = cascade_fk("lead", primary_key=True)
    user_id: int = cascade_fk("app_user", primary_key=True)
    last_at: datetime
