"""Brokerages, their users, sign-in sessions and API keys (G1, G3, W1)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, json_field, utcnow


class Brokerage(SQLModel, table=True):
    __tablename__ = "brokerage"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    primary_email: str = Field(max_length=320)
    # G3: agents may see and claim the unassigned pool.
    unassigned_pool_enabled: bool = Field(default=True)
    # W1: sign-ups from the website go to this agent; empty = the unassigned pool.
    default_agent_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey(
                "app_user.id",
                use_alter=True,
                name="fk_brokerage_default_agent",
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
    )
    # P10: the quick-event buttons shown on the lead page, in order.
    quick_events: list[str] = json_field(list)
    # T4: minutes before an event that its reminder appears.
    reminder_minutes: int = Field(default=15)
    timezone: str = Field(default="America/Los_Angeles", max_length=64)
    # Shown in the footer of marketing email.
    postal_address: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_app_user_brokerage_role", "brokerage_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    email: str = Field(max_length=320, unique=True)  # stored lower-case
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)  # broker | agent
    # I2: the Agent ID a broker's import file names.
    agent_code: str = Field(max_length=32, unique=True)
    phone: str = Field(default="", max_length=40)
    mls_id: str = Field(default="", max_length=32)
    email_signature: str = Field(default="", max_length=2000)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    timezone: str = Field(default="America/Los_Angeles", max_length=64)
    # L5: the lead-list columns this user chose to see; empty = the default set.
    list_columns: list[str] = json_field(list)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class AuthSession(SQLModel, table=True):
    """A server-side sign-in session; the browser holds only the random token."""

    __tablename__ = "auth_session"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex of the token
    user_id: int = cascade_fk("app_user", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None
    # Shown in the user's list of signed-in sessions.
    user_agent: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=64)


class ApiKey(SQLModel, table=True):
    """W1: a per-brokerage key for the website integration, stored hashed."""

    __tablename__ = "api_key"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16, index=True)  # shown in Settings to tell keys apart
    key_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
