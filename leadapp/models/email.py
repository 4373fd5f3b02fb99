"""The outgoing-mail table and email log (C5): every email queued, sent, opened, clicked."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ._base import cascade_fk, utcnow


class OutgoingEmail(SQLModel, table=True):
    __tablename__ = "outgoing_email"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        sa.Index("ix_email_status_created", "status", "created_at"),
        sa.Index("ix_email_lead_created", "lead_id", "created_at"),
        sa.Index("ix_email_market_sub", "market_subscription_id"),
        sa.Index("ix_email_campaign_sub", "campaign_subscription_id"),
        sa.Index("ix_email_campaign_step", "campaign_step_id"),
        sa.Index("ix_email_saved_search", "saved_search_id"),
        sa.Index("ix_email_message_id", "message_id"),
        sa.Index("ix_email_b_created", "brokerage_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    brokerage_id: int = Field(foreign_key="brokerage.id")
    lead_id: int | None = cascade_fk("lead", nullable=True)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(default="", max_length=100000)
    kind: str = Field(max_length=16)  # see enums.EMAIL_KINDS
    channel: str = Field(default="email", max_length=8)  # email | text
    # queued | sending | sent | failed | bounced | skipped | canceled (enums.EMAIL_STATUSES)
    status: str = Field(default="queued", max_length=8)
    error: str = Field(default="", max_length=1000)
    market_subscription_id: int | None = None
    campaign_subscription_id: int | None = None
    campaign_step_id: int | None = None
    saved_search_id: int | None = None
    history_entry_id: int | None = None  # the lead message (P11) it delivers
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    opened_at: datetime | None = None
    clicked_at: datetime | None = None
    click_count: int = 0
    # C5: how the email is rendered at delivery (services/mail_render.py)
    template: str = Field(default="message", max_length=32)
    context: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    marketing: bool = False  # carries the unsubscribe link and List-Unsubscribe headers
    sender_user_id: int | None = None  # whose name, signature and Reply-To it carries
    # delivery: attempts, back-off, the claim of the worker sending it, the message as sent
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claim: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = None
    message_id: str | None = Field(default=None, max_length=250)
    raw_message: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    links: list | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    # tracking (C6): real opens, and fetches within seconds of delivery (privacy proxies)
    open_count: int = 0
    machine_open_count: int = 0
    # the lead unsubscribed through this email's link (one-click or the page's choice of
    # this kind of email or all)
    unsubscribed_at: datetime | None = None
