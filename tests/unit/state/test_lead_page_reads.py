"""Lead-page reads and UI-only handlers: rows, header and dialogs only for who may see the lead."""

import pytest

from leadapp.services import lead_page as svc
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import (
    NO_MESSAGE,
    ActivityTab,
    HistoryTab,
    ListingsTab,
    MessagesTab,
    OrganizerTab,
    PropertySearch,
    SiteTab,
    SubscriptionsTab,
)
from tests.unit.lead_page_helpers import WHO, as_user, fingerprint, sub
from tests.unit.state_harness import call

READS = [
    pytest.param(
        LeadState,
        "load",
        (),
        lambda st: sub(st, ActivityTab).rows,
        marks=pytest.mark.authz("LeadState.load"),
    ),
    pytest.param(
        LeadState,
        "set_tab",
        ("history",),
        lambda st: sub(st, HistoryTab).rows,
        marks=pytest.mark.authz("LeadState.set_tab"),
    ),
    pytest.param(
        LeadState,
        "load_quiet",
        (),
        lambda st: sub(st, ActivityTab).rows,
        marks=pytest.mark.authz("LeadState.load_quiet"),
    ),
    pytest.param(
        ActivityTab,
        "filter_by",
        ("search",),
        lambda st: st.rows,
        marks=pytest.mark.authz("ActivityTab.filter_by"),
    ),
    pytest.param(
        ActivityTab, "goto", (1,), lambda st: st.rows, marks=pytest.mark.authz("ActivityTab.goto")
    ),
    pytest.param(
        SiteTab,
        "filter_by",
        ("listing_view",),
        lambda st: st.rows,
        marks=pytest.mark.authz("SiteTab.filter_by"),
    ),
    pytest.param(
        SiteTab, "goto", (0,), lambda st: st.rows, marks=pytest.mark.authz("SiteTab.goto")
    ),
    pytest.param(
        HistoryTab,
        "filter_by",
        ("notes",),
        lambda st: st.rows,
        marks=pytest.mark.authz("HistoryTab.filter_by"),
    ),
    pytest.param(
        HistoryTab, "goto", (0,), lambda st: st.rows, marks=pytest.mark.authz("HistoryTab.goto")
    ),
    pytest.param(
        OrganizerTab,
        "sort_favorites",
        ("price_desc",),
        lambda st: st.favs,
        marks=pytest.mark.authz("OrganizerTab.sort_favorites"),
    ),
    pytest.param(
        MessagesTab, "goto", (0,), lambda st: st.rows, marks=pytest.mark.authz("MessagesTab.goto")
    ),
    pytest.param(
        ListingsTab, "goto", (0,), lambda st: st.rows, marks=pytest.mark.authz("ListingsTab.goto")
    ),
    pytest.param(
        PropertySearch,
        "run_search",
        ({"city": "Berkeley", "transaction": "sale"},),
        lambda st: st.ps_rows,
        marks=pytest.mark.authz("PropertySearch.run_search"),
    ),
    pytest.param(
        PropertySearch,
        "search_goto",
        (0,),
        lambda st: st.ps_rows,
        marks=pytest.mark.authz("PropertySearch.search_goto"),
    ),
]


@pytest.mark.parametrize("cls,handler,args,rows", READS)
@pytest.mark.parametrize("who", ["agent", "agent2", "broker"])
async def test_tab_reads_show_rows_only_to_users_who_may_see_the_lead(
    engine, session, org, ctx, monkeypatch, cls, handler, args, rows, who
):
    st = await as_user(engine, session, WHO[who](org), ctx.lead.id, cls, monkeypatch)
    if handler == "search_goto":
        st.ps_form = {"city": "Berkeley", "transaction": "sale"}
        st.ps_pages = 1
    if cls is not LeadState:
        sub(st, ActivityTab).rows = []  # what LeadState.load showed: the handler must show rows
    events = await call(st, handler, *args)
    if who == "agent2":
        shown = st.tab_error + str(events) + (st.error if cls is LeadState else "")
        assert rows(st) == [] and "not yours" in shown
    else:
        assert rows(st) != [], events


@pytest.mark.authz("LeadState.load")
@pytest.mark.authz("LeadState.load_quiet")
async def test_lead_header_is_shown_to_agent_and_broker_only(
    engine, session, org, ctx, monkeypatch
):
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    assert st.lead == {} and "not yours" in st.error
    await call(st, "load_quiet")
    assert st.lead == {} and st.counts == {}
    for user in (org.agent, org.broker):
        st = await as_user(engine, session, user, ctx.lead.id, LeadState, monkeypatch)
        assert st.lead["name"] == "Dana Diaz" and st.can_change and st.counts["messages"] == 1
        assert st.quick_events[0] == "Left Voicemail"
        assert (st.agents != []) == (user is org.broker)
        svc.set_stage(session, org.broker, ctx.lead.id, "nurturing")
        session.commit()
        await call(st, "load_quiet")
        assert st.lead["stage"] == "nurturing"
        svc.set_stage(session, org.broker, ctx.lead.id, "uncontacted")
        session.commit()


@pytest.mark.authz("LeadState.open_dialog")
@pytest.mark.authz("LeadState.close_dialog")
@pytest.mark.authz("LeadState.start_edit")
async def test_dialog_handlers_reveal_nothing_to_another_agent(
    engine, session, org, ctx, monkeypatch
):
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    events = await call(st, "start_edit")
    assert st.form == {} and st.dialog == "" and "Claim" in str(events)
    await call(st, "open_dialog", "message")
    assert st.dialog == ""
    await call(st, "open_dialog", "../../etc")
    await call(st, "close_dialog")
    assert st.lead == {} and st.dialog == ""
    st = await as_user(engine, session, org.agent, ctx.lead.id, LeadState, monkeypatch)
    await call(st, "start_edit")
    assert (
        st.dialog == "edit"
        and st.form["first_name"] == "Dana"
        and st.form["email"] == ctx.lead.email
    )
    await call(st, "close_dialog")
    await call(st, "open_dialog", "message")
    assert st.dialog == "message"


@pytest.mark.authz("HistoryTab.open_note")
@pytest.mark.authz("HistoryTab.close_note")
@pytest.mark.authz("HistoryTab.start_details")
@pytest.mark.authz("HistoryTab.cancel_details")
@pytest.mark.authz("SubscriptionsTab.open_sub_dialog")
@pytest.mark.authz("SubscriptionsTab.close_sub_dialog")
@pytest.mark.authz("SubscriptionsTab.ask_deactivate")
@pytest.mark.authz("SubscriptionsTab.cancel_confirm")
@pytest.mark.authz("SubscriptionsTab.manage_alerts")
@pytest.mark.authz("OrganizerTab.set_org_view")
@pytest.mark.authz("PropertySearch.open_search")
@pytest.mark.authz("PropertySearch.close_search")
@pytest.mark.authz("MessagesTab.open_message")
@pytest.mark.authz("MessagesTab.close_message")
async def test_tab_ui_handlers_reveal_nothing_to_another_agent(
    engine, session, org, ctx, monkeypatch
):
    before = fingerprint(session, ctx.lead.id)
    st = await as_user(engine, session, org.agent2, ctx.lead.id, LeadState, monkeypatch)
    hist, subs_tab, msgs = sub(st, HistoryTab), sub(st, SubscriptionsTab), sub(st, MessagesTab)
    organizer, search = sub(st, OrganizerTab), sub(st, PropertySearch)
    await call(st, "set_tab", "history")
    await call(hist, "start_details", ctx.qe_id)
    assert hist.details_id == 0 and hist.details_text == ""
    await call(subs_tab, "ask_deactivate", "market", ctx.msub_id)
    assert subs_tab.confirm_kind == "" and subs_tab.confirm_text == ""
    await call(msgs, "open_message", ctx.msg_id)
    assert msgs.open_msg == NO_MESSAGE
    for target, handler, args in (
        (hist, "open_note", ("note",)),
        (hist, "close_note", ()),
        (hist, "cancel_details", ()),
        (subs_tab, "open_sub_dialog", ("market",)),
        (subs_tab, "close_sub_dialog", ()),
        (subs_tab, "cancel_confirm", ()),
        (subs_tab, "manage_alerts", ()),
        (organizer, "set_org_view", ("favorites",)),
        (search, "open_search", ("favorite", "rent")),
        (search, "close_search", ()),
        (msgs, "close_message", ()),
    ):
        await call(target, handler, *args)
    assert hist.rows == [] and organizer.searches == [] and organizer.favs == []
    assert subs_tab.markets == []
    assert fingerprint(session, ctx.lead.id) == before
    # the lead's agent: the same handlers open what they name
    st = await as_user(engine, session, org.agent, ctx.lead.id, LeadState, monkeypatch)
    hist, subs_tab, msgs = sub(st, HistoryTab), sub(st, SubscriptionsTab), sub(st, MessagesTab)
    organizer, search = sub(st, OrganizerTab), sub(st, PropertySearch)
    await call(st, "set_tab", "history")
    await call(hist, "start_details", ctx.qe_id)
    assert hist.details_id == ctx.qe_id
    await call(hist, "cancel_details")
    assert hist.details_id == 0
    await call(hist, "open_note", "call")
    assert hist.note_kind == "call"
    await call(hist, "close_note")
    await call(st, "set_tab", "subscriptions")
    await call(subs_tab, "ask_deactivate", "market", ctx.msub_id)
    assert subs_tab.confirm_kind == "market" and "Oakland" in subs_tab.confirm_text
    await call(subs_tab, "cancel_confirm")
    await call(subs_tab, "open_sub_dialog", "campaign")
    assert subs_tab.sub_dialog == "campaign"
    await call(subs_tab, "close_sub_dialog")
    await call(st, "set_tab", "messages")
    await call(msgs, "open_message", ctx.msg_id)
    assert msgs.open_msg["body"] == "First message"
    await call(msgs, "close_message")
    await call(subs_tab, "manage_alerts")
    # one event: the organizer opens on its saved searches with its rows in the same reply
    assert st.tab == "organizer" and organizer.org_view == "searches" and organizer.searches
    await call(organizer, "set_org_view", "favorites")
    assert organizer.org_view == "favorites"
    await call(search, "open_search", "favorite", "rent")
    assert (
        search.ps_open and search.ps_mode == "favorite" and search.ps_form["transaction"] == "rent"
    )
    await call(search, "close_search")
    assert not search.ps_open
    assert fingerprint(session, ctx.lead.id) == before
