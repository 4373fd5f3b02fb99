"""The listings feed and the senders built on it (C1-C4, P14, P18).

- `ListingChange`: every change the feed makes to a listing, with its time (new, price,
  status, back on market, open house added); alerts and reports are built from these.
- `SendClaim`: one row per (lead or market, kind, period) a scheduled sender has handled;
  its unique key is inserted in the same transaction as the email, so a job run twice, or
  on two workers at once, never queues a second email.
- `AlertItem`: which listing was last emailed for which saved search, and at which change,
  so a listing is never sent twice for the same search unless it changed.
- `AlertEmailSearch`: the saved searches an alert email answered (one email per lead and
  transaction may cover several searches; the Subscriptions tab counts per search).
- `CommSettings`: per brokerage, the alert send hour and the greeting switches/templates.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, json_field, utcnow

CHANGE_KINDS = {
    "new": "New listing",
    "price": "Price change",
    "status": "Status change",
    "back_on_market": "Back on market",
    "open_house": "Open house added",
}


class ListingChange(SQLModel, table=True):
    __tablename__ = "listing_change"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index("ix_listing_change_time", "changed_at", "listing_id"),
        sa.Index("ix_listing_change_listing", "listing_id", "changed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = cascade_fk("listing")
    kind: str = Field(max_length=16)  # see CHANGE_KINDS
    old_value: str = Field(default="", max_length=64)
    new_value: str = Field(default="", max_length=64)
    changed_at: datetime = Field(default_factory=utcnow)


class SendClaim(SQLModel, table=True):
    __tablename__ = "send_claim"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)  # kind:subject:period
    kind: str = Field(max_length=16)
    run_token: str = Field(default="", max_length=32)
    email_id: int | None = None
    claimed_at: datetime = Field(default_factory=utcnow)


class AlertItem(SQLModel, table=True):
    __tablename__ = "alert_item"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.UniqueConstraint("saved_search_id", "listing_id", name="uq_alert_item"),)

    id: int | None = Field(default=None, primary_key=True)
    saved_search_id: int = cascade_fk("saved_search")
    listing_id: int = cascade_fk("listing")
    change_id: int  # the listing's latest change when it was sent
    sent_at: datetime = Field(default_factory=utcnow)


class AlertEmailSearch(SQLModel, table=True):
    __tablename__ = "alert_email_search"  # pyright: ignore[reportAssignmentType]

    email_id: int = cascade_fk("outgoing_email", primary_key=True)
    saved_search_id: int = cascade_fk("saved_search", primary_key=True, index=True)


class CommSettings(SQLModel, table=True):
    __tablename__ = "comm_settings"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = cascade_fk("brokerage", primary_key=True)
    alert_hour: int = 7  # daily email alerts go out at this local hour (P14)
    greeting_hour: int = 9  # greetings at this local hour (C4)
    # {"birthday": {"on": bool, "subject": str, "body": str}, "anniversary": {...}}
    greetings: dict = json_field(dict)
