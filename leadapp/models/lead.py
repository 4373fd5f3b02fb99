"""Leads, their tags, and the lead-list support tables (L, P1, P13, R1, W2)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, json_field, set_null_fk, utcnow


class Lead(SQLModel, table=True):
    __tablename__ = "lead"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.UniqueConstraint("brokerage_id", "email", name="uq_lead_brokerage_email"),
        # Lead-list filters and sorts (L1, L4) and dashboard counts (D2, D5-D7).
        # id and status make the default lead-list order (created, id) index-only, so a page
        # 10,000 rows deep skips rows without reading the table.
        sa.Index("ix_lead_b_created", "brokerage_id", "created_at", "id", "status"),
        sa.Index(
            "ix_lead_b_agent_created",
            "brokerage_id",
            "assigned_agent_id",
            "created_at",
            "id",
            "status",
        ),
        # status, score and last activity: D4 leaves deleted 3-star leads out index-only.
        sa.Index("ix_lead_b_status", "brokerage_id", "status", "rating_score", "last_activity_at"),
        sa.Index("ix_lead_b_stage", "brokerage_id", "stage"),
        sa.Index("ix_lead_b_source", "brokerage_id", "source"),
        # score, last activity and status: a type filter with a rating filter or sort (L4) reads one
        # type's top-rated leads, index-only
        sa.Index(
            "ix_lead_b_type",
            "brokerage_id",
            "lead_type",
            "rating_score",
            "last_activity_at",
            "status",
        ),
        # status and created: a list of ids (a search's matches, a tag's leads) is checked and
        # ordered without reading the wide lead rows
        sa.Index("ix_lead_id_cover", "id", "brokerage_id", "status", "created_at"),
        # score and status: D4 finds the few leads whose activity just left the window index-only
        sa.Index("ix_lead_b_lastact", "brokerage_id", "last_activity_at", "rating_score", "status"),
        sa.Index("ix_lead_agent_lastact", "assigned_agent_id", "last_activity_at"),
        # status and agent: a one- or two-letter search (L2, name and email prefixes) counts
        # and pages its matches without reading the lead rows (the h13_a migration)
        sa.Index(
            "ix_lead_b_name",
            "brokerage_id",
            "last_name",
            "first_name",
            "status",
            "assigned_agent_id",
        ),
        sa.Index("ix_lead_b_first", "brokerage_id", "first_name", "status", "assigned_agent_id"),
        sa.Index("ix_lead_b_email", "brokerage_id", "email", "status", "assigned_agent_id"),
        # agent and status: one agent's birthdays today (D4) and this week (D7) index-only
        sa.Index("ix_lead_b_bday", "brokerage_id", "birthday_md", "assigned_agent_id", "status"),
        sa.Index(
            "ix_lead_b_anniv", "brokerage_id", "anniversary_md", "assigned_agent_id", "status"
        ),
        sa.Index("ix_lead_phone_digits", "brokerage_id", "phone_digits"),
        # D4 "3-star leads not contacted": an index-only count of the top-rated leads; the lead
        # list's rating filters and sort, and the rating cut-offs and counts (services/rating.py)
        # read it too (with a type filter: ix_lead_b_type).
        sa.Index(
            "ix_lead_b_rating_cover",
            "brokerage_id",
            "rating_score",
            "status",
            "assigned_agent_id",
            "last_activity_at",
        ),
        # D4 "not contacted in 7 days" and the list's idle=N: the few leads contacted lately.
        sa.Index(
            "ix_lead_b_contacted",
            "brokerage_id",
            "last_contacted_at",
            "rating_score",
            "status",
            "last_activity_at",
        ),
        sa.Index(
            "ix_lead_agent_contacted",
            "assigned_agent_id",
            "last_contacted_at",
            "rating_score",
            "status",
            "last_activity_at",
            "brokerage_id",
        ),
        sa.Index(
            "ix_lead_agent_rating_cover",
            "assigned_agent_id",
            "rating_score",
            "status",
            "last_activity_at",
            "brokerage_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    # P1 contact
    email: str = Field(max_length=320)  # primary email, stored lower-case
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=60)  # as typed (may hold an extension)
    phone_digits: str = Field(default="", max_length=20)  # digits only, for search
    extra_emails: list[str] = json_field(list)
    extra_phones: list[str] = json_field(list)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=2)  # two-letter US state / CA province code
    postal_code: str = Field(default="", max_length=10)
    birthday: date | None = None
    birthday_md: int | None = None  # month*100+day, for "upcoming birthdays" (D7)
    anniversary: date | None = None  # transaction anniversary
    anniversary_md: int | None = None
    lead_type: str | None = Field(default=None, max_length=10)  # buyer | seller | renter
    status: str = Field(default="new", max_length=10)
    stage: str = Field(default="uncontacted", max_length=20)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    priority: str = Field(default="normal", max_length=10)
    source: str = Field(default="", max_length=60)
    texting_consent: bool = Field(default=False)
    assigned_agent_id: int | None = set_null_fk("app_user")
    # W2: the website account
    website_password_hash: str | None = Field(default=None, max_length=255)
    # P13 sales info
    property_type_wanted: str = Field(default="", max_length=40)
    price_min: int | None = None
    price_max: int | None = None
    move_timeframe: str = Field(default="", max_length=60)
    closing_date: date | None = None
    ps_due_date: date | None = None
    # R1: forward-decayed activity score (see services/rating.py); stars derive from it.
    rating_score: float = Field(default=0.0)
    last_activity_at: datetime | None = None
    # The latest call, quick event or message in the lead's history (enums.CONTACT_KINDS),
    # kept by services/history.py; D4 and the lead list's idle=N read it.
    last_contacted_at: datetime | None = None
    # D3 / L4 "subscribed": count of active market, campaign and alert subscriptions.
    active_subscriptions: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = set_null_fk("app_user")


class Tag(SQLModel, table=True):
    __tablename__ = "tag"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.UniqueConstraint("brokerage_id", "name", name="uq_tag_brokerage_name"),)

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    name: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow)


class LeadTag(SQLModel, table=True):
    __tablename__ = "lead_tag"  # pyright: ignore[reportAssignmentType]

    lead_id: int = cascade_fk("lead", primary_key=True)
    tag_id: int = cascade_fk("tag", primary_key=True, index=True)


class RatingCutoff(SQLModel, table=True):
    """R1: the tercile boundaries of a brokerage's rating scores, refreshed cheaply."""

    __tablename__ = "rating_cutoff"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    low: float = Field(default=0.0)  # score >= low and < high -> 2 stars
    high: float = Field(default=0.0)  # score >= high -> 3 stars
    active_leads: int = Field(default=0)
    computed_at: datetime = Field(default_factory=utcnow)
    # Scores hold exactly the activities that occurred at or after this instant; the ageing
    # job moves it forward and subtracts what fell out of the six-month window.
    aged_until: datetime | None = None


class RatingBucket(SQLModel, table=True):
    """R1: how many leads with a positive score fall in each log-scale score bucket.

    Kept exact in the writing transaction, so the tercile cut-offs are found by reading a
    few hundred rows and one short index range instead of ranking every lead.
    """

    __tablename__ = "rating_bucket"  # pyright: ignore[reportAssignmentType]

    brokerage_id: int = Field(foreign_key="brokerage.id", primary_key=True)
    bucket: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    count: int = Field(default=0)


class ExportLog(SQLModel, table=True):
    """I5: each CSV export, who made it and what it held.

    A row is written when a broker asks for an export; it holds the hash of a one-time
    download token (services/export.py) until the download starts, and the row count when
    it has finished.
    """

    __tablename__ = "export_log"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (sa.Index("ix_export_log_token", "token_hash", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    row_count: int = 0
    filters: dict = json_field(dict)
    token_hash: str | None = Field(
        default=None, max_length=64
    )  # sha256 of the one-time download token
    expires_at: datetime | None = None  # the token is refused after this
    started_at: datetime | None = None  # the download began (the token is spent)
    finished_at: datetime | None = None  # every row was written


class ImportBatch(SQLModel, table=True):
    """I4: one completed import, named in each imported lead's history."""

    __tablename__ = "import_batch"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    filename: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    lead_count: int = 0
    tag_count: int = 0
    note_count: int = 0
    market_count: int = 0
    campaign_count: int = 0
