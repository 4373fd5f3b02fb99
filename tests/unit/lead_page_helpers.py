"""The lead page's unit-test fixtures and helpers: a lead with one of everything (`ctx`),
a fingerprint of what a forbidden call must not change, a state opened as a user (`WHO`
names the users), a lead's history, the roll-up check and a few listings."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar, cast

import pytest
import reflex as rx
from sqlmodel import col, func, select

from leadapp.models import (
    Activity,
    Campaign,
    CampaignStep,
    CampaignSubscription,
    Favorite,
    HistoryEntry,
    Lead,
    LeadTag,
    Listing,
    ListingSent,
    Market,
    MarketSubscription,
    OutgoingEmail,
    SavedSearch,
    Task,
    utcnow,
)
from leadapp.services import lead_organizer as org_svc
from leadapp.services import lead_page as svc
from leadapp.services import lead_subscriptions as subs
from leadapp.services import rollups
from leadapp.services.rows import id_of
from leadapp.state.lead import LeadState
from tests.unit.state_harness import at_lead, call, make_state, token_for

T = TypeVar("T", bound=rx.State)

# `org`'s users by the name a test gives them: the lead's agent, another agent, the broker
WHO = {
    "agent": lambda org: org.agent,
    "agent2": lambda org: org.agent2,
    "broker": lambda org: org.broker,
}


@dataclass
class Ctx:
    lead: Lead
    market: Market
    campaign: Campaign
    listing: Listing
    qe_id: int
    ss_id: int
    fav_id: int
    msub_id: int
    msg_id: int


@pytest.fixture
def ctx(session, org, make_lead):
    lead = make_lead(org.agent, first_name="Dana", last_name="Diaz")
    listing = Listing(
        mls_number="ML1",
        street="1 Main St",
        city="Berkeley",
        state="CA",
        postal_code="94704",
        price=700000,
        beds=2,
        baths=1,
        list_date=date(2026, 1, 1),
    )
    other = Listing(
        mls_number="ML2",
        street="2 Main St",
        city="Berkeley",
        state="CA",
        postal_code="94704",
        price=800000,
        beds=3,
        baths=2,
        list_date=date(2026, 1, 1),
    )
    m = Market(brokerage_id=org.brokerage.id, name="Berkeley condos", criteria={"city": "Berkeley"})
    c = Campaign(brokerage_id=org.brokerage.id, name="Welcome")
    m2 = Market(brokerage_id=org.brokerage.id, name="Oakland", criteria={"city": "Oakland"})
    session.add_all([listing, other, m, c, m2])
    session.flush()
    session.add(CampaignStep(campaign_id=id_of(c), position=1, subject="Hello"))
    now = utcnow()
    for i in range(30):
        session.add(
            Activity(
                brokerage_id=lead.brokerage_id,
                lead_id=lead.id,
                kind="search" if i % 2 else "listing_view",
                occurred_at=now - timedelta(hours=i),
                listing_id=listing.id,
            )
        )
    rollups.activities_added(
        session,
        [
            (
                lead.brokerage_id,
                org.agent.id,
                now - timedelta(hours=i),
                "search" if i % 2 else "listing_view",
            )
            for i in range(30)
        ],
    )
    session.add(
        Task(
            brokerage_id=lead.brokerage_id,
            owner_id=org.agent.id,
            lead_id=lead.id,
            title="Call back",
            due_at=now + timedelta(days=1),
        )
    )
    session.commit()
    qe = svc.quick_event(session, org.agent, lead.id, "Called")
    ss = org_svc.add_saved_search(
        session, org.agent, lead.id, {"city": "Berkeley", "transaction": "sale"}, True
    )
    fav = org_svc.add_favorite(session, org.agent, lead.id, other.id)
    subs.subscribe_market(session, org.agent, lead.id, m2.id, ["listing"])
    msg = svc.send_message(session, org.agent, lead.id, "Hello Dana", "First message")
    session.add(
        ListingSent(
            lead_id=lead.id, listing_id=id_of(listing), via="showing_sheet", user_id=org.agent.id
        )
    )
    session.commit()
    msub = session.exec(
        select(MarketSubscription).where(col(MarketSubscription.lead_id) == lead.id)
    ).one()
    return Ctx(lead, m, c, listing, qe["id"], id_of(ss), id_of(fav), msub.id, id_of(msg))


def fingerprint(session, lead_id):
    session.expire_all()
    lead = session.get(Lead, lead_id)

    def n(model, *where):
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return (
        lead.first_name,
        lead.stage,
        lead.status,
        lead.priority,
        lead.assigned_agent_id,
        lead.website_password_hash,
        lead.active_subscriptions,
        n(HistoryEntry),
        tuple(session.exec(select(col(HistoryEntry.body)).order_by(col(HistoryEntry.id)))),
        n(OutgoingEmail),
        tuple(
            session.exec(
                select(col(SavedSearch.id), col(SavedSearch.alerts_enabled)).order_by(
                    col(SavedSearch.id)
                )
            )
        ),
        n(Favorite),
        tuple(
            session.exec(
                select(col(MarketSubscription.active)).order_by(col(MarketSubscription.id))
            )
        ),
        tuple(session.exec(select(col(CampaignSubscription.status)))),
        n(LeadTag),
        n(ListingSent),
    )


async def as_user(engine, session, user, lead_id, cls, monkeypatch):
    """The page opened by `user` (LeadState.load, as on_load), then the `cls` substate."""
    st = make_state(cls, engine, token_for(session, user), monkeypatch)
    page = st if cls is LeadState else st.parent_state
    at_lead(page, lead_id)
    await call(page, "load")
    return st


def sub(st, cls: type[T]) -> T:
    """The `cls` tab substate of the page state `st` (or of its LeadState)."""
    page = st if type(st) is LeadState else st.parent_state
    return cast(T, page.substates[cls.get_name()])


def history(session, lead, kind=None):
    session.expire_all()
    q = select(HistoryEntry).where(col(HistoryEntry.lead_id) == lead.id)
    if kind:
        q = q.where(col(HistoryEntry.kind) == kind)
    return session.exec(q.order_by(col(HistoryEntry.id))).all()


def exact(session, org):
    session.flush()
    assert rollups.check(session, org.brokerage.id) == []


def listings(session, n=6):
    out = []
    for i in range(n):
        listing = Listing(
            mls_number=f"ML{i:04d}",
            street=f"{i + 1} Main St",
            city="Berkeley" if i % 2 == 0 else "Oakland",
            state="CA",
            postal_code="94704",
            price=500_000 + i * 100_000,
            beds=1 + i % 4,
            baths=1 + i % 2,
            property_type="condo" if i % 3 == 0 else "single_family",
            transaction="rent" if i == 5 else "sale",
            list_date=date(2026, 1, 1),
        )
        session.add(listing)
        out.append(listing)
    session.commit()
    return out
