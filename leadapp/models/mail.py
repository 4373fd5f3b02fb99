"""Email identity, suppression and signing keys (C5, C6).

- `BrokerageMail`: how a brokerage's email looks and who it is from (sending address,
  Reply-To, logo, colour, postal address for the footer, optional DKIM key).
- `EmailSuppression`: an address that must not get (some) email: unsubscribed from one kind
  of marketing or all of it, or bounced (a permanent SMTP refusal: nothing is sent to it).
- `AppSecret`: named random keys kept in the database (the HMAC key of tracking and
  unsubscribe links), so links keep working across restarts and workers.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, set_null_fk, utcnow


class BrokerageMail(SQLModel, table=True):
    __tablename__ = "brokerage_mail"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = cascade_fk("brokerage", primary_key=True)
    # The address every email is sent from; empty = the server's REFLEX_SMTP_FROM.
    sending_address: str = Field(default="", max_length=320)
    # "agent": From shows the lead's agent's name; "brokerage": the brokerage's name.
    from_name: str = Field(default="agent", max_length=16)
    # "agent": replies go to the agent's own email; "brokerage": to its primary email.
    reply_to: str = Field(default="agent", max_length=16)
    logo_url: str = Field(default="", max_length=500)
    brand_color: str = Field(default="#1f4e79", max_length=16)
    postal_address: str = Field(default="", max_length=300)
    dkim_domain: str = Field(default="", max_length=200)
    dkim_selector: str = Field(default="", max_length=63)
    dkim_private_key: str = Field(default="", max_length=8000)  # PEM
    updated_at: datetime = Field(default_factory=utcnow)


class EmailSuppression(SQLModel, table=True):
    __tablename__ = "email_suppression"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.UniqueConstraint("brokerage_id", "address", "kind", name="uq_email_suppression"),
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    address: str = Field(max_length=320)  # lower-case
    # one of enums.UNSUBSCRIBE_KINDS ("all", "campaign", ...) or "bounced"
    kind: str = Field(max_length=16)
    lead_id: int | None = set_null_fk("lead", index=True)
    reason: str = Field(default="", max_length=500)
    # "one_click" (List-Unsubscribe-Post), "page" (the link's page), "smtp" (a bounce)
    source: str = Field(default="", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class AppSecret(SQLModel, table=True):
    __tablename__ = "app_secret"  # pyright: ignore[reportAssignmentType]

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
