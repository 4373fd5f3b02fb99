"""MLS listings (P7, P14, P18, C1)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, utcnow


class Listing(SQLModel, table=True):
    __tablename__ = "listing"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index("ix_listing_search", "transaction", "status", "city", "price"),
        sa.Index("ix_listing_updated", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mls_number: str = Field(max_length=32, unique=True)
    listing_key: str | None = Field(default=None, max_length=64)  # RESO ListingKey
    photo_url: str | None = Field(default=None, max_length=500)
    street: str = Field(max_length=200)
    city: str = Field(max_length=100)
    state: str = Field(max_length=2)
    postal_code: str = Field(max_length=10)
    price: int
    beds: int = 0
    baths: float = 0
    sqft: int | None = None
    property_type: str = Field(default="single_family", max_length=20)
    transaction: str = Field(default="sale", max_length=4)  # sale | rent
    status: str = Field(default="active", max_length=10)  # active | pending | sold | off_market
    list_date: date
    updated_at: datetime = Field(default_factory=utcnow)
    sold_date: date | None = None
    sold_price: int | None = None
    open_house_start: datetime | None = None
    open_house_end: datetime | None = None


class ListingSent(SQLModel, table=True):
    """P18: a listing emailed to a lead or put on a showing sheet."""

    __tablename__ = "listing_sent"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_listing_sent_lead_time", "lead_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = cascade_fk("lead")
    listing_id: int = Field(foreign_key="listing.id")
    via: str = Field(max_length=16)  # email | showing_sheet
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
