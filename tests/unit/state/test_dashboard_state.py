"""The dashboard's state handlers: each one shows only what the signed-in user may see."""

from __future__ import annotations

import asyncio

import pytest

from leadapp.components.dashboard_charts import month_bars
from leadapp.services import activity as act_svc
from leadapp.services import live
from leadapp.services.errors import NotSignedIn
from leadapp.state import dashboard as dash_mod
from leadapp.state import tabs as tabs_mod
from leadapp.state.dashboard import DashboardState
from tests.unit.state_harness import call, make_state, token_for


def _seed(session, org, make_lead):
    make_lead(
        email="mine@x.test", first_name="Mine", assigned_agent_id=org.agent.id, source="Zillow"
    )
    make_lead(
        email="theirs@x.test",
        first_name="Theirs",
        assigned_agent_id=org.agent2.id,
        source="Referral",
    )
    act_svc.record_events(
        session,
        org.brokerage.id,
        [
            {"kind": "listing_view", "email": "mine@x.test"},
            {"kind": "search", "email": "theirs@x.test"},
        ],
    )
    session.commit()


def _names(st):
    return [r["lead_name"] for r in st.feed_rows]


@pytest.mark.authz("DashboardState.load")
async def test_load_shows_the_agent_only_their_leads(engine, session, org, make_lead, monkeypatch):
    _seed(session, org, make_lead)
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "agent"
    st.agent_id = str(org.agent2.id)  # forged: an agent's scope is always their own
    await call(st, "load")
    assert _names(st) == ["Mine"] and st.subscribed["total"] == 1 and st.agents == []
    assert [r["label"] for r in st.source_rows] == ["Zillow"]
    anon = make_state(DashboardState, engine, "forged", monkeypatch)
    assert "login" in str(await call(anon, "load")) and anon.feed_rows == []


@pytest.mark.authz("DashboardState.set_agent")
async def test_set_agent_narrows_for_brokers_only(
    engine, session, org, other_org, make_lead, monkeypatch
):
    _seed(session, org, make_lead)
    broker = make_state(DashboardState, engine, token_for(session, org.broker), monkeypatch)
    broker.user_role = "broker"
    await call(broker, "load")
    assert sorted(_names(broker)) == ["Mine", "Theirs"] and broker.agents
    await call(broker, "set_agent", str(org.agent2.id))
    assert _names(broker) == ["Theirs"] and broker.agent_id == str(org.agent2.id)
    ev = await call(broker, "set_agent", str(other_org.agent.id))  # another brokerage's user
    assert (
        "does not exist" in str(ev)
        and broker.agent_id == ""
        and sorted(_names(broker)) == ["Mine", "Theirs"]
    )
    await call(broker, "set_agent", "'; drop table lead")
    assert broker.agent_id == "" and sorted(_names(broker)) == ["Mine", "Theirs"]
    agent = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    agent.user_role = "agent"
    await call(agent, "set_agent", str(org.agent2.id))
    assert agent.agent_id == "" and _names(agent) == ["Mine"]


@pytest.mark.authz("DashboardState.set_kind")
@pytest.mark.authz("DashboardState.older")
@pytest.mark.authz("DashboardState.newer")
async def test_feed_filter_and_paging(engine, session, org, make_lead, monkeypatch):
    make_lead(email="p@x.test", first_name="Pat", assigned_agent_id=org.agent.id)
    make_lead(email="q@x.test", first_name="Other", assigned_agent_id=org.agent2.id)
    act_svc.record_events(
        session,
        org.brokerage.id,
        [{"kind": "listing_view", "email": "p@x.test"}] * 25
        + [{"kind": "search", "email": "q@x.test"}] * 30,
    )
    session.commit()
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "agent"
    await call(st, "load")
    assert len(st.feed_rows) == 20 and st.feed_has_older
    await call(st, "older")
    assert len(st.feed_rows) == 5 and st.feed_page == 2 and not st.feed_has_older
    assert set(_names(st)) == {"Pat"}  # never the other agent's lead
    await call(st, "older")  # nothing older: unchanged
    assert st.feed_page == 2
    await call(st, "newer")
    assert len(st.feed_rows) == 20 and st.feed_page == 1
    await call(st, "set_kind", "search")
    assert st.feed_rows == []  # the searches are the other agent's
    assert (
        "Unknown activity type" in str(await call(st, "set_kind", "<script>"))
        and st.feed_kind == "search"
    )
    anon = make_state(DashboardState, engine, "forged", monkeypatch)
    assert "login" in str(await call(anon, "set_kind", "all")) and anon.feed_rows == []


@pytest.mark.authz("DashboardState.set_series")
async def test_set_series(engine, session, org, make_lead, monkeypatch):
    _seed(session, org, make_lead)
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "set_series", "views")
    assert st.series == "views" and st.months_total == 1
    await call(st, "set_series", ["searches"])
    assert st.months_total == 0  # the search was the other agent's lead
    assert (
        "Choose lead actions" in str(await call(st, "set_series", "all-the-data"))
        and st.series == "searches"
    )
    anon = make_state(DashboardState, engine, "forged", monkeypatch)
    assert "login" in str(await call(anon, "set_series", "views")) and anon.months_total == 0


@pytest.mark.authz("DashboardState.funnel_click")
@pytest.mark.authz("DashboardState.source_click")
async def test_chart_clicks_open_the_filtered_list(engine, session, org, make_lead, monkeypatch):
    _seed(session, org, make_lead)
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "agent"
    await call(st, "load")
    st.user_id = org.agent.id
    ev = await call(st, "funnel_click", [{"pointNumber": 2}])
    assert f"/leads?agent={org.agent.id}&stage=nurturing" in str(ev)
    ev = await call(st, "source_click", [{"pointNumber": 0}])
    assert "source=Zillow" in str(ev)
    for junk in ([{"pointNumber": 99}], [{"pointNumber": "1"}], "x", [], [{"pointNumber": True}]):
        assert await call(st, "funnel_click", junk) == []
        assert await call(st, "source_click", junk) == []
    anon = make_state(DashboardState, engine, "forged", monkeypatch)
    assert (
        await call(anon, "funnel_click", [{"pointNumber": 0}]) == []
    )  # nothing loaded, not signed in


@pytest.mark.authz("DashboardState.live")
async def test_live_task_reloads_on_a_visible_change_only(
    engine, session, org, make_lead, monkeypatch
):
    """The background task subscribes as the signed-in user and re-reads on changes it may see."""
    _seed(session, org, make_lead)
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "agent"
    await call(st, "load")

    class _Ctx:  # background tasks use `async with self`; the harness state needs no lock
        async def __aenter__(self):
            return st

        async def __aexit__(self, *a):
            return False

    monkeypatch.setattr(
        DashboardState, "__aenter__", lambda self: _Ctx().__aenter__(), raising=False
    )
    monkeypatch.setattr(
        DashboardState, "__aexit__", lambda self, *a: _Ctx().__aexit__(*a), raising=False
    )
    monkeypatch.setattr(dash_mod, "HEARTBEAT_S", 0.2)
    monkeypatch.setattr(tabs_mod, "tab_connected", lambda client: asyncio.sleep(0, True))
    fn = type(st).event_handlers["live"].fn
    gen = fn(st)
    task = asyncio.ensure_future(gen.__anext__())
    for _ in range(50):
        await asyncio.sleep(0.05)
        if live.HUB.subscriber_count():
            break
    assert live.HUB.subscriber_count() == 1
    before = st.live_updates
    # the other agent's activity: not delivered, nothing re-read
    await asyncio.to_thread(_post, engine, org, "theirs@x.test")
    await asyncio.sleep(0.6)
    assert st.live_updates == before
    # the agent's own lead: re-read within the debounce
    await asyncio.to_thread(_post, engine, org, "mine@x.test")
    for _ in range(60):
        await asyncio.sleep(0.05)
        if st.live_updates > before:
            break
    assert st.live_updates == before + 1 and len(st.feed_rows) == 2
    st._loop_gen += 1  # a newer task took over: this one ends and unsubscribes
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(task, 5)
    assert live.HUB.subscriber_count() == 0
    # a forged token never subscribes
    anon = make_state(DashboardState, engine, "forged", monkeypatch)
    monkeypatch.setattr(DashboardState, "__aenter__", lambda self: _anon_ctx(anon), raising=False)
    with pytest.raises(StopAsyncIteration):
        await fn(anon).__anext__()
    assert live.HUB.subscriber_count() == 0


async def test_live_task_stops_when_its_user_loses_access(
    engine, session, org, make_lead, monkeypatch
):
    """A deactivated user's open dashboard gets nothing more, even from another tab's shared re-
    read.
    """
    _seed(session, org, make_lead)
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "agent"
    await call(st, "load")

    async def _enter(self):
        return st

    async def _exit(self, *a):
        return False

    monkeypatch.setattr(DashboardState, "__aenter__", _enter, raising=False)
    monkeypatch.setattr(DashboardState, "__aexit__", _exit, raising=False)
    monkeypatch.setattr(dash_mod, "HEARTBEAT_S", 0.2)
    monkeypatch.setattr(tabs_mod, "tab_connected", lambda client: asyncio.sleep(0, True))
    task = asyncio.ensure_future(type(st).event_handlers["live"].fn(st).__anext__())
    for _ in range(50):
        await asyncio.sleep(0.05)
        if live.HUB.subscriber_count():
            break
    assert live.HUB.subscriber_count() == 1
    before = st.live_updates
    from leadapp.models import User
    from leadapp.services import dashboard as dash_svc

    shared = dash_svc.load(session, org.agent, agenda=False)
    session.rollback()

    async def _other_tabs_load(key, token, args):  # an identical dashboard's re-read, already done
        return shared

    monkeypatch.setattr(dash_mod, "_shared_load", _other_tabs_load)
    agent = session.get(User, org.agent.id)
    agent.is_active = False
    session.add(agent)
    session.commit()
    await asyncio.to_thread(
        _post, engine, org, "mine@x.test"
    )  # a change the agent could see before
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(task, 5)
    assert st.live_updates == before
    assert live.HUB.subscriber_count() == 0


async def _anon_ctx(st):
    return st


def _post(engine, org, email):
    from sqlmodel import Session

    with Session(engine) as s:
        act_svc.record_events(s, org.brokerage.id, [{"kind": "info_request", "email": email}])
        s.commit()


async def test_same_dashboards_share_one_reread_per_change(monkeypatch):
    """The live re-read is shared only by dashboards whose own load would return the same."""
    calls = []

    def fake(token, fn, args, kwargs):
        calls.append(token)
        if token == "gone":
            from leadapp.services.errors import NotSignedIn

            raise NotSignedIn()
        return {"token": token, "args": args}

    monkeypatch.setattr(dash_mod, "_as_user_call", fake)
    monkeypatch.setattr(dash_mod, "_SHARED", {})
    broker_a, broker_b = (1, 10, True, "UTC"), (1, 11, True, "UTC")
    agent = (1, 20, False, "UTC")
    k = dash_mod._share_key
    same = await asyncio.gather(
        dash_mod._shared_load(k(5, broker_a, "", "actions", ""), "ta", (None,)),
        dash_mod._shared_load(k(5, broker_b, "", "actions", ""), "tb", (None,)),
    )
    assert len(calls) == 1 and same[0] is same[1]
    # a newer change, another scope, series, kind, zone or an agent: loads of their own
    for key in (
        k(6, broker_a, "", "actions", ""),
        k(5, broker_a, "20", "actions", ""),
        k(5, broker_a, "", "views", ""),
        k(5, broker_a, "", "actions", "search"),
        k(5, (1, 10, True, "Asia/Tokyo"), "", "actions", ""),
        k(5, agent, "", "actions", ""),
        k(5, (1, 21, False, "UTC"), "", "actions", ""),
    ):
        await dash_mod._shared_load(key, "t", (None,))
    assert len(calls) == 8
    # a broker narrowed to themself differs from another broker narrowed to the same user
    assert k(5, broker_a, "10", "actions", "") != k(5, broker_b, "10", "actions", "")
    # the first dashboard's user signed out: the others load their own
    calls.clear()
    monkeypatch.setattr(dash_mod, "_SHARED", {})
    key = k(9, broker_a, "", "actions", "")
    with pytest.raises(NotSignedIn):
        await dash_mod._shared_load(key, "gone", (None,))
    assert (await dash_mod._shared_load(key, "tb", (None,)))["token"] == "tb"


async def test_narrowing_to_an_agent_narrows_the_agenda_in_the_same_reply(
    engine, session, org, other_org, make_lead, monkeypatch
):
    from leadapp.state.todo import AgendaState

    _seed(session, org, make_lead)
    broker = make_state(DashboardState, engine, token_for(session, org.broker), monkeypatch)
    broker.user_role = "broker"
    broker.user_id = org.broker.id
    agenda = await broker.get_state(AgendaState)
    events = await call(broker, "set_agent", str(org.agent2.id))
    # no handler for the browser to send back: D9 is read in this event
    assert events == [] and agenda.agenda_agent_id == str(org.agent2.id)
    events = await call(broker, "set_agent", str(other_org.agent.id))  # refused: whole team
    assert "does not exist" in str(events) and "set_agent" not in str(events)
    assert broker.agent_id == "" and agenda.agenda_agent_id == ""


def test_month_bars_scale_to_a_round_top():
    rows = [{"label": f"M{i:02d} 2026", "count": 0} for i in range(11)]
    out = month_bars([*rows, {"label": "Dec 2026", "count": 1234}], "Lead actions")
    assert out["ticks"] == ["1,500", "1,000", "500", "0"]
    assert out["bars"][-1] == {
        "label": "Dec 26",
        "h": 82.27,
        "y": 17.73,
        "title": "Dec 2026: 1,234 lead actions",
    }


def test_month_bars_of_an_empty_series_have_an_axis():
    out = month_bars([{"label": "Jan 2026", "count": 0}], "Site searches")
    assert out["ticks"] == ["1", "0"] and out["bars"][0]["h"] == 0


async def test_set_series_sends_twelve_bars(engine, session, org, make_lead, monkeypatch):
    _seed(session, org, make_lead)
    st = make_state(DashboardState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "set_series", "views")
    assert len(st.months_bars) == 12 and st.months_ticks[-1] == "0"
