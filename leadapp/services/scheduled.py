"""The periodic jobs leadapp runs, declared as one list (JOBS) for the runner, services/jobs.py:
the backend's job loop (leadapp/background.py) and `leadapp jobs run` pass it to run_due."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage

from . import campaigns, claims, daily_alerts, jobs, mail, market_reports, rating
from . import greetings as greeting_mail
from . import reminder_notices as notices
from .jobs import Job
from .rows import stored_ids


def campaign_steps(session: Session, now: datetime) -> str:
    return f"{campaigns.send_due_steps(session, now)} campaign emails queued"


def daily_alerts_job(session: Session, now: datetime) -> str:
    return f"{daily_alerts.send_daily(session, now)} email alerts queued"


def market_reports_job(session: Session, now: datetime) -> str:
    return f"{market_reports.send_reports(session, now)} market reports queued"


def greetings(session: Session, now: datetime) -> str:
    return f"{greeting_mail.send_greetings(session, now)} greetings queued"


def deliver_mail(session: Session, now: datetime) -> str:
    sent, failed = mail.deliver_queued(session, skip_kinds=("account",))
    return f"{sent} sent, {failed} failed"


def deliver_account_mail(session: Session, now: datetime) -> str:
    """Invitations and password resets: also run right after one is queued (accounts.py),
    so they leave within seconds (at most one run per 10 s, claimed like every job)."""
    sent, failed = mail.deliver_queued(session, kinds=("account",))
    return f"{sent} sent, {failed} failed"


def rating_cutoffs(session: Session, now: datetime) -> str:
    ids = stored_ids(session.exec(select(col(Brokerage.id))).all())
    for bid in ids:
        rating.refresh_cutoffs(session, bid, now)
    return f"cut-offs of {len(ids)} brokerages refreshed"


def rating_ageing(session: Session, now: datetime) -> str:
    changed = sum(
        rating.age_out(session, bid, now)
        for bid in stored_ids(session.exec(select(col(Brokerage.id))).all())
    )
    return f"{changed} leads aged"


def routing_offers(session: Session, now: datetime) -> str:
    return f"{claims.expire_due(session, now)} unclaimed offers sent to their fallback"


def routing_idle(session: Session, now: datetime) -> str:
    return f"{claims.idle_due(session, now)} idle leads reassigned"


def reminder_notices(session: Session, now: datetime) -> str:
    return f"{notices.send_due(session, now)} reminders to signed-out users"


JOBS: tuple[Job, ...] = (
    Job("campaign-steps", timedelta(minutes=5), campaign_steps),
    Job("daily-alerts", timedelta(minutes=5), daily_alerts_job),
    Job("market-reports", timedelta(minutes=15), market_reports_job),
    Job("greetings", timedelta(hours=1), greetings),
    Job("deliver-mail", timedelta(minutes=1), deliver_mail),
    Job("deliver-account-mail", timedelta(seconds=10), deliver_account_mail),
    Job("rating-cutoffs", timedelta(minutes=1), rating_cutoffs),
    Job("rating-ageing", timedelta(hours=1), rating_ageing),
    Job("routing-offers", timedelta(seconds=20), routing_offers),
    Job("routing-idle", timedelta(minutes=5), routing_idle),
    Job("reminder-notices", timedelta(minutes=1), reminder_notices),
)


def run_due(
    engine: sa.Engine, now: datetime | None = None, only: str | None = None
) -> list[tuple[str, str]]:
    """Run the due jobs of JOBS (see jobs.run_due)."""
    return jobs.run_due(engine, JOBS, now, only)
