"""The lead page's Subscriptions tab: what the lead gets, what it was sent, what can be added."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from leadapp.models import (
    AlertEmailSearch,
    Campaign,
    CampaignStep,
    CampaignSubscription,
    Market,
    MarketSubscription,
    OutgoingEmail,
    SavedSearch,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import CAMPAIGN_SUB_STATUSES, MARKET_REPORT_TYPES

from .. import access, mail_tracking
from ..lead_page.format import criteria_text, fmt_dt
from ..lead_page.types import (
    AlertRow,
    CampaignEmailRow,
    CampaignSubRow,
    Choice,
    ClickRow,
    MarketSubRow,
    Subscriptions,
)
from ..rows import id_of


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

    def sent_30(emails: list[OutgoingEmail]) -> int:
        return sum(
            1 for e in emails if e.status == "sent" and e.sent_at and as_utc(e.sent_at) >= since
        )

    def clicks(emails: list[OutgoingEmail]) -> list[ClickRow]:
        rows: list[ClickRow] = [
            {
                "subject": e.subject,
                "sent": fmt_dt(e.sent_at, user),
                "clicked": fmt_dt(e.clicked_at, user),
                "count": e.click_count or 1,
            }
            for e in emails
            if e.clicked_at
        ]
        return rows[:20]

    msubs = session.exec(
        select(MarketSubscription, Market)
        .join(Market, col(Market.id) == MarketSubscription.market_id)
        .where(MarketSubscription.lead_id == lead.id)
        .order_by(
            col(MarketSubscription.active).desc(), Market.name, MarketSubscription.report_type
        )
    ).all()
    m_emails = _emails(session, OutgoingEmail.market_subscription_id, [id_of(s) for s, _ in msubs])
    markets: list[MarketSubRow] = [
        {
            "id": id_of(s),
            "market": m.name,
            "type": MARKET_REPORT_TYPES.get(s.report_type, s.report_type),
            "active": s.active,
            "criteria": criteria_text(m.criteria),
            "since": fmt_dt(s.created_at, user),
            "sent_30": sent_30(m_emails[id_of(s)]),
            "clicks": clicks(m_emails[id_of(s)]),
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
    c_emails = _emails(
        session, OutgoingEmail.campaign_subscription_id, [id_of(s) for s, _ in csubs]
    )
    campaigns: list[CampaignSubRow] = []
    for s, c in csubs:
        seq = steps.get(id_of(c), [])
        remaining = (
            0 if s.status == "completed" else sum(1 for st in seq if st.position >= s.next_position)
        )
        by_step = {e.campaign_step_id: e for e in c_emails[id_of(s)]}
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
                "id": id_of(s),
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
    a_emails = _search_emails(session, [id_of(s) for s in searches])
    alerts: list[AlertRow] = [
        {
            "id": id_of(s),
            "name": s.name or criteria_text(s.criteria),
            "saved": fmt_dt(s.created_at, user),
            "criteria": criteria_text(s.criteria),
            "active": True,
            "sent_30": sent_30(a_emails[id_of(s)]),
            "clicks": clicks(a_emails[id_of(s)]),
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
