"""Lead routing (G5): rule order, round robin fairness, skips, claim race, timeout, idle move,
bad input; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp import db as dbmod
from leadapp.models import (
    AgentAvailability,
    ClaimOffer,
    HistoryEntry,
    Lead,
    LeadResponse,
    Notification,
    RoutingSettings,
    User,
    as_utc,
    utcnow,
)
from leadapp.services import (
    activity,
    api_leads,
    claims,
    handover,
    notify,
    pool,
    rollups,
    routing,
    routing_admin,
    speed,
)
from leadapp.services.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import USE_PG, _pw


def agents(session, org, n: int, prefix="Rr") -> list[User]:
    out = []
    for i in range(n):
        u = User(
            brokerage_id=org.brokerage.id,
            email=f"{prefix.lower()}{i}@bayside.test",
            name=f"{prefix} Agent {i:02d}",
            role="agent",
            agent_code=f"{prefix}{i:03d}",
            password_hash=_pw(),
        )
        session.add(u)
        out.append(u)
    session.commit()
    return out


def group(session, org, users, name="Team A", weights=None) -> int:
    g = routing_admin.save_group(
        session,
        org.broker,
        {"name": name, "members": {str(u.id): (weights or {}).get(u.id, 1) for u in users}},
    )
    session.commit()
    assert g.id is not None
    return g.id


def rule(session, org, **data):
    data.setdefault("name", "Rule")
    r = routing_admin.save_rule(session, org.broker, data)
    session.commit()
    return r


def signup(session, org, email, **extra):
    out = activity.record_events(
        session, org.brokerage.id, [{"kind": "signup", "email": email, **extra}]
    )
    session.commit()
    lid = out["results"][0]["lead_id"]
    session.expire_all()
    return session.get(Lead, lid)


def reasons(session, lead_id) -> list[str]:

    return list(
        session.exec(
            select(col(HistoryEntry.body)).where(
                col(HistoryEntry.lead_id) == lead_id, col(HistoryEntry.field) == "routing"
            )
        ).all()
    )


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

    sa.event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", count)


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
            other.get(User, org.broker.id),
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
            other.get(User, org.broker.id),
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


def claim_setup(session, org, n=20, minutes=10, fallback=None):

    team = agents(session, org, n, prefix="Cl")
    gid = group(session, org, team)
    rule(
        session,
        org,
        name="Claimers",
        target="claim",
        group_id=gid,
        claim_minutes=str(minutes),
        **(fallback or {}),
    )
    lead = signup(session, org, "hot@x.test")
    offer = session.exec(select(ClaimOffer).where(col(ClaimOffer.lead_id) == lead.id)).one()
    return team, lead, offer


def test_claim_race_with_20_agents_has_one_winner(engine, session, org):
    team, lead, offer = claim_setup(session, org)
    assert lead.assigned_agent_id is None
    assert (
        session.exec(select(Notification).where(col(Notification.kind) == "offer")).all().__len__()
        == 20
    )
    barrier = threading.Barrier(len(team))
    results: list = []

    def go(u: User):
        barrier.wait(timeout=30)  # before any connection is taken (the pool is smaller than 20)
        with Session(engine, expire_on_commit=False) as s:
            me = u
            try:
                claims.claim(s, me, offer.id)
                s.commit()
                results.append(("won", u.id))
            except Conflict as exc:
                s.rollback()
                results.append(("lost", str(exc)))

    threads = [threading.Thread(target=go, args=(u,)) for u in team]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results if r[0] == "won"]
    assert len(won) == 1 and len(results) == 20
    assert all("claimed this lead first" in r[1] for r in results if r[0] == "lost"), results
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id == won[0][1]
    assert session.get_one(ClaimOffer, offer.id).claimed_by_id == won[0][1]
    open_offers = session.exec(
        select(Notification).where(
            col(Notification.kind) == "offer", col(Notification.read_at).is_(None)
        )
    ).all()
    assert open_offers == []  # the offer is over: no claim buttons left
    session.flush()
    assert rollups.check(session, org.brokerage.id) == []


def _impatient(engine):
    """A second engine on the same SQLite file whose busy timeout is 50 ms."""
    eng = dbmod.make_engine(str(engine.url))

    @sa.event.listens_for(eng, "connect")
    def short(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    return eng


def _hold_write_lock(engine, release: threading.Event, released: threading.Event):
    """Another writer holding SQLite's write lock until told to let go."""
    conn = engine.raw_connection()
    conn.execute("BEGIN IMMEDIATE")
    taken = threading.Event()

    def hold():
        taken.set()
        release.wait(timeout=60)
        conn.rollback()
        conn.close()
        released.set()

    threading.Thread(target=hold).start()
    taken.wait()


@pytest.mark.skipif(USE_PG, reason="SQLite's busy timeout")
def test_a_claim_waits_out_a_busy_database_instead_of_failing(engine, session, org, monkeypatch):
    team, lead, offer = claim_setup(session, org, n=2)
    release, released = threading.Event(), threading.Event()
    waits: list[str] = []
    real_info = handover.log.info

    def on_wait(msg, *args):  # the claim found the database locked and waits again
        waits.append(msg % args)
        release.set()
        released.wait(timeout=60)  # the other writer is done before the next try
        real_info(msg, *args)

    monkeypatch.setattr(handover.log, "info", on_wait)
    _hold_write_lock(engine, release, released)
    eng = _impatient(engine)
    result: list = []

    def go():
        with Session(eng, expire_on_commit=False) as s:
            try:
                result.append(claims.claim(s, s.get(User, team[0].id), offer.id).assigned_agent_id)
                s.commit()
            except Exception as exc:  # the assertion below shows it
                result.append(exc)

    t = threading.Thread(target=go)
    t.start()
    t.join()
    eng.dispose()
    assert waits and "database busy" in waits[0]
    assert result == [team[0].id]
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id == team[0].id


@pytest.mark.skipif(USE_PG, reason="SQLite's busy timeout")
def test_a_claim_on_a_database_locked_for_too_long_changes_nothing(engine, session, org):
    team, lead, offer = claim_setup(session, org, n=2)
    release, released = threading.Event(), threading.Event()
    _hold_write_lock(engine, release, released)
    eng = _impatient(engine)
    try:
        with Session(eng, expire_on_commit=False) as s:
            with pytest.raises(Conflict, match="please try again"):
                claims.claim(s, s.get(User, team[0].id), offer.id)
            s.rollback()
    finally:
        release.set()
        released.wait(timeout=60)
        eng.dispose()
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id is None
    assert session.get_one(ClaimOffer, offer.id).status == "open"


def test_unclaimed_offer_goes_to_the_fallback_once(engine, session, org):
    team, lead, offer = claim_setup(
        session,
        org,
        n=3,
        minutes=5,
        fallback={"fallback": "agent", "fallback_agent_id": org.agent.id},
    )
    later = utcnow() + timedelta(minutes=6)
    assert claims.expire_due(session, utcnow()) == 0
    assert claims.expire_due(session, later) == 1
    session.commit()
    assert claims.expire_due(session, later) == 0  # a second run (another worker) does nothing
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id == org.agent.id
    assert "Nobody claimed it within 5 min; fallback → Alan Agent" in reasons(session, lead.id)
    with pytest.raises(Conflict, match="expired"):
        claims.claim(session, session.get(User, team[0].id), offer.id)


def test_claim_by_an_outsider_is_refused(session, org):
    _team, _lead, offer = claim_setup(session, org, n=2)
    with pytest.raises(PermissionDenied):
        claims.claim(session, org.agent, offer.id)


def test_idle_lead_moves_to_the_fallback_once_and_both_agents_are_told(session, org):
    rule(
        session,
        org,
        name="Alan",
        target="agent",
        agent_id=org.agent.id,
        fallback="agent",
        fallback_agent_id=org.agent2.id,
    )
    routing_admin.save_settings(session, org.broker, "2", False, None)
    session.commit()
    lead = signup(session, org, "idle@x.test")
    contacted = signup(session, org, "called@x.test")
    from leadapp.services.history import add_entry

    add_entry(session, contacted, org.agent, "call", title="Called")
    session.commit()
    assert claims.idle_due(session, utcnow() + timedelta(hours=1)) == 0
    assert claims.idle_due(session, utcnow() + timedelta(hours=3)) == 1
    session.commit()
    session.expire_all()
    assert session.get_one(Lead, lead.id).assigned_agent_id == org.agent2.id
    assert session.get_one(Lead, contacted.id).assigned_agent_id == org.agent.id
    kinds = {
        (n.user_id, n.kind)
        for n in session.exec(
            select(Notification).where(col(Notification.lead_id) == lead.id)
        ).all()
    }
    assert {(org.agent.id, "claim"), (org.agent2.id, "assigned")} <= kinds
    assert claims.idle_due(session, utcnow() + timedelta(hours=30)) == 0  # once


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
