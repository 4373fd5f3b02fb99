"""The property organizer (P7, P14, C3): saved searches with email alerts, favourites."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, json_field, utcnow


class SavedSearch(SQLModel, table=True):
    __tablename__ = "saved_search"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_saved_search_lead", "lead_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = cascade_fk("lead")
    name: str = Field(default="", max_length=200)
    # {"city", "min_price", "max_price", "min_beds", "min_baths", "property_type", "transaction"}
    criteria: dict = json_field(dict)
    transaction: str = Field(default="sale", max_length=4)  # sale | rent (P14 splits by it)
    alerts_enabled: bool = Field(default=False)
    created_by: str = Field(default="lead", max_length=6)  # lead | agent
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    last_alert_at: datetime | None = None


class Favorite(SQLModel, table=True):
    __tablename__ = "favorite"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.UniqueConstraint("lead_id", "listing_id", name="uq_favorite"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = cascade_fk("lead")
    listing_id: int = cascade_fk("listing")
    created_by: str = Field(default="lead", max_length=6)  # lead | agent
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
