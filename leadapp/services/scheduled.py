"""The periodic jobs leadapp runs, declared as one list (JOBS) for the runner, services/jobs.py:
the backend's job loop (leadapp/background.py) and `leadapp jobs run` pass it to run_due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage

from . import campaigns, claims, daily_alerts, jobs, mail, market_reports, rating
from . import greetings as greeting_mail
from . import reminder_notices as notices
from .jobs import Job, JobFn
from .rows import stored_ids


def counted(send: Callable[[Session, datetime], int], what: str) -> JobFn:
    """A job running `send(session, now)` and reporting its count as "<count> <what>"."""

    def job(session: Session, now: datetime) -> str:
        return f"{send(session, now)} {what}"

    return job


def deliver_mail(session: Session, now: datetime) -> str:
    sent, failed = mail.deliver_queued(session, skip_kinds=("account",))
    return f"{sent} sent, {failed} failed"


def deliver_account_mail(session: Session, now: datetime) -> str:
    """Invitations and password resets: also run right after one is queued (accounts.py),
    so they leave within seconds (at most one run per 10 s, claimed like every job)."""
    sent, failed = mail.deliver_queued(session, kinds=("account",))
    return f"{sent} sent, {failed} failed"


def _brokerage_ids(session: Session) -> list[int]:
    return stored_ids(session.exec(select(col(Brokerage.id))).all())


def rating_cutoffs(session: Session, now: datetime) -> str:
    ids = _brokerage_ids(session)
    for bid in ids:
        rating.refresh_cutoffs(session, bid, now)
    return f"cut-offs of {len(ids)} brokerages refreshed"


def rating_ageing(session: Session, now: datetime) -> str:
    changed = sum(rating.age_out(session, bid, now) for bid in _brokerage_ids(session))
    return f"{changed} leads aged"


JOBS: tuple[Job, ...] = (
    Job(
        "campaign-steps",
        timedelta(minutes=5),
        counted(campaigns.send_due_steps, "campaign emails queued"),
    ),
    Job(
        "daily-alerts",
        timedelta(minutes=5),
        counted(daily_alerts.send_daily, "email alerts queued"),
    ),
    Job(
        "market-reports",
        timedelta(minutes=15),
        counted(market_reports.send_reports, "market reports queued"),
    ),
    Job("greetings", timedelta(hours=1), counted(greeting_mail.send_greetings, "greetings queued")),
    Job("deliver-mail", timedelta(minutes=1), deliver_mail),
    Job("deliver-account-mail", timedelta(seconds=10), deliver_account_mail),
    Job("rating-cutoffs", timedelta(minutes=1), rating_cutoffs),
    Job("rating-ageing", timedelta(hours=1), rating_ageing),
    Job(
        "routing-offers",
        timedelta(seconds=20),
        counted(claims.expire_due, "unclaimed offers sent to their fallback"),
    ),
    Job("routing-idle", timedelta(minutes=5), counted(claims.idle_due, "idle leads reassigned")),
    Job(
        "reminder-notices",
        timedelta(minutes=1),
        counted(notices.send_due, "reminders to signed-out users"),
    ),
)


def run_due(
    engine: sa.Engine, now: datetime | None = None, only: str | None = None
) -> list[tuple[str, str]]:
    """Run the due jobs of JOBS (see jobs.run_due)."""
    return jobs.run_due(engine, JOBS, now, only)
