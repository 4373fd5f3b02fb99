"""A click in an email as the lead's activity (R1): kept apart from mail_tracking, which the
mail sender imports, because recording activity reaches the sender again (alerts, notices)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from leadapp.models import Lead, OutgoingEmail, utcnow

from . import activity, mail_tracking


def click_activity(session: Session, email_id: int, now: datetime | None = None) -> None:
    """The email's first click as the lead's `email_click` activity (rating R1, roll-ups)."""
    row = session.get(OutgoingEmail, email_id)
    lead = session.get(Lead, row.lead_id) if row and row.lead_id else None
    if row is None or lead is None or not lead.email:
        return
    activity.record_events(
        session,
        row.brokerage_id,
        [
            {
                "kind": "email_click",
                "email": lead.email,
                "details": f"Clicked in “{row.subject}”"[:2000],
                "idempotency_key": f"email-click-{row.id}",
            }
        ],
        now=now or utcnow(),
    )


def record_click(session: Session, token: str, now: datetime | None = None) -> str | None:
    """A click, with its activity in the same transaction; the URL or None."""
    url, first = mail_tracking.click(session, token, now)
    if first:
        click_activity(session, first, now)
    return url
