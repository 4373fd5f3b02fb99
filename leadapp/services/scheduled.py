"""The periodic jobs leadapp runs, declared as one list (JOBS) for the runner, services/jobs.py:
the backend's job loop (leadapp/background.py) and `leadapp jobs run` pass it to run_due."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import Brokerage

from . import campaigns, jobs, mail, rating
from .jobs import Job


def campaign_steps(session: Session, now: datetime) -> str:
    return f"{campaigns.send_due_steps(session, now)} campaign emails queued"


def greetings(session: Session, now: datetime) -> str:
    return f"{campaigns.send_greetings(session, now)} greetings queued"


def deliver_mail(session: Session, now: datetime) -> str:
    sent, failed = mail.deliver_queued(session)
    return f"{sent} sent, {failed} failed"


def rating_cutoffs(session: Session, now: datetime) -> str:
    ids = session.exec(select(Brokerage.id)).all()
    for bid in ids:
        rating.refresh_cutoffs(session, bid, now)
    return f"cut-offs of {len(ids)} brokerages refreshed"


def rating_ageing(session: Session, now: datetime) -> str:
    changed = sum(
        rating.age_out(session, bid, now) for bid in session.exec(select(Brokerage.id)).all()
    )
    return f"{changed} leads aged"


JOBS: tuple[Job, ...] = (
    Job("campaign-steps", timedelta(minutes=5), campaign_steps),
    Job("greetings", timedelta(hours=1), greetings),
    Job("deliver-mail", timedelta(minutes=1), deliver_mail),
    Job("rating-cutoffs", timedelta(minutes=1), rating_cutoffs),
    Job("rating-ageing", timedelta(hours=1), rating_ageing),
)


def run_due(
    engine: sa.Engine, now: datetime | None = None, only: str | None = None
) -> list[tuple[str, str]]:
    """Run the due jobs of JOBS (see jobs.run_due)."""
    return jobs.run_due(engine, JOBS, now, only)
