"""The periodic jobs leadapp runs (see services/jobs.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from . import campaigns, daily_alerts, mail, market_reports
from .jobs import job


@job("campaign-steps", every=timedelta(minutes=5))
def campaign_steps(session: Session, now: datetime) -> str:
    return f"{campaigns.send_due_steps(session, now)} campaign emails queued"


@job("daily-alerts", every=timedelta(minutes=5))
def daily_alerts_job(session: Session, now: datetime) -> str:
    return f"{daily_alerts.send_daily(session, now)} email alerts queued"


@job("market-reports", every=timedelta(minutes=15))
def market_reports_job(session: Session, now: datetime) -> str:
    return f"{market_reports.send_reports(session, now)} market reports queued"


@job("greetings", every=timedelta(hours=1))
def greetings(session: Session, now: datetime) -> str:
    return f"{campaigns.send_greetings(session, now)} greetings queued"


@job("deliver-mail", every=timedelta(minutes=1))
def deliver_mail(session: Session, now: datetime) -> str:
    sent, failed = mail.deliver_queued(session, skip_kinds=("account",))
    return f"{sent} sent, {failed} failed"


@job("deliver-account-mail", every=timedelta(seconds=10))
def deliver_account_mail(session: Session, now: datetime) -> str:
    """Invitations and password resets: also run right after one is queued (accounts.py),
    so they leave within seconds (at most one run per 10 s, claimed like every job)."""
    sent, failed = mail.deliver_queued(session, kinds=("account",))
    return f"{sent} sent, {failed} failed"


@job("rating-cutoffs", every=timedelta(minutes=1))
def rating_cutoffs(session: Session, now: datetime) -> str:
    from sqlmodel import select

    from leadapp.models import Brokerage

    from . import rating

    ids = session.exec(select(Brokerage.id)).all()
    for bid in ids:
        rating.refresh_cutoffs(session, bid, now)
    return f"cut-offs of {len(ids)} brokerages refreshed"


@job("rating-ageing", every=timedelta(hours=1))
def rating_ageing(session: Session, now: datetime) -> str:
    from sqlmodel import select

    from leadapp.models import Brokerage

    from . import rating

    changed = sum(
        rating.age_out(session, bid, now) for bid in session.exec(select(Brokerage.id)).all()
    )
    return f"{changed} leads aged"


@job("routing-offers", every=timedelta(seconds=20))
def routing_offers(session: Session, now: datetime) -> str:
    from . import claims

    return f"{claims.expire_due(session, now)} unclaimed offers sent to their fallback"


@job("routing-idle", every=timedelta(minutes=5))
def routing_idle(session: Session, now: datetime) -> str:
    from . import claims

    return f"{claims.idle_due(session, now)} idle leads reassigned"


@job("reminder-notices", every=timedelta(minutes=1))
def reminder_notices(session: Session, now: datetime) -> str:
    from . import reminder_notices as rn

    return f"{rn.send_due(session, now)} reminders to signed-out users"
