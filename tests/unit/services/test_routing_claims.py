"""Claims of offered leads: one winner, busy databases, fallbacks and idle leads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from leadapp import db as dbmod
from leadapp.models import (
    ClaimOffer,
    Lead,
    Notification,
    User,
    utcnow,
)
from leadapp.services import (
    claims,
    handover,
    rollups,
    routing_admin,
)
from leadapp.services.errors import Conflict, PermissionDenied
from tests.conftest import USE_PG
from tests.unit.routing_helpers import agents, group, reasons, rule, signup


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

    @event.listens_for(eng, "connect")
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
                result.append(
                    claims.claim(s, s.get_one(User, team[0].id), offer.id).assigned_agent_id
                )
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
                claims.claim(s, s.get_one(User, team[0].id), offer.id)
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
