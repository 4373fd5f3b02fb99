"""The unassigned pool (G3): claim (exactly one winner), reject (notice, history, roll-ups)."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from leadapp.models import Activity, Brokerage, HistoryEntry, Lead, OutgoingEmail, User, utcnow
from leadapp.services import pool, rollups
from leadapp.services.errors import Conflict, NotFound, PermissionDenied, ServiceError


def exact(session, org):
    session.flush()
    assert rollups.check(session, org.brokerage.id) == []


def with_activity(session, lead, n=3):
    now = utcnow()
    rows = []
    for k in range(n):
        at = now - timedelta(days=35 * k)
        session.add(
            Activity(
                brokerage_id=lead.brokerage_id, lead_id=lead.id, kind="listing_view", occurred_at=at
            )
        )
        rows.append((lead.brokerage_id, lead.assigned_agent_id or 0, at, "listing_view"))
    rollups.activities_added(session, rows)
    session.commit()


def agent_of(session, lead_id):
    session.expire_all()
    return session.get_one(Lead, lead_id).assigned_agent_id


def test_claim_takes_a_pool_lead_with_history_and_rollups(session, org, make_lead):

    lead = make_lead(org.broker)  # unassigned
    with_activity(session, lead)
    claimed = pool.claim(session, org.agent, lead.id)
    session.commit()
    assert claimed.assigned_agent_id == org.agent.id == agent_of(session, lead.id)
    entry = session.exec(
        select(HistoryEntry).where(
            col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.field) == "assigned_agent"
        )
    ).one()
    assert (entry.title, entry.old_value, entry.new_value, entry.actor_id) == (
        "Claimed from the unassigned pool",
        "Unassigned",
        "Alan Agent",
        org.agent.id,
    )
    exact(session, org)
    with pytest.raises(Conflict, match="already yours"):
        pool.claim(session, org.agent, lead.id)
    with pytest.raises(Conflict, match="not in the unassigned pool"):
        pool.claim(session, org.agent2, lead.id)


def test_who_may_claim(session, org, other_org, make_lead):
    lead = make_lead(org.broker)
    foreign = make_lead(other_org.broker)
    with pytest.raises(ServiceError, match="Brokers assign"):
        pool.claim(session, org.broker, lead.id)
    # Another brokerage's lead, another agent's lead and a missing id get one answer.
    theirs = make_lead(org.agent2)
    answers = set()
    for lid in (foreign.id, theirs.id, 10**9):
        with pytest.raises(ServiceError) as exc:
            pool.claim(session, org.agent, lid)
        answers.add(str(exc.value))
    assert answers == {pool.TAKEN}
    with pytest.raises(NotFound):
        pool.claim(session, org.agent, "12abc")
    b = session.get(Brokerage, org.brokerage.id)
    b.unassigned_pool_enabled = False
    session.add(b)
    session.commit()
    with pytest.raises(PermissionDenied, match="does not let agents claim"):
        pool.claim(session, org.agent, lead.id)
    assert agent_of(session, lead.id) is None and agent_of(session, foreign.id) is None


def _claim_in_thread(engine, user_id, lead_id, barrier, results, hold=0.3):
    import time

    with Session(engine, expire_on_commit=False) as s:
        user = s.get_one(User, user_id)
        barrier.wait()
        try:
            pool.claim(s, user, lead_id)
            time.sleep(hold)  # keep the transaction open so the other claim overlaps it
            s.commit()
            results.append(("won", user_id))
        except Conflict as exc:
            s.rollback()
            results.append(("lost", str(exc)))
        except Exception as exc:  # anything else is a failure of the test
            s.rollback()
            results.append(("error", repr(exc)))


@pytest.mark.parametrize("round_", range(3))
def test_two_agents_claiming_at_once_exactly_one_wins(engine, session, org, make_lead, round_):

    lead = make_lead(org.broker)
    with_activity(session, lead, n=2)
    barrier = threading.Barrier(2)
    results: list = []
    threads = [
        threading.Thread(target=_claim_in_thread, args=(engine, uid, lead.id, barrier, results))
        for uid in (org.agent.id, org.agent2.id)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["lost", "won"], results
    winner = next(r[1] for r in results if r[0] == "won")
    loser_msg = next(r[1] for r in results if r[0] == "lost")
    assert "not in the unassigned pool" in loser_msg
    assert agent_of(session, lead.id) == winner
    claims = session.exec(
        select(HistoryEntry).where(
            col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.field) == "assigned_agent"
        )
    ).all()
    assert len(claims) == 1 and claims[0].actor_id == winner
    exact(session, org)


def test_reject_returns_the_lead_and_tells_the_brokerage(session, org, make_lead):

    lead = make_lead(org.agent, first_name="Robin", last_name="Reyes")
    with_activity(session, lead)
    back = pool.reject(session, org.agent, lead.id)
    session.commit()
    assert back.assigned_agent_id is None and agent_of(session, lead.id) is None
    notice = session.exec(select(OutgoingEmail).where(col(OutgoingEmail.kind) == "notice")).one()
    assert notice.to_address == "office@bayside.test" and notice.status == "queued"
    assert notice.subject == "Alan Agent rejected the lead Robin Reyes"
    assert notice.lead_id == lead.id and notice.created_by_id == org.agent.id
    entry = session.exec(
        select(HistoryEntry).where(
            col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.field) == "assigned_agent"
        )
    ).one()
    assert (entry.title, entry.old_value, entry.new_value, entry.actor_id) == (
        "Rejected; returned to the unassigned pool",
        "Alan Agent",
        "Unassigned",
        org.agent.id,
    )
    exact(session, org)
    # Back in the pool: another agent can claim it.
    pool.claim(session, org.agent2, lead.id)
    session.commit()
    assert agent_of(session, lead.id) == org.agent2.id
    exact(session, org)


def test_who_may_reject(session, org, other_org, make_lead):
    mine = make_lead(org.agent)
    theirs = make_lead(org.agent2)
    unassigned = make_lead(org.broker)
    foreign = make_lead(other_org.agent)
    with pytest.raises(NotFound):
        pool.reject(session, org.agent, theirs.id)
    with pytest.raises(NotFound):
        pool.reject(session, org.agent, foreign.id)
    with pytest.raises(ServiceError, match="own agent"):
        pool.reject(session, org.agent, unassigned.id)
    with pytest.raises(ServiceError, match="Brokers reassign"):
        pool.reject(session, org.broker, mine.id)
    # Rejecting needs more than one (active) user in the brokerage.
    for u in (org.broker, org.agent2):
        u = session.get(User, u.id)
        u.is_active = False
        session.add(u)
    session.commit()
    with pytest.raises(ServiceError, match="more than one user"):
        pool.reject(session, org.agent, mine.id)
    session.rollback()
    assert (
        agent_of(session, mine.id) == org.agent.id and agent_of(session, theirs.id) == org.agent2.id
    )
    assert session.exec(select(OutgoingEmail)).all() == []
