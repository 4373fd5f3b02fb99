"""The lead-page write handlers (LeadState and its tab substates) as the lead's agent, as
another agent (refused, nothing changes) and as a broker (G2); the reads: test_lead_page_reads."""

import pytest
from sqlmodel import func, select

from leadapp.models import (
    Lead,
    LeadTag,
    SavedSearch,
)
from leadapp.services import lead_page as svc
from leadapp.services import rollups
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import (
    HistoryTab,
    OrganizerTab,
    PropertySearch,
    SubscriptionsTab,
    UpdatesTab,
)
from tests.unit.lead_page_helpers import WHO, as_user, fingerprint, sub
from tests.unit.state_harness import call

# (state, handler, args(ctx, org), state setup(st, ctx), who succeeds)
WRITES = [
    pytest.param(
        LeadState,
        "save_contact",
        lambda c, o: ({"first_name": "Changed", "email": "dana@example.com"},),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.save_contact"),
    ),
    pytest.param(
        LeadState,
        "set_stage",
        lambda c, o: ("dead",),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.set_stage"),
    ),
    pytest.param(
        LeadState,
        "set_status",
        lambda c, o: ("inactive",),
        None,
        "broker",
        marks=pytest.mark.authz("LeadState.set_status"),
    ),
    pytest.param(
        LeadState,
        "set_priority",
        lambda c, o: ("high",),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.set_priority"),
    ),
    pytest.param(
        LeadState,
        "add_tag",
        lambda c, o: ({"tag": "Hot"},),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.add_tag"),
    ),
    pytest.param(
        LeadState,
        "assign",
        lambda c, o: (str(o.agent2.id),),
        None,
        "broker",
        marks=pytest.mark.authz("LeadState.assign"),
    ),
    pytest.param(
        LeadState,
        "reject",
        lambda c, o: (),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.reject"),
    ),
    pytest.param(
        LeadState,
        "quick_event",
        lambda c, o: ("Left Voicemail",),
        None,
        "broker",
        marks=pytest.mark.authz("LeadState.quick_event"),
    ),
    pytest.param(
        LeadState,
        "undo_quick_event",
        lambda c, o: (),
        lambda st, c: setattr(st, "undo_id", c.qe_id),
        "agent",
        marks=pytest.mark.authz("LeadState.undo_quick_event"),
    ),
    pytest.param(
        LeadState,
        "send_message",
        lambda c, o: ({"title": "Hi", "body": "There"},),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.send_message"),
    ),
    pytest.param(
        LeadState,
        "reset_password",
        lambda c, o: (),
        None,
        "agent",
        marks=pytest.mark.authz("LeadState.reset_password"),
    ),
    pytest.param(
        HistoryTab,
        "add_note",
        lambda c, o: ({"title": "", "body": "Wants a yard"},),
        lambda st, c: setattr(st, "note_kind", "call"),
        "agent",
        marks=pytest.mark.authz("HistoryTab.add_note"),
    ),
    pytest.param(
        HistoryTab,
        "save_details",
        lambda c, o: ({"details": "Asked about Saturday"},),
        lambda st, c: setattr(st, "details_id", c.qe_id),
        "agent",
        marks=pytest.mark.authz("HistoryTab.save_details"),
    ),
    pytest.param(
        SubscriptionsTab,
        "add_market",
        lambda c, o: ({"market_id": str(c.market.id), "type_listing": "on", "type_market": "on"},),
        None,
        "broker",
        marks=pytest.mark.authz("SubscriptionsTab.add_market"),
    ),
    pytest.param(
        SubscriptionsTab,
        "add_campaign",
        lambda c, o: ({"campaign_id": str(c.campaign.id)},),
        None,
        "agent",
        marks=pytest.mark.authz("SubscriptionsTab.add_campaign"),
    ),
    pytest.param(
        SubscriptionsTab,
        "confirm_deactivate",
        lambda c, o: (),
        lambda st, c: (setattr(st, "confirm_kind", "market"), setattr(st, "confirm_id", c.msub_id)),
        "agent",
        marks=pytest.mark.authz("SubscriptionsTab.confirm_deactivate"),
    ),
    pytest.param(
        OrganizerTab,
        "toggle_alert",
        lambda c, o: (c.ss_id, False),
        None,
        "agent",
        marks=pytest.mark.authz("OrganizerTab.toggle_alert"),
    ),
    pytest.param(
        OrganizerTab,
        "delete_search",
        lambda c, o: (c.ss_id,),
        None,
        "broker",
        marks=pytest.mark.authz("OrganizerTab.delete_search"),
    ),
    pytest.param(
        OrganizerTab,
        "delete_favorite",
        lambda c, o: (c.fav_id,),
        None,
        "agent",
        marks=pytest.mark.authz("OrganizerTab.delete_favorite"),
    ),
    pytest.param(
        UpdatesTab,
        "send_all_now",
        lambda c, o: (),
        None,
        "agent",
        marks=pytest.mark.authz("UpdatesTab.send_all_now"),
    ),
    pytest.param(
        PropertySearch,
        "save_search",
        lambda c, o: ({"name": "Berkeley 2+", "alerts": "on"},),
        lambda st, c: setattr(
            st, "ps_form", {"city": "Berkeley", "transaction": "sale", "min_beds": "2"}
        ),
        "agent",
        marks=pytest.mark.authz("PropertySearch.save_search"),
    ),
    pytest.param(
        PropertySearch,
        "favorite_listing",
        lambda c, o: (c.listing.id,),
        None,
        "agent",
        marks=pytest.mark.authz("PropertySearch.favorite_listing"),
    ),
]


@pytest.mark.parametrize("cls,handler,args,setup,ok_who", WRITES)
async def test_write_handlers_refuse_another_agent_and_work_for_the_right_user(
    engine, session, org, ctx, monkeypatch, cls, handler, args, setup, ok_who
):
    before = fingerprint(session, ctx.lead.id)
    st = await as_user(engine, session, org.agent2, ctx.lead.id, cls, monkeypatch)
    if setup:
        setup(st, ctx)
    events = await call(st, handler, *args(ctx, org))
    assert fingerprint(session, ctx.lead.id) == before, f"{handler} changed data for another agent"
    # a tab's own refusal: its reply or the tab error (LeadState.error was set by load)
    assert "not yours" in str(events) or "not yours" in st.tab_error + (
        st.error if cls is LeadState else ""
    )
    if cls is LeadState:
        assert st.lead == {}
    if handler == "assign":  # the lead's own agent cannot reassign either (a forged event)
        mine = await as_user(engine, session, org.agent, ctx.lead.id, cls, monkeypatch)
        events = await call(mine, handler, *args(ctx, org))
        assert "Only brokers" in str(events) and fingerprint(session, ctx.lead.id) == before
    st = await as_user(engine, session, WHO[ok_who](org), ctx.lead.id, cls, monkeypatch)
    if setup:
        setup(st, ctx)
    events = await call(st, handler, *args(ctx, org))
    assert fingerprint(session, ctx.lead.id) != before, (
        f"{handler} did nothing for {ok_who}: {events}"
    )
    session.expire_all()
    assert rollups.check(session, org.brokerage.id) == []


@pytest.mark.authz("LeadState.reactivate")
async def test_reactivate_as_agent_refused_for_another_agent(
    engine, session, org, ctx, monkeypatch
):
    svc.set_status(session, org.broker, ctx.lead.id, "deleted")
    session.commit()
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    await call(st, "reactivate")
    session.expire_all()
    assert session.get_one(Lead, ctx.lead.id).status == "deleted"
    for user in (org.agent, org.broker):
        st = await as_user(engine, session, user, ctx.lead.id, LeadState, monkeypatch)
        assert st.lead["inactive"] is True
        await call(st, "reactivate")
        session.expire_all()
        assert (
            session.get_one(Lead, ctx.lead.id).status == "active"
            and st.lead["status_text"] == "Active"
        )
        svc.set_status(session, org.broker, ctx.lead.id, "inactive")
        session.commit()


@pytest.mark.authz("LeadState.remove_tag")
async def test_remove_tag_refused_for_another_agent(engine, session, org, ctx, monkeypatch):
    svc.add_tag(session, org.agent, ctx.lead.id, "Hot, VIP")
    session.commit()
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    await call(st, "remove_tag", "Hot")
    assert session.exec(select(func.count()).select_from(LeadTag)).one() == 2
    for user, tag in ((org.agent, "Hot"), (org.broker, "VIP")):
        st = await as_user(engine, session, user, ctx.lead.id, LeadState, monkeypatch)
        await call(st, "remove_tag", tag)
        assert tag not in st.tags
    assert session.exec(select(func.count()).select_from(LeadTag)).one() == 0


@pytest.mark.authz("LeadState.claim")
async def test_claim_only_from_the_pool(engine, session, org, ctx, make_lead, monkeypatch):
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    await call(st, "claim")
    session.expire_all()
    assert session.get_one(Lead, ctx.lead.id).assigned_agent_id == org.agent.id
    pool = make_lead(org.broker)
    st = await as_user(engine, session, org.agent2, pool.id, LeadState, monkeypatch)
    assert st.can_claim and not st.can_change
    await call(st, "claim")
    session.expire_all()
    assert session.get_one(Lead, pool.id).assigned_agent_id == org.agent2.id and st.can_change
    st = await as_user(
        engine, session, org.agent, pool.id, LeadState, monkeypatch
    )  # now agent2's: invisible
    assert st.lead == {} and "not yours" in st.error
    broker = await as_user(engine, session, org.broker, pool.id, LeadState, monkeypatch)
    assert not broker.can_claim
    assert rollups.check(session, org.brokerage.id) == []


@pytest.mark.authz("PropertySearch.edit_search")
async def test_update_a_saved_search_only_for_the_leads_agent(
    engine, session, org, ctx, monkeypatch
):
    before = fingerprint(session, ctx.lead.id)
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    search = sub(st, PropertySearch)
    await call(st, "set_tab", "updates")
    await call(search, "edit_search", ctx.ss_id)
    assert not search.ps_open and search.ps_edit_id == 0
    search.ps_edit_id, search.ps_form = ctx.ss_id, {"city": "Oakland", "transaction": "sale"}
    await call(search, "save_search", {"name": "Hijacked", "alerts": "on"})  # forged
    assert fingerprint(session, ctx.lead.id) == before
    st = await as_user(engine, session, org.agent, ctx.lead.id, LeadState, monkeypatch)
    search = sub(st, PropertySearch)
    await call(st, "set_tab", "updates")
    assert sub(st, UpdatesTab).sales  # the tab shows the saved search the dialog edits
    await call(search, "edit_search", ctx.ss_id)
    assert (
        search.ps_open
        and search.ps_edit_id == ctx.ss_id
        and search.ps_form["city"] == "Berkeley"
        and search.ps_rows
    )
    await call(search, "run_search", {"city": "Berkeley", "transaction": "sale", "min_beds": "3"})
    await call(
        search, "save_search", {"name": "Bigger Berkeley"}
    )  # box unticked: daily updates off, search kept
    session.expire_all()
    s = session.get(SavedSearch, ctx.ss_id)
    assert (s.name, s.criteria.get("min_beds"), s.alerts_enabled) == ("Bigger Berkeley", 3, False)
    assert session.get_one(Lead, ctx.lead.id).active_subscriptions == 1  # the market report only
    assert rollups.check(session, org.brokerage.id) == []
