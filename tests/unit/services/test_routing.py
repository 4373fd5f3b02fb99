"""Lead routing (G5): rule order, round robin fairness, skips, claim race, timeout, idle move,
bad input; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from leadapp.models import (
    AgentAvailability,
    Lead,
    LeadResponse,
    Notification,
    RoutingSettings,
    User,
    as_utc,
)
from leadapp.services import (
    activity,
    api_leads,
    notify,
    pool,
    rollups,
    routing,
    routing_admin,
    speed,
)
from leadapp.services.errors import PermissionDenied, ValidationFailed
from tests.unit.routing_helpers import agents, group, reasons, rule, signup


def test_first_matching_rule_wins_and_history_says_why(session, org):

    team = agents(session, org, 2)
    gid = group(session, org, team)
    rule(
        session,
        org,
        name="Zillow buyers",
        sources="Zillow",
        lead_types="buyer",
        target="round_robin",
        group_id=gid,
    )
    rule(session, org, name="All Zillow", sources="Zillow", target="agent", agent_id=org.agent.id)
    rule(session, org, name="Oakland", cities="Oakland", target="agent", agent_id=org.agent2.id)

    a = signup(session, org, "a@x.test", source="Zillow", criteria={"transaction": "sale"})
    assert a.assigned_agent_id == team[0].id
    assert reasons(session, a.id) == [
        f"Rule 'Zillow buyers' → group Team A, round robin → {team[0].name}"
    ]
    b = signup(session, org, "b@x.test", source="Zillow")  # no type: the second rule
    assert b.assigned_agent_id == org.agent.id
    c = signup(session, org, "c@x.test", criteria={"city": "Oakland", "max_price": 900000})
    assert c.assigned_agent_id == org.agent2.id
    d = signup(session, org, "d@x.test")
    assert d.assigned_agent_id is None
    assert reasons(session, d.id) == ["No rule matched: default → unassigned pool"]
    # the agent is told, and the clock of speed to lead runs
    n = session.exec(
        select(Notification).where(
            col(Notification.user_id) == org.agent2.id, col(Notification.kind) == "assigned"
        )
    ).one()
    assert n.lead_id == c.id
    pool_note = session.exec(
        select(Notification).where(
            col(Notification.user_id) == org.agent2.id, col(Notification.kind) == "pool"
        )
    ).one()  # d went to the pool: the agents who may claim it hear of it
    assert pool_note.lead_id == d.id
    assert session.get_one(LeadResponse, c.id).agent_id == org.agent2.id
    session.flush()
    assert rollups.check(session, org.brokerage.id) == []


def _statements(engine):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count)


def test_the_rules_are_read_once_and_again_after_any_change(engine, session, org):
    team = agents(session, org, 3)
    gid = group(session, org, team)
    first = rule(session, org, name="Everyone", target="round_robin", group_id=gid)
    routing.Router(session, org.brokerage.id, "api").finish()  # reads and keeps the rules
    session.rollback()
    bid = org.brokerage.id
    seen, stop = _statements(engine)
    try:
        router = routing.Router(session, bid, "api")
        d = router.decide(routing.Facts())
        router.finish()
    finally:
        stop()
    session.rollback()
    assert d.agent_id == team[0].id
    # the members' lock with their counters, the users' state, the counters' update
    assert seen == ["UPDATE", "SELECT", "UPDATE"], seen
    # another session (another worker) changes the rule: the next Router sees it at once
    with Session(engine, expire_on_commit=False) as other:
        routing_admin.save_rule(
            other,
            other.get_one(User, org.broker.id),
            {"id": first.id, "name": "Alan", "target": "agent", "agent_id": org.agent.id},
        )
        other.commit()
    d = routing.Router(session, org.brokerage.id, "api").decide(routing.Facts())
    assert (d.agent_id, d.reason) == (org.agent.id, "Rule 'Alan' → Alan Agent")
    session.rollback()
    # a change that was rolled back is not kept by the cache
    with Session(engine, expire_on_commit=False) as other:
        routing_admin.save_rule(
            other,
            other.get_one(User, org.broker.id),
            {"id": first.id, "name": "Pool", "target": "pool"},
        )
        routing.Router(other, org.brokerage.id, "api")  # sees (and may cache) the change
        other.rollback()
    d = routing.Router(session, org.brokerage.id, "api").decide(routing.Facts())
    assert d.agent_id == org.agent.id
    session.rollback()
    # a group's new member takes part from the next lead on
    new = agents(session, org, 1, prefix="Nw")[0]
    group_members = {str(u.id): 1 for u in [*team, new]}
    routing_admin.save_group(
        session, org.broker, {"id": gid, "name": "Team A", "members": group_members}
    )
    routing_admin.save_rule(
        session,
        org.broker,
        {"id": first.id, "name": "Everyone", "target": "round_robin", "group_id": gid},
    )
    session.commit()
    router = routing.Router(session, org.brokerage.id, "api")
    assert {u for u, _ in router.members[gid]} == {u.id for u in [*team, new]}


def test_price_range_and_postal_prefix_and_tags(session, org):
    rule(session, org, name="Luxury", price_min="1000000", target="agent", agent_id=org.agent.id)
    rule(session, org, name="East Bay", postal_codes="946", target="agent", agent_id=org.agent2.id)
    lux = signup(session, org, "l@x.test", criteria={"min_price": 1_500_000})
    cheap = signup(
        session, org, "c@x.test", criteria={"max_price": 500_000, "postal_code": "94610"}
    )
    assert (lux.assigned_agent_id, cheap.assigned_agent_id) == (org.agent.id, org.agent2.id)


def test_round_robin_is_fair_over_1000_leads(session, org):

    team = agents(session, org, 7)
    gid = group(session, org, team)
    rule(session, org, name="Everyone", target="round_robin", group_id=gid)
    for start in range(0, 1000, 250):
        activity.record_events(
            session,
            org.brokerage.id,
            [{"kind": "signup", "email": f"rr{i}@x.test"} for i in range(start, start + 250)],
        )
        session.commit()
    counts = Counter(
        session.exec(select(col(Lead.assigned_agent_id)).where(col(Lead.email).like("rr%"))).all()
    )
    assert sum(counts.values()) == 1000 and set(counts) == {u.id for u in team}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_weights_capacity_away_and_deactivated_are_respected(session, org):
    team = agents(session, org, 3)
    gid = group(session, org, team, weights={team[0].id: 2})
    rule(session, org, name="Everyone", target="round_robin", group_id=gid)
    routing_admin.set_availability(session, org.broker, team[1].id, True, None)  # away
    team[2].is_active = False
    session.add(team[2])
    session.commit()
    got = [signup(session, org, f"w{i}@x.test").assigned_agent_id for i in range(4)]
    assert got == [team[0].id] * 4
    # capacity: team[0] may hold 4 open uncontacted leads; the next goes to the fallback
    routing_admin.set_availability(session, org.broker, team[0].id, False, "4")
    session.commit()
    over = signup(session, org, "over@x.test")
    assert over.assigned_agent_id is None
    assert "nobody available" in reasons(session, over.id)[0]


def test_broken_rule_uses_the_default_and_tells_the_brokers(session, org):

    org.brokerage.default_agent_id = org.agent2.id
    session.add(org.brokerage)
    rule(session, org, name="Alan's", target="agent", agent_id=org.agent.id)
    org.agent.is_active = False
    session.add(org.agent)
    session.commit()
    lead = signup(session, org, "b@x.test")
    assert lead.assigned_agent_id == org.agent2.id
    assert "could not be used" in reasons(session, lead.id)[0]
    n = session.exec(select(Notification).where(col(Notification.user_id) == org.broker.id)).one()
    assert n.kind == "routing" and n.lead_id == lead.id


def test_api_created_leads_are_routed(session, org):
    rule(session, org, name="Sellers", lead_types="seller", target="agent", agent_id=org.agent.id)
    out = api_leads.create(
        session, activity.api_user(org.brokerage.id), {"email": "s@x.test", "lead_type": "seller"}
    )
    session.commit()
    assert out["assigned_agent_id"] == org.agent.id
    assert reasons(session, out["id"]) == ["Rule 'Sellers' → Alan Agent"]


def test_pool_return_is_routed_when_chosen(session, org, make_lead):
    rule(session, org, name="To Ana", target="agent", agent_id=org.agent2.id)
    routing_admin.save_settings(session, org.broker, None, True, None)
    session.commit()
    lead = make_lead(org.agent)
    pool.reject(session, org.agent, lead.id)
    session.commit()
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id == org.agent2.id


def test_speed_to_lead(session, org):
    rule(session, org, name="Alan", target="agent", agent_id=org.agent.id)
    lead = signup(session, org, "fast@x.test")
    from leadapp.services.history import add_entry

    r = session.get(LeadResponse, lead.id)
    add_entry(
        session, lead, org.agent, "call", created_at=as_utc(r.assigned_at) + timedelta(minutes=4)
    )
    session.commit()
    assert speed.for_lead(session, org.agent, lead.id) == "First contact 4 min after assignment"
    rows = speed.per_agent(session, org.broker)
    assert rows[0]["agent_id"] == org.agent.id and rows[0]["median_minutes"] == 4.0
    assert rows[0]["within_5_min"] == 1.0
    slow = signup(session, org, "slow@x.test")
    assert speed.uncontacted_new(session, org.agent)["leads"][0]["id"] == slow.id


def test_bad_input_changes_nothing(session, org):
    team = agents(session, org, 1)
    with pytest.raises(ValidationFailed) as e:
        routing_admin.save_rule(session, org.broker, {"name": "No target"})
    assert "target" in e.value.errors
    team[0].is_active = False
    session.add(team[0])
    session.commit()
    with pytest.raises(ValidationFailed) as e:
        routing_admin.save_group(
            session, org.broker, {"name": "Ghosts", "members": {str(team[0].id): 1}}
        )
    assert "active agent" in e.value.errors["members"]
    with pytest.raises(ValidationFailed) as e:
        routing_admin.set_availability(session, org.broker, org.agent.id, False, "0")
    assert "capacity" in e.value.errors
    with pytest.raises(ValidationFailed):
        notify.set_preference(session, org.agent, "no_such_kind", True)
    with pytest.raises(PermissionDenied):
        routing_admin.save_rule(session, org.agent, {"name": "x", "target": "pool"})
    session.rollback()
    assert routing_admin.overview(session, org.broker)["rules"] == []
    assert routing_admin.overview(session, org.broker)["groups"] == []
    assert session.get(AgentAvailability, org.agent.id) is None
    assert session.get(RoutingSettings, org.brokerage.id) is None
