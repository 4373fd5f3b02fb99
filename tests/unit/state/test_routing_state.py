"""Authorization of the lead-routing page and the bell's handlers (G5, N1)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from leadapp.models import AgentAvailability, AgentGroup, Notification, RoutingRule, RoutingSettings
from leadapp.services import activity, notify, routing_admin
from leadapp.state.notifications import NotificationState
from leadapp.state.routing import RoutingState
from tests.unit.state_harness import call, make_state, token_for


@pytest.mark.authz("RoutingState.load")
@pytest.mark.authz("RoutingState.save_rule")
@pytest.mark.authz("RoutingState.delete_rule")
@pytest.mark.authz("RoutingState.move_rule")
@pytest.mark.authz("RoutingState.save_group")
@pytest.mark.authz("RoutingState.delete_group")
@pytest.mark.authz("RoutingState.save_settings")
@pytest.mark.authz("RoutingState.set_all_hot_leads")
@pytest.mark.authz("RoutingState.set_target")
@pytest.mark.authz("RoutingState.set_fallback")
async def test_agents_cannot_manage_routing(engine, session, org, monkeypatch):
    g = routing_admin.save_group(
        session, org.broker, {"name": "T", "members": {str(org.agent.id): 1}}
    )
    session.flush()
    r = routing_admin.save_rule(session, org.broker, {"name": "R", "target": "pool"})
    session.commit()
    stamp = session.get_one(RoutingSettings, org.brokerage.id).rules_version
    st = make_state(RoutingState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "load")
    assert st.rules == [] and st.groups == []  # an agent sees only their own part
    await call(st, "set_target", "pool")
    await call(st, "set_fallback", "default")
    assert st.fallback == ""
    for handler, args in (
        ("save_rule", ({"name": "Mine"},)),
        ("delete_rule", (r.id,)),
        ("move_rule", (r.id, 1)),
        ("save_group", ({"name": "X", f"member_{org.agent.id}": "on"},)),
        ("delete_group", (g.id,)),
        ("save_settings", ({"idle_hours": "1"},)),
        ("set_all_hot_leads", (True,)),
    ):
        events = await call(st, handler, *args)
        assert "Only brokers" in str(events), handler
    session.expire_all()
    assert len(session.exec(select(RoutingRule)).all()) == 1
    assert len(session.exec(select(AgentGroup)).all()) == 1
    settings = session.get(RoutingSettings, org.brokerage.id)
    assert settings.idle_hours is None and settings.rules_version == stamp
    anon = make_state(RoutingState, engine, "", monkeypatch)
    assert "login" in str(await call(anon, "load"))


async def test_broker_adds_a_rule_and_bad_input_says_why(engine, session, org, monkeypatch):
    st = make_state(RoutingState, engine, token_for(session, org.broker), monkeypatch)
    await call(st, "load")
    await call(st, "save_group", {"name": "Team", f"member_{org.agent.id}": "on"})
    assert st.groups[0]["name"] == "Team"
    await call(st, "set_target", "round_robin")
    await call(
        st,
        "save_rule",
        {"name": "Zillow", "sources": "Zillow", "group_id": str(st.groups[0]["id"])},
    )
    assert [r["name"] for r in st.rules] == ["Zillow"]
    await call(st, "save_rule", {"name": "No group"})
    assert "group_id" in st.errors and len(st.rules) == 1


@pytest.mark.authz("RoutingState.save_availability")
@pytest.mark.authz("RoutingState.set_pref")
async def test_agents_set_only_their_own_availability_and_known_kinds(
    engine, session, org, monkeypatch
):
    st = make_state(RoutingState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "save_availability", {"agent_id": str(org.agent2.id), "away": "on"})
    assert session.get(AgentAvailability, org.agent2.id) is None
    await call(
        st, "save_availability", {"agent_id": str(org.agent.id), "away": "on", "capacity": "0"}
    )
    assert "capacity" in st.errors
    await call(st, "save_availability", {"agent_id": str(org.agent.id), "away": "on"})
    session.expire_all()
    assert session.get_one(AgentAvailability, org.agent.id).away is True
    events = await call(st, "set_pref", "nonsense", True)
    assert "not a kind" in str(events)
    await call(st, "set_pref", "assigned", True)
    assert any(p["kind"] == "assigned" and p["email"] for p in st.prefs)


@pytest.mark.authz("NotificationState.toggle")
@pytest.mark.authz("NotificationState.mark_read")
@pytest.mark.authz("NotificationState.mark_all_read")
@pytest.mark.authz("NotificationState.claim")
@pytest.mark.authz("NotificationState.watch")
async def test_the_bell_shows_and_changes_only_the_users_own(
    engine, session, org, make_lead, monkeypatch
):

    lead = make_lead(org.agent)
    notify.send(session, org.brokerage.id, [org.agent.id], "assigned", "Yours", lead_id=lead.id)
    notify.send(session, org.brokerage.id, [org.agent2.id], "assigned", "Theirs")
    session.commit()
    st = make_state(NotificationState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "toggle", True)
    assert st.unread == 1 and [i["title"] for i in st.items] == ["Yours"]
    theirs = session.exec(
        select(Notification).where(col(Notification.user_id) == org.agent2.id)
    ).one()
    await call(st, "mark_read", theirs.id)
    await call(st, "mark_all_read")
    session.expire_all()
    assert session.get_one(Notification, theirs.id).read_at is None
    assert st.unread == 0
    # a claim of a lead not offered to this agent is refused
    routing_admin.save_group(
        session, org.broker, {"name": "Other", "members": {str(org.agent2.id): 1}}
    )
    session.flush()
    g = session.exec(select(AgentGroup)).one()
    routing_admin.save_rule(
        session, org.broker, {"name": "C", "target": "claim", "group_id": str(g.id)}
    )
    session.commit()
    out = activity.record_events(
        session, org.brokerage.id, [{"kind": "signup", "email": "c@x.test"}]
    )
    session.commit()
    events = await call(st, "claim", out["results"][0]["lead_id"])
    assert "another group" in str(events)
    anon = make_state(NotificationState, engine, "", monkeypatch)
    assert "login" in str(await call(anon, "toggle", True))
    assert await call(anon, "watch") == []  # no session: the live task does not start
