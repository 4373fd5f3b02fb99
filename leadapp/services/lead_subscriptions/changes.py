"""Subscribing a lead to market reports and campaigns, and ending a subscription."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, select

from leadapp.models import (
    Campaign,
    CampaignSubscription,
    Lead,
    Market,
    MarketSubscription,
    User,
    utcnow,
)
from leadapp.models.enums import MARKET_REPORT_TYPES

from .. import access, mail_tracking
from ..errors import ServiceError, ValidationFailed, get_in_brokerage, get_owned
from ..history import audit
from ..rows import get_row, id_of
from .count import recount

_Sub = TypeVar("_Sub", MarketSubscription, CampaignSubscription)


def subscribe_market(session: Session, user: User, lead_id, market_id, report_types) -> list[str]:
    """Add (pick a market; all three report types preselected) — one row per chosen type."""
    lead = access.get_lead(session, user, lead_id, write=True)
    market = get_in_brokerage(
        session, Market, market_id, lead.brokerage_id, "That market does not exist."
    )
    if market.archived_at is not None:
        raise ServiceError(f"{market.name} is archived; it takes no new subscribers.")
    if isinstance(report_types, str):
        report_types = [report_types]
    types = [t for t in dict.fromkeys(str(t) for t in (report_types or [])) if t]
    bad = [t for t in types if t not in MARKET_REPORT_TYPES]
    if bad or not types:
        raise ValidationFailed(
            {"report_types": "Choose at least one report: listing, open-house or market report."}
        )
    mail_tracking.refuse_resubscribe(session, lead, "market_report")
    existing = {
        s.report_type: s
        for s in session.exec(
            select(MarketSubscription).where(
                MarketSubscription.lead_id == lead.id, MarketSubscription.market_id == market.id
            )
        ).all()
    }
    added = []
    now = utcnow()
    for t in types:
        sub = existing.get(t)
        if sub is None:
            session.add(
                MarketSubscription(
                    lead_id=id_of(lead),
                    market_id=id_of(market),
                    report_type=t,
                    active=True,
                    created_at=now,
                    created_by_id=user.id,
                )
            )
        elif not sub.active:
            sub.active, sub.deactivated_at = True, None
            session.add(sub)
        else:
            continue
        added.append(MARKET_REPORT_TYPES[t])
    if not added:
        raise ServiceError(f"{lead.email} already receives those reports for {market.name}.")
    audit(
        session,
        lead,
        user,
        "subscriptions",
        None,
        f"{market.name}: {', '.join(added)}",
        title="Subscribed to market reports",
    )
    recount(session, lead)
    return added


def _own_sub(session: Session, lead: Lead, model: type[_Sub], sub_id) -> _Sub:
    """The lead's subscription row of `model` by an id from the client (NotFound otherwise)."""
    return get_owned(
        session, model, sub_id, lambda s: s.lead_id == lead.id, "That subscription does not exist."
    )


def deactivate_market(session: Session, user: User, lead_id, sub_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    sub = _own_sub(session, lead, MarketSubscription, sub_id)
    if not sub.active:
        raise ServiceError("That subscription is already inactive.")
    sub.active, sub.deactivated_at = False, utcnow()
    session.add(sub)
    market = get_row(session, Market, sub.market_id)
    audit(
        session,
        lead,
        user,
        "subscriptions",
        f"{market.name}: {MARKET_REPORT_TYPES.get(sub.report_type)}",
        None,
        title="Market report subscription deactivated",
    )
    recount(session, lead)


def subscribe_campaign(session: Session, user: User, lead_id, campaign_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    campaign = get_in_brokerage(
        session, Campaign, campaign_id, lead.brokerage_id, "That campaign does not exist."
    )
    if not campaign.active:
        raise ServiceError(f"The campaign {campaign.name} is switched off.")
    mail_tracking.refuse_resubscribe(session, lead, "campaign")
    sub = session.exec(
        select(CampaignSubscription).where(
            CampaignSubscription.lead_id == lead.id, CampaignSubscription.campaign_id == campaign.id
        )
    ).first()
    now = utcnow()
    if sub is None:
        session.add(
            CampaignSubscription(
                lead_id=id_of(lead),
                campaign_id=id_of(campaign),
                status="active",
                next_position=1,
                next_send_at=now,
                created_at=now,
                created_by_id=user.id,
            )
        )
    elif sub.status == "active":
        raise ServiceError(f"{lead.email} is already in {campaign.name}.")
    elif sub.status == "completed":
        raise ServiceError(f"{lead.email} has completed {campaign.name}.")
    else:  # inactive: resume where it stopped
        sub.status, sub.ended_at, sub.next_send_at = "active", None, now
        session.add(sub)
    audit(
        session, lead, user, "subscriptions", None, campaign.name, title="Subscribed to a campaign"
    )
    recount(session, lead)


def deactivate_campaign(session: Session, user: User, lead_id, sub_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    sub = _own_sub(session, lead, CampaignSubscription, sub_id)
    if sub.status != "active":
        raise ServiceError("That campaign subscription is not active.")
    sub.status, sub.ended_at, sub.next_send_at = "inactive", utcnow(), None
    session.add(sub)
    audit(
        session,
        lead,
        user,
        "subscriptions",
        get_row(session, Campaign, sub.campaign_id).name,
        None,
        title="Campaign subscription deactivated",
    )
    recount(session, lead)
