"""A lead's subscriptions (P6, C1-C3): market reports, campaigns, email alerts.

Lead.active_subscriptions counts the lead's active subscriptions the way the demo data
and the campaign sender do: one per market with at least one active report type, one per
active campaign subscription, one per saved search with alerts on. Every change here
recounts it from the tables and applies the difference to the dashboard roll-ups
(LeadRollupTracker) in the same transaction, so the D3 "% subscribed" stays exact.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    AlertEmailSearch,
    Campaign,
    CampaignStep,
    CampaignSubscription,
    Lead,
    Market,
    MarketSubscription,
    OutgoingEmail,
    SavedSearch,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import CAMPAIGN_SUB_STATUSES, MARKET_REPORT_TYPES

from . import access, mail_tracking, rollups
from .errors import NotFound, ServiceError, ValidationFailed
from .history import audit
from .lead_page.format import criteria_text, fmt_dt
from .lead_page.types import (
    AlertRow,
    CampaignEmailRow,
    CampaignSubRow,
    Choice,
    ClickRow,
    MarketSubRow,
    Subscriptions,
)


def active_count_expr(lead_id):
    """A lead's active subscriptions as one SQL expression (D3 "subscribed" means > 0): markets
    (once per market, whatever the report types), active campaigns and saved searches with email
    alerts. `lead_id` is a value or a column (`Lead.id` for a set-based UPDATE)."""
    markets = (
        select(sa.func.count(sa.distinct(col(MarketSubscription.market_id))))
        .where(MarketSubscription.lead_id == lead_id, MarketSubscription.active)
        .scalar_subquery()
    )
    campaigns = (
        select(sa.func.count())
        .select_from(CampaignSubscription)
        .where(CampaignSubscription.lead_id == lead_id, CampaignSubscription.status == "active")
        .scalar_subquery()
    )
    alerts = (
        select(sa.func.count())
        .select_from(SavedSearch)
        .where(SavedSearch.lead_id == lead_id, SavedSearch.alerts_enabled)
        .scalar_subquery()
    )
    return markets + campaigns + alerts


def count_active(session: Session, lead_id: int) -> int:
    return int(session.execute(sa.select(active_count_expr(lead_id))).scalar_one())


def recount(session: Session, lead: Lead) -> None:
    """Set lead.active_subscriptions from the tables and move the roll-ups with it."""
    session.flush()
    tracker = rollups.LeadRollupTracker([lead])
    lead.active_subscriptions = count_active(session, lead.id)
    session.add(lead)
    tracker.apply(session)


def _int(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"That {what} does not exist.") from None


def subscribe_market(session: Session, user: User, lead_id, market_id, report_types) -> list[str]:
    """Add (pick a market; all three report types preselected) — one row per chosen type."""
    lead = access.get_lead(session, user, lead_id, write=True)
    market = session.get(Market, _int(market_id, "market"))
    if market is None or market.brokerage_id != lead.brokerage_id:
        raise NotFound("That market does not exist.")
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
                    lead_id=lead.id,
                    market_id=market.id,
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


def _market_sub(session: Session, lead: Lead, sub_id) -> MarketSubscription:
    sub = session.get(MarketSubscription, _int(sub_id, "subscription"))
    if sub is None or sub.lead_id != lead.id:
        raise NotFound("That subscription does not exist.")
    return sub


def deactivate_market(session: Session, user: User, lead_id, sub_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    sub = _market_sub(session, lead, sub_id)
    if not sub.active:
        raise ServiceError("That subscription is already inactive.")
    sub.active, sub.deactivated_at = False, utcnow()
    session.add(sub)
    market = session.get(Market, sub.market_id)
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
    campaign = session.get(Campaign, _int(campaign_id, "campaign"))
    if campaign is None or campaign.brokerage_id != lead.brokerage_id:
        raise NotFound("That campaign does not exist.")
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
                lead_id=lead.id,
                campaign_id=campaign.id,
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
    sub = session.get(CampaignSubscription, _int(sub_id, "subscription"))
    if sub is None or sub.lead_id != lead.id:
        raise NotFound("That subscription does not exist.")
    if sub.status != "active":
        raise ServiceError("That campaign subscription is not active.")
    sub.status, sub.ended_at, sub.next_send_at = "inactive", utcnow(), None
    session.add(sub)
    audit(
        session,
        lead,
        user,
        "subscriptions",
        session.get(Campaign, sub.campaign_id).name,
        None,
        title="Campaign subscription deactivated",
    )
    recount(session, lead)


def _emails(session: Session, column, ids: list[int]) -> dict[int, list[OutgoingEmail]]:
    out: dict[int, list[OutgoingEmail]] = {i: [] for i in ids}
    if ids:
        for e in session.exec(
            select(OutgoingEmail)
            .where(column.in_(ids))
            .order_by(col(OutgoingEmail.created_at).desc())
            .limit(2000)
        ).all():
            out[getattr(e, column.key)].append(e)
    return out


def _search_emails(session: Session, ids: list[int]) -> dict[int, list[OutgoingEmail]]:
    """Emails per saved search: "send all now" links one search on the email; a daily alert
    answers every search of its lead and transaction (alert_email_search)."""
    out = _emails(session, OutgoingEmail.saved_search_id, ids)
    if ids:
        seen = {(sid, e.id) for sid, rows in out.items() for e in rows}
        for sid, e in session.exec(
            select(AlertEmailSearch.saved_search_id, OutgoingEmail)
            .join(OutgoingEmail, col(OutgoingEmail.id) == AlertEmailSearch.email_id)
            .where(col(AlertEmailSearch.saved_search_id).in_(ids))
            .order_by(col(OutgoingEmail.created_at).desc())
            .limit(2000)
        ).all():
            if (sid, e.id) not in seen:
                out[sid].append(e)
    return out


def subscriptions(session: Session, user: User, lead_id) -> Subscriptions:
    """The Subscriptions tab: markets, campaigns, email alerts, and what can be added."""
    lead = access.get_lead(session, user, lead_id)
    since = utcnow() - timedelta(days=30)

    def sent_30(emails):
        return sum(
            1 for e in emails if e.status == "sent" and e.sent_at and as_utc(e.sent_at) >= since
        )

    def clicks(emails) -> list[ClickRow]:
        return [
            {
                "subject": e.subject,
                "sent": fmt_dt(e.sent_at, user),
                "clicked": fmt_dt(e.clicked_at, user),
                "count": e.click_count or 1,
            }
            for e in emails
            if e.clicked_at
        ][:20]

    msubs = session.exec(
        select(MarketSubscription, Market)
        .join(Market, col(Market.id) == MarketSubscription.market_id)
        .where(MarketSubscription.lead_id == lead.id)
        .order_by(
            col(MarketSubscription.active).desc(), Market.name, MarketSubscription.report_type
        )
    ).all()
    m_emails = _emails(session, OutgoingEmail.market_subscription_id, [s.id for s, _ in msubs])
    markets: list[MarketSubRow] = [
        {
            "id": s.id,
            "market": m.name,
            "type": MARKET_REPORT_TYPES.get(s.report_type, s.report_type),
            "active": s.active,
            "criteria": criteria_text(m.criteria),
            "since": fmt_dt(s.created_at, user),
            "sent_30": sent_30(m_emails[s.id]),
            "clicks": clicks(m_emails[s.id]),
        }
        for s, m in msubs
    ]

    csubs = session.exec(
        select(CampaignSubscription, Campaign)
        .join(Campaign, col(Campaign.id) == CampaignSubscription.campaign_id)
        .where(CampaignSubscription.lead_id == lead.id)
        .order_by(Campaign.name)
    ).all()
    steps: dict[int, list[CampaignStep]] = {}
    if csubs:
        for st in session.exec(
            select(CampaignStep)
            .where(col(CampaignStep.campaign_id).in_({c.id for _, c in csubs}))
            .order_by(col(CampaignStep.position))
        ).all():
            steps.setdefault(st.campaign_id, []).append(st)
    c_emails = _emails(session, OutgoingEmail.campaign_subscription_id, [s.id for s, _ in csubs])
    campaigns: list[CampaignSubRow] = []
    for s, c in csubs:
        seq = steps.get(c.id, [])
        remaining = (
            0 if s.status == "completed" else sum(1 for st in seq if st.position >= s.next_position)
        )
        by_step = {e.campaign_step_id: e for e in c_emails[s.id]}
        table: list[CampaignEmailRow] = []
        for st in seq:
            e = by_step.get(st.id)
            if e is None:
                continue
            table.append(
                {
                    "subject": e.subject,
                    "sent": fmt_dt(e.sent_at or e.created_at, user),
                    "opened": fmt_dt(e.opened_at, user) or "—",
                    "clicked": fmt_dt(e.clicked_at, user) or "—",
                }
            )
        campaigns.append(
            {
                "id": s.id,
                "campaign": c.name,
                "status": s.status,
                "status_text": CAMPAIGN_SUB_STATUSES.get(s.status, s.status),
                "remaining": remaining,
                "total": len(seq),
                "emails": table,
                "active": s.status == "active",
            }
        )

    searches = session.exec(
        select(SavedSearch)
        .where(SavedSearch.lead_id == lead.id, SavedSearch.alerts_enabled)
        .order_by(col(SavedSearch.created_at).desc())
    ).all()
    a_emails = _search_emails(session, [s.id for s in searches])
    alerts: list[AlertRow] = [
        {
            "id": s.id,
            "name": s.name or criteria_text(s.criteria),
            "saved": fmt_dt(s.created_at, user),
            "criteria": criteria_text(s.criteria),
            "active": True,
            "sent_30": sent_30(a_emails[s.id]),
            "clicks": clicks(a_emails[s.id]),
        }
        for s in searches
    ]

    subscribed_markets = {m.id for s, m in msubs if s.active}
    market_choices: list[Choice] = [
        {"id": str(m.id), "name": m.name}
        for m in session.exec(
            select(Market)
            .where(Market.brokerage_id == lead.brokerage_id, col(Market.archived_at).is_(None))
            .order_by(Market.name)
        ).all()
    ]
    taken = {c.id for s, c in csubs if s.status in ("active", "completed")}
    campaign_choices: list[Choice] = [
        {"id": str(c.id), "name": c.name}
        for c in session.exec(
            select(Campaign)
            .where(Campaign.brokerage_id == lead.brokerage_id, Campaign.active)
            .order_by(Campaign.name)
        ).all()
        if c.id not in taken
    ]
    return {
        "markets": markets,
        "campaigns": campaigns,
        "alerts": alerts,
        "market_choices": market_choices,
        "campaign_choices": campaign_choices,
        "subscribed_markets": len(subscribed_markets),
        "active_subscriptions": lead.active_subscriptions,
        "email_status": mail_tracking.status_lines(session, lead, user.timezone),
    }
