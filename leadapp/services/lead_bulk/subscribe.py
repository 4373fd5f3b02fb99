"""Bulk enrolment in a campaign or a market's reports (L7, C2, M2)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Campaign,
    CampaignSubscription,
    Market,
    MarketSubscription,
    User,
    utcnow,
)
from leadapp.models.enums import MARKET_REPORT_TYPES
from leadapp.services import mail_tracking
from leadapp.services.errors import NotFound, ServiceError, ValidationFailed
from leadapp.services.history import add_audit_rows

from .engine import _int_id, _recount_subscriptions, _run, target_ids


def subscribe_campaign(session: Session, user: User, target, campaign_id) -> int:
    """L7 / C2: enrol leads in a campaign; leads already in it (or done with it) are skipped,
    an inactive enrolment resumes where it stopped."""
    campaign = session.get(Campaign, _int_id(campaign_id, "campaign"))
    if campaign is None or campaign.brokerage_id != user.brokerage_id:
        raise NotFound("That campaign does not exist.")
    if not campaign.active:
        raise ServiceError(f"The campaign {campaign.name} is switched off.")
    ids = target_ids(session, user, target)
    now = utcnow()

    def change(rows: dict) -> list[int]:
        chunk = _not_refused(session, user, rows, "campaign")
        subs = {
            s.lead_id: s
            for s in session.exec(
                select(CampaignSubscription).where(
                    col(CampaignSubscription.lead_id).in_(chunk),
                    CampaignSubscription.campaign_id == campaign.id,
                )
            ).all()
        }
        new = [i for i in chunk if i not in subs]
        resume = [s.id for s in subs.values() if s.status == "inactive"]
        if new:
            session.execute(
                sa.insert(CampaignSubscription),
                [
                    {
                        "lead_id": i,
                        "campaign_id": campaign.id,
                        "status": "active",
                        "next_position": 1,
                        "next_send_at": now,
                        "created_at": now,
                        "created_by_id": user.id,
                    }
                    for i in new
                ],
            )
        if resume:
            session.execute(
                sa.update(CampaignSubscription)
                .where(col(CampaignSubscription.id).in_(resume))
                .values(status="active", ended_at=None, next_send_at=now)
                .execution_options(synchronize_session=False)
            )
        hit = new + [s.lead_id for s in subs.values() if s.status == "inactive"]
        return _subscribed(
            session, user, dict.fromkeys(hit, campaign.name), "Subscribed to a campaign", now
        )

    return _run(session, user, ids, change)


def subscribe_market(session: Session, user: User, target, market_id, report_types=None) -> int:
    """L7 / C1: subscribe leads to a market's reports (default: all three report types)."""
    market = session.get(Market, _int_id(market_id, "market"))
    if market is None or market.brokerage_id != user.brokerage_id:
        raise NotFound("That market does not exist.")
    if report_types is None or report_types == "":
        types = list(MARKET_REPORT_TYPES)
    else:
        if isinstance(report_types, str):
            report_types = report_types.split(",")
        types = [t for t in dict.fromkeys(str(t).strip() for t in report_types) if t]
        if not types or any(t not in MARKET_REPORT_TYPES for t in types):
            raise ValidationFailed(
                {
                    "report_types": "Choose at least one report: listing, open-house or "
                    "market report."
                }
            )
    ids = target_ids(session, user, target)
    now = utcnow()

    def change(rows: dict) -> list[int]:
        chunk = _not_refused(session, user, rows, "market_report")
        have = {
            (s.lead_id, s.report_type): s
            for s in session.exec(
                select(MarketSubscription).where(
                    col(MarketSubscription.lead_id).in_(chunk),
                    MarketSubscription.market_id == market.id,
                )
            ).all()
        }
        inserts, reopen, added = [], [], {}
        for i in chunk:
            for t in types:
                sub = have.get((i, t))
                if sub is None:
                    inserts.append(
                        {
                            "lead_id": i,
                            "market_id": market.id,
                            "report_type": t,
                            "active": True,
                            "created_at": now,
                            "created_by_id": user.id,
                        }
                    )
                elif not sub.active:
                    reopen.append(sub.id)
                else:
                    continue
                added.setdefault(i, []).append(MARKET_REPORT_TYPES[t])
        if inserts:
            session.execute(sa.insert(MarketSubscription), inserts)
        if reopen:
            session.execute(
                sa.update(MarketSubscription)
                .where(col(MarketSubscription.id).in_(reopen))
                .values(active=True, deactivated_at=None)
                .execution_options(synchronize_session=False)
            )
        return _subscribed(
            session,
            user,
            {i: f"{market.name}: {', '.join(names)}" for i, names in added.items()},
            "Subscribed to market reports",
            now,
        )

    return _run(session, user, ids, change)


def _not_refused(session: Session, user: User, rows: dict, kind: str) -> list[int]:
    """The leads of `rows` to enrol: a lead who unsubscribed from `kind` email is not
    enrolled again (C5)."""
    refused = mail_tracking.refused_lead_ids(session, user.brokerage_id, rows, kind)
    return [i for i in rows if i not in refused]


def _subscribed(
    session: Session, user: User, subscribed: dict[int, str], title: str, now: datetime
) -> list[int]:
    """The history entry `title` of each lead just subscribed (new value: what to, from
    `subscribed`) and their recounted subscriptions; the lead ids, ascending."""
    hit = sorted(subscribed)
    if hit:
        add_audit_rows(
            session,
            user,
            [(i, None, subscribed[i]) for i in hit],
            "subscriptions",
            title,
            now,
        )
        _recount_subscriptions(session, hit)
    return hit
