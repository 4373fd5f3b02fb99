"""The dashboard's summary tables (exact after random writes, checked and rebuilt) and live
fan-out (D10).
"""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from sqlmodel import col, select

from leadapp.models import Lead, utcnow
from leadapp.models.enums import ACTIVITY_KINDS, LEAD_STATUSES, STAGES
from leadapp.services import activity as act_svc
from leadapp.services import leads as lead_svc
from leadapp.services import live, rollups
from tests.unit.dashboard_helpers import direct_counts, panel_counts, post_events


def test_random_writes_keep_rollups_equal_to_a_recount(session, org, make_lead):
    """Property: any mix of lead, stage, status, assignment and activity writes leaves the
    summary tables equal to a full recount, and every panel equal to the raw counts."""
    rnd = random.Random(1234)
    now = utcnow()
    emails: list[str] = []
    agents = [None, org.agent.id, org.agent2.id]
    for step in range(160):
        op = rnd.random()
        ids = [
            i
            for (i,) in session.execute(
                select(col(Lead.id)).where(col(Lead.brokerage_id) == org.brokerage.id)
            )
        ]
        if op < 0.2 or not ids:
            email = f"r{step}@x.test"
            make_lead(
                email=email,
                assigned_agent_id=rnd.choice(agents) or "",
                source=rnd.choice(["Zillow", "Referral", ""]),
            )
            emails.append(email)
        elif op < 0.35:
            lead_svc.set_stage(
                session,
                org.broker,
                rnd.sample(ids, min(len(ids), rnd.randint(1, 3))),
                rnd.choice(list(STAGES)),
            )
        elif op < 0.45:
            lead_svc.set_status(
                session, org.broker, rnd.sample(ids, 1), rnd.choice(list(LEAD_STATUSES))
            )
        elif op < 0.55:
            lead_svc.assign(
                session, org.broker, rnd.sample(ids, min(len(ids), 2)), rnd.choice(agents)
            )
        else:
            n = rnd.randint(1, 6)
            items = []
            for _ in range(n):
                if emails and rnd.random() < 0.8:
                    e = rnd.choice(emails)
                    kind = rnd.choice(list(ACTIVITY_KINDS))
                else:
                    e, kind = f"web{step}-{rnd.randint(0, 3)}@x.test", "signup"
                    emails.append(e)
                ago = timedelta(
                    days=rnd.choice([0, 1, 10, 29, 31, 45, 200, 500]), minutes=rnd.randint(0, 600)
                )
                items.append({"kind": kind, "email": e, "occurred_at": (now - ago).isoformat()})
            act_svc.record_events(session, org.brokerage.id, items, now=now)
        session.commit()
        if step % 40 == 39:
            assert rollups.check(session, org.brokerage.id) == []
    assert rollups.check(session, org.brokerage.id) == []
    for who, aid in ((org.broker, None), (org.broker, org.agent.id), (org.agent2, None)):
        want = direct_counts(session, org, aid if who.role == "broker" else who.id, now=now)
        assert panel_counts(session, who, aid, now=now) == want


# ---------------------------------------------------------------- live (D10)


def test_changes_are_published_after_commit_only(session, org, make_lead):
    got: list = []
    orig = live.HUB.publish
    live.HUB.publish = lambda changes: got.extend(changes)
    try:
        lead = make_lead(email="live@x.test", assigned_agent_id=org.agent.id)
        assert live.Change(org.brokerage.id, org.agent.id, "lead", lead.id) in got
        got.clear()
        lead_svc.set_stage(session, org.broker, [lead.id], "nurturing")
        session.rollback()
        assert got == []
        lead_svc.assign(session, org.broker, [lead.id], org.agent2.id)
        session.commit()
        assert {(c.agent_key, c.kind) for c in got} >= {
            (org.agent.id, "lead"),
            (org.agent2.id, "lead"),
        }
        got.clear()
        post_events(session, org, [{"kind": "search", "email": "live@x.test"}])
        assert live.Change(org.brokerage.id, org.agent2.id, "activity", lead.id) in got
    finally:
        live.HUB.publish = orig


def test_hub_delivers_only_what_each_user_may_see(org, other_org):
    async def run():
        hub = live.Hub()
        broker = hub.subscribe(org.brokerage.id, org.broker.id, True)
        agent = hub.subscribe(org.brokerage.id, org.agent.id, False)
        agent2 = hub.subscribe(org.brokerage.id, org.agent2.id, False)
        stranger = hub.subscribe(other_org.brokerage.id, other_org.broker.id, True)
        change = live.Change(org.brokerage.id, org.agent.id, "activity", 7)
        pool = live.Change(org.brokerage.id, 0, "lead", 8)
        await asyncio.to_thread(
            hub.deliver, [change, pool]
        )  # from a worker thread, as after a commit
        assert await broker.next(2) == [change, pool]
        assert await agent.next(2) == [change]
        assert await agent2.next(0.2) is None
        assert await stranger.next(0.2) is None
        hub.unsubscribe(agent)
        hub.deliver([change])
        assert agent.queue.empty() and hub.subscriber_count() == 3

    asyncio.run(run())


def test_redis_messages_round_trip_and_skip_our_own():
    import json

    c = live.Change(1, 2, "activity", 3)
    mine = json.dumps({"o": live.origin(), "c": [c.to_json()]})
    theirs = json.dumps({"o": "other", "c": [c.to_json()]})
    assert live.parse_message(mine) == []
    assert live.parse_message(theirs) == [c]
    assert live.parse_message("not json") == []


def test_check_reports_a_drifted_day_rollup_and_rebuild_repairs_it(session, org, make_lead):
    from leadapp.models import LeadActivityDay

    make_lead(email="d@x.test")
    post_events(session, org, [{"kind": "search", "email": "d@x.test"}])
    assert rollups.check(session, org.brokerage.id) == []
    row = session.exec(select(LeadActivityDay)).one()
    row.count += 2
    session.add(row)
    session.commit()
    problems = rollups.check(session, org.brokerage.id)
    assert (
        len(problems) == 1
        and problems[0].startswith("last-activity day")
        and "stored 3, recount 1" in problems[0]
    )
    rollups.rebuild(session, org.brokerage.id)
    session.commit()
    assert rollups.check(session, org.brokerage.id) == []
