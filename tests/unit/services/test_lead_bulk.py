"""Bulk changes on the lead list (L6, L7, L9, G2): who may change what, history, roll-ups."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import (
    Activity,
    Campaign,
    CampaignSubscription,
    HistoryEntry,
    Lead,
    LeadTag,
    Market,
    MarketSubscription,
    Tag,
    utcnow,
)
from leadapp.services import lead_bulk as bulk
from leadapp.services import lead_subscriptions, rollups
from leadapp.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from leadapp.services.lead_bulk import engine


def exact(session, *orgs):
    session.flush()
    for o in orgs:
        assert rollups.check(session, o.brokerage.id) == []


def add_activity(session, lead, n=3, kind="listing_view"):
    now = utcnow()
    rows = []
    for k in range(n):
        at = now - timedelta(days=40 * k)
        session.add(
            Activity(brokerage_id=lead.brokerage_id, lead_id=lead.id, kind=kind, occurred_at=at)
        )
        rows.append((lead.brokerage_id, lead.assigned_agent_id or 0, at, kind))
    rollups.activities_added(session, rows)
    session.commit()


def fresh(session, lead_id):
    session.expire_all()
    return session.get(Lead, lead_id)


def audits(session, lead_id, field=None):
    session.expire_all()
    q = select(HistoryEntry).where(
        col(HistoryEntry.lead_id) == lead_id, col(HistoryEntry.kind) == "audit"
    )
    if field:
        q = q.where(col(HistoryEntry.field) == field)
    return session.exec(q.order_by(col(HistoryEntry.id))).all()


def ids_of(leads):
    return [lead.id for lead in leads]


def test_stage_type_status_change_only_what_differs_with_history_naming_the_actor(
    session, org, make_lead
):
    leads = [make_lead(org.agent) for _ in range(3)] + [make_lead(org.agent2)]
    bulk.set_stage(session, org.broker, ids_of(leads[:1]), "nurturing")
    session.commit()
    n = bulk.set_stage(session, org.broker, ids_of(leads), "nurturing")
    session.commit()
    assert n == 3  # the first was already nurturing
    assert {fresh(session, lead.id).stage for lead in leads} == {"nurturing"}
    last = audits(session, leads[1].id, "stage")[-1]
    assert (last.old_value, last.new_value, last.actor_id) == (
        "Uncontacted",
        "Nurturing",
        org.broker.id,
    )
    assert len(audits(session, leads[0].id, "stage")) == 1  # no second entry for the unchanged lead
    assert bulk.set_type(session, org.broker, ids_of(leads), "seller") == 4
    assert bulk.set_status(session, org.broker, ids_of(leads), "inactive") == 4
    session.commit()
    assert {
        (fresh(session, lead.id).lead_type, fresh(session, lead.id).status) for lead in leads
    } == {("seller", "inactive")}
    exact(session, org)


def test_bad_values_are_refused_before_anything_changes(session, org, make_lead):
    lead = make_lead(org.agent)
    for fn, value in (
        (bulk.set_stage, "bogus"),
        (bulk.set_type, "landlord"),
        (bulk.set_status, "gone"),
    ):
        with pytest.raises(ValidationFailed):
            fn(session, org.broker, [lead.id], value)
    with pytest.raises(ValidationFailed):
        bulk.apply(session, org.broker, [lead.id], "launch_rockets", "x")
    with pytest.raises(ValidationFailed):
        bulk.set_stage(session, org.broker, ["1; drop table lead"], "dead")
    with pytest.raises(ValidationFailed):
        bulk.add_tags(session, org.broker, [lead.id], "   ,  ")
    with pytest.raises(ValidationFailed):
        bulk.add_tags(session, org.broker, [lead.id], "x" * 61)
    session.rollback()
    assert fresh(session, lead.id).stage == "uncontacted"
    assert audits(session, lead.id) == []


def test_agents_touch_only_their_own_leads_whatever_ids_are_sent(
    session, org, other_org, make_lead
):
    mine = make_lead(org.agent)
    theirs = make_lead(org.agent2)
    pool_lead = make_lead(org.broker)  # unassigned
    foreign = make_lead(other_org.broker)
    sent = [mine.id, theirs.id, pool_lead.id, foreign.id, 999_999]
    assert bulk.delete(session, org.agent, sent) == 1
    assert bulk.add_tags(session, org.agent, sent, "Hot") == 1
    session.commit()
    assert fresh(session, mine.id).status == "deleted"
    assert [fresh(session, i).status for i in (theirs.id, pool_lead.id, foreign.id)] == ["new"] * 3
    assert session.exec(select(col(LeadTag.lead_id))).all() == [mine.id]
    # A broker reaches the whole brokerage but never another brokerage's leads.
    assert bulk.set_stage(session, org.broker, sent, "dead") == 3
    session.commit()
    assert fresh(session, foreign.id).stage == "uncontacted"
    with pytest.raises(PermissionDenied, match="Only brokers"):
        bulk.assign(session, org.agent, [mine.id], org.agent.id)
    with pytest.raises(NotFound):  # an agent of another brokerage cannot be named
        bulk.assign(session, org.broker, [mine.id], other_org.agent.id)
    exact(session, org, other_org)


def test_filter_targets_are_limited_to_what_the_user_may_change(session, org, make_lead):
    a = [make_lead(org.agent, source="Zillow") for _ in range(3)]
    b = [make_lead(org.agent2, source="Zillow") for _ in range(2)]
    pool_lead = make_lead(org.broker, source="Zillow")

    def zillow(session, user):  # a filter that forgets visibility: the service still applies it
        return select(col(Lead.id)).where(col(Lead.source) == "Zillow")

    assert bulk.set_stage(session, org.agent, zillow, "nurturing") == 3
    session.commit()
    assert [fresh(session, lead.id).stage for lead in b + [pool_lead]] == ["uncontacted"] * 3
    assert bulk.set_stage(session, org.broker, zillow, "dead") == 6
    session.commit()
    exact(session, org)
    with pytest.raises(ServiceError):
        bulk.set_stage(session, org.broker, lambda s, u: "not a select", "dead")
    assert len(a) == 3


def test_delete_keeps_the_data_and_reactivate_brings_back_only_inactive_or_deleted(
    session, org, make_lead
):
    leads = [make_lead(org.agent, first_name=f"L{i}") for i in range(4)]
    bulk.add_tags(session, org.agent, ids_of(leads), "Keep")
    bulk.set_status(session, org.agent, [leads[3].id], "inactive")
    session.commit()
    assert bulk.delete(session, org.agent, ids_of(leads[:2])) == 2
    session.commit()
    gone = fresh(session, leads[0].id)
    assert gone.status == "deleted" and gone.first_name == "L0"  # kept, with its data
    assert audits(session, gone.id, "status")[-1].title == "Lead deleted"
    n = bulk.reactivate(session, org.agent, ids_of(leads))
    session.commit()
    assert n == 3  # two deleted + one inactive; the New lead is left alone
    assert [fresh(session, lead.id).status for lead in leads] == [
        "active",
        "active",
        "new",
        "active",
    ]
    assert len(session.exec(select(LeadTag)).all()) == 4
    exact(session, org)


def test_assign_moves_leads_and_their_activity_counts(session, org, make_lead):
    leads = [make_lead(org.broker) for _ in range(3)] + [make_lead(org.agent)]
    for lead in leads:
        add_activity(session, lead, n=3)
    exact(session, org)
    assert bulk.assign(session, org.broker, ids_of(leads), org.agent2.id) == 4
    session.commit()
    assert {fresh(session, lead.id).assigned_agent_id for lead in leads} == {org.agent2.id}
    entry = audits(session, leads[3].id, "assigned_agent")[-1]
    assert (entry.old_value, entry.new_value) == ("Alan Agent", "Ana Second")
    exact(session, org)
    assert bulk.assign(session, org.broker, ids_of(leads[:2]), "none") == 2  # back to the pool
    session.commit()
    assert fresh(session, leads[0].id).assigned_agent_id is None
    exact(session, org)


def test_tags_add_and_remove_in_bulk(session, org, make_lead):
    leads = [make_lead(org.agent) for _ in range(3)]
    assert bulk.add_tags(session, org.agent, ids_of(leads[:1]), "hot") == 1
    session.commit()
    assert bulk.add_tags(session, org.agent, ids_of(leads), ["Hot", "Spring 2027"]) == 3
    session.commit()
    assert {t.name for t in session.exec(select(Tag)).all()} == {
        "hot",
        "Spring 2027",
    }  # matched case-insensitively
    assert len(session.exec(select(LeadTag)).all()) == 6
    added = audits(session, leads[0].id, "tags")[-1]
    assert added.new_value == "Spring 2027"  # only what it gained
    assert bulk.remove_tags(session, org.agent, ids_of(leads), "HOT, never-used") == 3
    session.commit()
    assert len(session.exec(select(LeadTag)).all()) == 3
    assert bulk.remove_tags(session, org.agent, ids_of(leads), "never-used") == 0


def test_subscribe_campaign_and_market_keep_subscribed_counts_exact(session, org, make_lead):
    leads = [make_lead(org.agent) for _ in range(3)]
    c = Campaign(brokerage_id=org.brokerage.id, name="New buyer drip")
    off = Campaign(brokerage_id=org.brokerage.id, name="Old drip", active=False)
    m = Market(
        brokerage_id=org.brokerage.id, name="Condos in Berkeley", criteria={"city": "Berkeley"}
    )
    session.add_all([c, off, m])
    session.commit()
    lead_subscriptions.subscribe_campaign(session, org.agent, leads[0].id, c.id)
    session.commit()
    assert bulk.subscribe_campaign(session, org.agent, ids_of(leads), c.id) == 2
    session.commit()
    assert [fresh(session, lead.id).active_subscriptions for lead in leads] == [1, 1, 1]
    assert len(session.exec(select(CampaignSubscription)).all()) == 3
    # An inactive enrolment resumes; active ones are skipped.
    sub = session.exec(
        select(CampaignSubscription).where(col(CampaignSubscription.lead_id) == leads[1].id)
    ).one()
    lead_subscriptions.deactivate_campaign(session, org.agent, leads[1].id, sub.id)
    session.commit()
    assert fresh(session, leads[1].id).active_subscriptions == 0
    assert bulk.subscribe_campaign(session, org.agent, ids_of(leads), c.id) == 1
    session.commit()
    assert fresh(session, leads[1].id).active_subscriptions == 1
    with pytest.raises(ServiceError, match="switched off"):
        bulk.subscribe_campaign(session, org.agent, ids_of(leads), off.id)
    with pytest.raises(NotFound):
        bulk.subscribe_campaign(session, org.agent, ids_of(leads), "nope")
    assert bulk.subscribe_market(session, org.agent, ids_of(leads[:2]), m.id) == 2
    session.commit()
    assert len(session.exec(select(MarketSubscription)).all()) == 6  # all three report types
    assert [fresh(session, lead.id).active_subscriptions for lead in leads] == [2, 2, 1]
    assert bulk.subscribe_market(session, org.agent, ids_of(leads), m.id, ["listing"]) == 1
    session.commit()
    assert [fresh(session, lead.id).active_subscriptions for lead in leads] == [2, 2, 2]
    with pytest.raises(ValidationFailed):
        bulk.subscribe_market(session, org.agent, ids_of(leads), m.id, ["weekly_horoscope"])
    for lead in leads:
        assert fresh(session, lead.id).active_subscriptions == lead_subscriptions.count_active(
            session, lead.id
        )
    hist = audits(session, leads[2].id, "subscriptions")
    assert [h.title for h in hist] == ["Subscribed to a campaign", "Subscribed to market reports"]
    exact(session, org)


def test_a_failed_bulk_change_changes_nothing(engine, session, org, make_lead):
    from leadapp.db import session_scope

    leads = [make_lead(org.agent) for _ in range(5)]

    def boom(session, user, ids):
        bulk.set_stage(session, user, ids, "nurturing")
        raise RuntimeError("crash in the middle")

    with pytest.raises(RuntimeError), session_scope(engine) as s:
        boom(s, org.agent, ids_of(leads))
    assert {fresh(session, lead.id).stage for lead in leads} == {"uncontacted"}
    assert audits(session, leads[0].id) == []
    exact(session, org)


def test_thousands_of_leads_in_chunks_with_exact_rollups(session, org, monkeypatch):
    """Chunking (IN lists) with a small chunk, and 2,500 leads through "all matching"."""
    monkeypatch.setattr(bulk, "CHUNK", 400)
    from leadapp.services import tags as tag_svc

    monkeypatch.setattr(tag_svc, "CHUNK", 400)
    now = utcnow()
    rows = [
        {
            "brokerage_id": org.brokerage.id,
            "email": f"bulk{i}@example.com",
            "assigned_agent_id": (org.agent.id if i % 2 else org.agent2.id),
            "status": "new",
            "stage": "uncontacted",
            "stage_entered_at": now,
            "source": "Zillow" if i % 3 else "Referral",
            "created_at": now,
            "updated_at": now,
            "extra_emails": [],
            "extra_phones": [],
        }
        for i in range(2500)
    ]
    session.execute(sa.insert(Lead), rows)
    session.flush()
    rollups.rebuild(session, org.brokerage.id)
    session.commit()

    def zillow(session, user):
        return select(col(Lead.id)).where(col(Lead.source) == "Zillow")

    n_zillow = sum(1 for i in range(2500) if i % 3)
    assert bulk.set_stage(session, org.broker, zillow, "closed") == n_zillow
    assert bulk.add_tags(session, org.broker, zillow, "Closed 2026") == n_zillow
    mine = bulk.delete(session, org.agent, zillow)
    assert mine == sum(1 for i in range(2500) if i % 3 and i % 2)
    assert bulk.assign(session, org.broker, zillow, org.agent2.id) == sum(
        1 for i in range(2500) if i % 3 and i % 2
    )
    session.commit()
    hist = session.exec(select(sa.func.count()).select_from(HistoryEntry)).one()
    assert hist == n_zillow * 2 + mine * 2
    exact(session, org)


def test_the_bulk_rollup_key_is_rollups_lead_key(session, org, make_lead):
    """lead_bulk reads roll-up keys from plain rows; they must equal rollups.lead_key."""
    lead = make_lead(org.agent, source="Zillow", lead_type="buyer")
    bulk.set_stage(session, org.broker, [lead.id], "closed")
    session.commit()
    for lead_id in (lead.id, make_lead(org.broker).id):
        row = session.execute(sa.select(*engine._KEY_COLUMNS).where(col(Lead.id) == lead_id)).one()
        assert engine._key(row) == rollups.lead_key(fresh(session, lead_id))


def test_list_filters_as_targets_search_and_the_pool_view(session, org, make_lead):
    """The lead list's own filter dicts (LeadQuery.filters()): search, status, the agent's pool
    view.
    """
    mine = [make_lead(org.agent, first_name="Marisol", last_name=f"Quintero{i}") for i in range(3)]
    make_lead(org.agent2, first_name="Marisol", last_name="Other")
    pool_lead = make_lead(org.broker, first_name="Marisol", last_name="Pool")
    assert bulk.set_stage(session, org.agent, {"q": "marisol"}, "nurturing") == 3
    assert bulk.set_stage(session, org.agent, {"q": "quintero1"}, "dead") == 1
    session.commit()
    assert [fresh(session, lead.id).stage for lead in mine] == ["nurturing", "dead", "nurturing"]
    # An agent's Unassigned view lists pool leads, but bulk changes never reach them.
    assert bulk.delete(session, org.agent, {"view": "unassigned"}) == 0
    assert fresh(session, pool_lead.id).status == "new"
    # Deleted leads are outside the default view; the status filter reaches them.
    assert bulk.delete(session, org.broker, {"q": "marisol"}) == 5
    assert bulk.reactivate(session, org.broker, {"q": "marisol"}) == 0
    assert bulk.reactivate(session, org.broker, {"q": "marisol", "status": "deleted"}) == 5
    session.commit()
    exact(session, org)
