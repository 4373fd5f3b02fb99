"""Account security (G1): one-time links, sign-in failures, the audit log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, set_null_fk, utcnow


class AccountToken(SQLModel, table=True):
    """A one-time link for a user: an invitation (7 days) or a password reset (1 hour).

    Only the sha256 of the random token is stored; `used_at` makes it single-use.
    """

    __tablename__ = "account_token"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = cascade_fk("app_user", index=True)
    purpose: str = Field(max_length=8)  # invite | reset
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class LeadAccountToken(SQLModel, table=True):
    """W2: a one-time password-reset link for a lead's website account (1 hour, hashed)."""

    __tablename__ = "lead_account_token"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = cascade_fk("lead", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class SignInFailure(SQLModel, table=True):
    """One refused password for (account, client address); sign-in throttling counts these."""

    __tablename__ = "signin_failure"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_signin_failure_pair", "account", "address", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=340)  # "user:<email>" or "lead:<brokerage id>:<email>"
    address: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """A security-relevant event of a brokerage: who, what, when, from which address."""

    __tablename__ = "audit_event"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index("ix_audit_brokerage_at", "brokerage_id", "at"),
        sa.Index("ix_audit_brokerage_action_at", "brokerage_id", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int | None = cascade_fk("brokerage", nullable=True)
    # The acting user, or the website API key that made the write (both kept by name too,
    # so the log still reads right after a user or key is gone).
    actor_id: int | None = set_null_fk("app_user")
    api_key_id: int | None = set_null_fk("api_key")
    actor_name: str = Field(default="", max_length=200)
    action: str = Field(max_length=32)  # see services/audit_log.ACTIONS
    detail: str = Field(default="", max_length=500)
    address: str = Field(default="", max_length=64)
    at: datetime = Field(default_factory=utcnow)
