"""Lead.active_subscriptions: counted from the tables, the roll-ups moved with it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import CampaignSubscription, Lead, MarketSubscription, SavedSearch

from .. import rollups
from ..rows import id_of


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
    lead.active_subscriptions = count_active(session, id_of(lead))
    session.add(lead)
    tracker.apply(session)
