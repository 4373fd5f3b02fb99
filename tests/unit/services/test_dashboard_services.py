"""Dashboard panels (D1-D8), their summary tables (exact after random writes) and live fan-out
(D10).
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import Activity, Lead, utcnow
from leadapp.models.enums import ACTIVITY_KINDS, LEAD_STATUSES, STAGES
from leadapp.services import activity as act_svc
from leadapp.services import dashboard as dash
from leadapp.services import leads as lead_svc
from leadapp.services import live, rating, rollups, tasks
from leadapp.services.dashboard import dates as dash_dates
from leadapp.services.dashboard import feed as dash_feed
from leadapp.services.errors import NotFound, ValidationFailed


def _events(session, org, items, now=None):
    out = act_svc.record_events(session, org.brokerage.id, items, now=now)
    session.commit()
    return out


def _direct_counts(session, org, agent_id=None, now=None):
    """The numbers straight from the lead and activity tables (what the lead list counts)."""
    now = now or utcnow()
    session.expire_all()  # scores and last activity were written with plain SQL
    clause = sa.and_(col(Lead.brokerage_id) == org.brokerage.id, col(Lead.status) != "deleted")
    if agent_id is not None:
        clause = sa.and_(clause, col(Lead.assigned_agent_id) == agent_id)
    leads = session.exec(select(Lead).where(clause)).all()
    since = now.date() - timedelta(days=dash.ACTIVE_DAYS - 1)

    def last_day(lead):
        return rollups.utc_day(lead.last_activity_at)

    stages = {s: 0 for s in dash.FUNNEL}
    for lead in leads:
        if lead.stage == "closed" and rollups.utc_day(lead.stage_entered_at).year != now.year:
            continue
        if lead.stage in stages:
            stages[lead.stage] += 1
    sources: dict = {}
    for lead in leads:
        sources[lead.source] = sources.get(lead.source, 0) + 1
    q = (
        select(col(Activity.kind), col(Activity.occurred_at))
        .join(Lead, col(Lead.id) == col(Activity.lead_id))
        .where(col(Lead.brokerage_id) == org.brokerage.id)
    )
    if agent_id is not None:
        q = q.where(col(Lead.assigned_agent_id) == agent_id)
    month0 = dash.months_back(now)[0]
    actions = sum(1 for _, ts in session.execute(q) if rollups.month_start(ts) >= month0)
    return {
        "total": len(leads),
        "active": sum(1 for lead in leads if (day := last_day(lead)) and day >= since),
        "subscribed": sum(1 for lead in leads if lead.active_subscriptions > 0),
        "stages": stages,
        "sources": sources,
        "new_uncontacted": sum(
            1 for lead in leads if lead.status == "new" and lead.stage == "uncontacted"
        ),
        "actions_12m": actions,
    }


def _panel_counts(session, user, agent_id=None, now=None):
    d = dash.load(session, user, agent_id, now=now)
    return {
        "total": d["subscribed"]["total"],
        "active": d["active"]["part"],
        "subscribed": d["subscribed"]["part"],
        "stages": {s["stage"]: s["count"] for s in d["funnel"]["stages"]},
        "sources": {s["source"]: s["count"] for s in d["sources"]["sources"]},
        "new_uncontacted": next(
            s["count"] for s in d["actions"]["suggestions"] if s["key"] == "new"
        ),
        "actions_12m": d["months"]["total"],
    }


def test_panels_for_broker_and_agent(session, org, make_lead):
    make_lead(email="a1@x.test", first_name="Ann", assigned_agent_id=org.agent.id, source="Zillow")
    a2 = make_lead(email="a2@x.test", assigned_agent_id=org.agent.id, source="Referral")
    make_lead(email="b1@x.test", assigned_agent_id=org.agent2.id, source="Zillow")
    gone = make_lead(email="gone@x.test", assigned_agent_id=org.agent.id, source="Zillow")
    lead_svc.set_status(session, org.broker, [gone.id], "deleted")
    lead_svc.set_stage(session, org.agent, [a2.id], "nurturing")
    session.commit()
    _events(
        session,
        org,
        [
            {"kind": "listing_view", "email": "a1@x.test", "mls_number": "ML1"},
            {"kind": "search", "email": "b1@x.test"},
            {"kind": "info_request", "email": "gone@x.test"},
        ],
    )

    broker = dash.load(session, org.broker)
    assert broker["subscribed"]["total"] == 3  # the deleted lead is not counted
    assert broker["active"]["part"] == 2 and broker["active"]["pct"] == pytest.approx(66.7)
    assert {s["stage"]: s["count"] for s in broker["funnel"]["stages"]}["nurturing"] == 1
    assert [r["lead_name"] for r in broker["feed"]["rows"]] == [
        "b1@x.test",
        "Ann",
    ]  # newest first, no deleted
    assert {s["source"]: s["count"] for s in broker["sources"]["sources"]} == {
        "Zillow": 2,
        "Referral": 1,
    }
    assert broker["agents"] and broker["agent_id"] is None

    agent = dash.load(session, org.agent)
    assert agent["subscribed"]["total"] == 2 and agent["active"]["part"] == 1
    assert [r["lead_name"] for r in agent["feed"]["rows"]] == ["Ann"]
    assert agent["agents"] == []
    # an agent cannot widen or change their scope
    assert dash.load(session, org.agent, org.agent2.id)["subscribed"]["total"] == 2
    # a broker narrows to one agent; the links carry the agent
    narrowed = dash.load(session, org.broker, org.agent2.id)
    assert narrowed["subscribed"]["total"] == 1 and narrowed["agent_id"] == org.agent2.id
    assert all(f"agent={org.agent2.id}" in s["url"] for s in narrowed["funnel"]["stages"])
    assert all(f"agent={org.agent.id}" in s["url"] for s in agent["funnel"]["stages"])
    for who, aid in ((org.broker, None), (org.agent, None), (org.broker, org.agent.id)):
        assert _panel_counts(session, who, aid) == _direct_counts(
            session, org, aid if who.role == "broker" else who.id
        )


def test_broker_cannot_narrow_to_another_brokerages_user(session, org, other_org):
    with pytest.raises(NotFound):
        dash.load(session, org.broker, other_org.agent.id)
    with pytest.raises(NotFound):
        dash.funnel(session, org.broker, "nope")


def test_funnel_closed_this_year_only_and_dead_excluded(session, org, make_lead):
    now = utcnow()
    leads = [make_lead(email=f"f{i}@x.test") for i in range(4)]
    lead_svc.set_stage(session, org.broker, [leads[0].id, leads[1].id], "closed")
    lead_svc.set_stage(session, org.broker, [leads[2].id], "dead")
    session.commit()
    old = session.get(Lead, leads[1].id)
    tracker = rollups.LeadRollupTracker([old])
    old.stage_entered_at = datetime(now.year - 1, 6, 1, tzinfo=UTC)
    tracker.apply(session)
    session.commit()
    f = dash.funnel(session, org.broker, now=now)
    counts = {s["stage"]: s["count"] for s in f["stages"]}
    assert counts == {
        "uncontacted": 1,
        "attempted_contact": 0,
        "nurturing": 0,
        "under_contract": 0,
        "closed": 1,
    }
    closed = f["stages"][-1]
    assert closed["url"] == f"/leads?stage=closed&closed_year={now.year}" and closed["pct"] == 50.0
    assert rollups.check(session, org.brokerage.id) == []


def test_feed_pages_by_keyset_and_filters_by_kind(session, org, make_lead):
    make_lead(email="p@x.test", assigned_agent_id=org.agent.id)
    base = utcnow() - timedelta(hours=5)
    items = [
        {
            "kind": "listing_view" if i % 3 else "search",
            "email": "p@x.test",
            "occurred_at": (base + timedelta(minutes=i // 2)).isoformat(),
        }
        for i in range(45)
    ]
    _events(session, org, items)
    seen, cursor = [], None
    while True:
        page = dash.activity_feed(session, org.agent, cursor=cursor, limit=20)
        seen += [r["id"] for r in page["rows"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == 45 and len(set(seen)) == 45
    rows = (
        session.execute(
            select(col(Activity.id)).order_by(
                col(Activity.occurred_at).desc(), col(Activity.id).desc()
            )
        )
        .scalars()
        .all()
    )
    assert seen == list(rows)
    searches = dash.activity_feed(session, org.agent, kind="search", limit=50)
    assert len(searches["rows"]) == 15 and {r["kind"] for r in searches["rows"]} == {"search"}
    assert dash.activity_feed(session, org.agent2)["rows"] == []  # not theirs
    with pytest.raises(ValidationFailed):
        dash.activity_feed(session, org.agent, kind="hack")
    with pytest.raises(ValidationFailed):
        dash.activity_feed(session, org.agent, cursor="x:y")


def test_action_center_counts_and_links(session, org, make_lead):
    now = utcnow()
    lead = make_lead(org.agent, email="ac@x.test")
    hot = make_lead(org.agent, email="hot@x.test")
    from leadapp.services.history import add_entry

    add_entry(session, lead, org.agent, "note", title="Note")
    add_entry(session, lead, org.agent, "call", title="Phone call")
    add_entry(session, lead, org.agent2, "call", title="Phone call")  # someone else
    lead_svc.set_stage(session, org.agent, [lead.id], "nurturing")
    t = tasks.create_task(
        session,
        org.agent,
        {
            "title": "Call back",
            "kind": "todo",
            "lead_id": lead.id,
            "due_date": (now - timedelta(days=2)).date().isoformat(),
            "due_time": "09:00",
        },
    )
    session.flush()
    tasks.create_task(
        session,
        org.agent,
        {
            "title": "Overdue",
            "kind": "todo",
            "due_date": (now - timedelta(days=3)).date().isoformat(),
            "due_time": "09:00",
        },
    )
    session.flush()
    tasks.complete_task(session, org.agent, t.id)
    session.commit()
    _events(
        session,
        org,
        [
            {"kind": "showing_request", "email": "hot@x.test"},
            {"kind": "listing_view", "email": "ac@x.test"},
        ],
    )
    rating.refresh_cutoffs(session, org.brokerage.id)
    session.commit()
    ac = dash.action_center(session, org.agent, now=now + timedelta(seconds=5))
    done = {d["kind"]: d["count"] for d in ac["done"]}
    assert done == {
        "note": 1,
        "call": 1,
        "quick_event": 0,
        "message": 0,
        "task_done": 1,
        "stage": 1,
    }
    sug = {s["key"]: s for s in ac["suggestions"]}
    assert (
        sug["new"]["count"] == 1
        and sug["new"]["url"] == f"/leads?agent={org.agent.id}&status=new&stage=uncontacted"
    )
    assert (
        sug["hot"]["count"] == 1
        and "rating=3" in sug["hot"]["url"]
        and "idle=7" in sug["hot"]["url"]
    )
    assert sug["overdue"]["count"] == 1 and sug["overdue"]["url"] == "/todo"
    team = dash.action_center(session, org.broker, now=now + timedelta(seconds=5))
    assert {d["kind"]: d["count"] for d in team["done"]}["call"] == 2
    assert {s["key"]: s for s in team["suggestions"]}["overdue"]["url"] == "/todo?agent=all"
    # a call to the hot lead takes it off the list
    add_entry(session, session.get(Lead, hot.id), org.agent, "call", title="Phone call")
    session.commit()
    assert {s["key"]: s for s in dash.action_center(session, org.agent)["suggestions"]}["hot"][
        "count"
    ] == 0


def test_upcoming_dates_next_seven_days_in_user_zone(session, org, make_lead):
    now = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 11:00 in Los Angeles
    make_lead(org.agent, email="b0@x.test", first_name="Today", birthday="1980-03-10")
    make_lead(org.agent, email="b6@x.test", first_name="Six", anniversary="2020-03-16")
    make_lead(org.agent, email="b7@x.test", first_name="Seven", birthday="1980-03-17")
    make_lead(org.agent2, email="other@x.test", first_name="Other", birthday="1980-03-11")
    up = dash.upcoming_dates(session, org.agent, now=now)
    assert [(i["lead_name"], i["what"], i["when"]) for i in up["items"]] == [
        ("Today", "Birthday", "Today"),
        ("Six", "Anniversary", "Mon Mar 16"),
    ]
    assert len(dash.upcoming_dates(session, org.broker, now=now)["items"]) == 3
    sug = {s["key"]: s for s in dash.action_center(session, org.agent, now=now)["suggestions"]}
    assert sug["birthdays"]["count"] == 1 and sug["birthdays"]["url"].startswith("/leads/")


def test_past_months_series(session, org, make_lead):
    make_lead(email="m@x.test", assigned_agent_id=org.agent.id)
    now = utcnow()
    old = (now - timedelta(days=400)).isoformat()
    _events(
        session,
        org,
        [
            {"kind": "listing_view", "email": "m@x.test"},
            {"kind": "search", "email": "m@x.test"},
            {"kind": "saved_search", "email": "m@x.test"},
            {"kind": "listing_view", "email": "m@x.test", "occurred_at": old},
        ],
    )
    assert dash.past_months(session, org.broker, series="actions")["total"] == 3
    assert dash.past_months(session, org.broker, series="views")["months"][-1]["count"] == 1
    assert dash.past_months(session, org.agent, series="searches")["total"] == 2
    assert dash.past_months(session, org.agent2, series="actions")["total"] == 0
    assert len(dash.past_months(session, org.broker)["months"]) == 12
    with pytest.raises(ValidationFailed):
        dash.past_months(session, org.broker, series="bogus")


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
        want = _direct_counts(session, org, aid if who.role == "broker" else who.id, now=now)
        assert _panel_counts(session, who, aid, now=now) == want


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
        _events(session, org, [{"kind": "search", "email": "live@x.test"}])
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


def test_feed_of_an_agent_with_few_leads_reads_through_their_leads(session, org, make_lead):
    for i in range(25):
        make_lead(email=f"big{i}@x.test", assigned_agent_id=org.agent2.id)
    make_lead(email="small@x.test", first_name="Small", assigned_agent_id=org.agent.id)
    base = utcnow() - timedelta(hours=3)
    _events(
        session,
        org,
        [
            {
                "kind": "search",
                "email": f"big{i % 25}@x.test",
                "occurred_at": (base + timedelta(minutes=i)).isoformat(),
            }
            for i in range(60)
        ]
        + [
            {
                "kind": "listing_view",
                "email": "small@x.test",
                "occurred_at": (base + timedelta(minutes=2 * i)).isoformat(),
            }
            for i in range(30)
        ],
    )
    assert dash_feed._small_share(session, dash.scope(session, org.agent))
    seen, cursor = [], None
    while True:
        page = dash.activity_feed(session, org.agent, cursor=cursor, limit=7)
        seen += [(r["lead_name"], r["at"]) for r in page["rows"]]
        if not (cursor := page["next"]):
            break
    assert len(seen) == 30 and {n for n, _ in seen} == {"Small"}
    assert [a for _, a in seen] == sorted((a for _, a in seen), reverse=True)


def test_check_reports_a_drifted_day_rollup_and_rebuild_repairs_it(session, org, make_lead):
    from leadapp.models import LeadActivityDay

    make_lead(email="d@x.test")
    _events(session, org, [{"kind": "search", "email": "d@x.test"}])
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


def test_upcoming_dates_across_new_year_and_feb_29(session, org, make_lead):
    for i in range(3):
        make_lead(org.agent, email=f"jan{i}@x.test", first_name=f"Jan{i}", birthday="1980-01-01")
    make_lead(org.agent, email="dec@x.test", first_name="Dec", birthday="1980-12-30")
    make_lead(org.agent, email="leap@x.test", first_name="Leap", birthday="1980-02-29")
    sc = dash.scope(session, org.agent, None)
    days = [date(2026, 12, 28) + timedelta(days=i) for i in range(7)]
    # the limit keeps the nearest days: December before January
    rows = dash_dates._dates_on(session, sc, days, col(Lead.birthday_md), limit=2)
    assert [r["lead_name"].split()[0] for r in rows] == ["Dec", "Jan0"]
    feb = [date(2027, 2, 22) + timedelta(days=i) for i in range(7)]  # ends Feb 28, not a leap year
    rows = dash_dates._dates_on(session, sc, feb, col(Lead.birthday_md))
    assert [r["md"] for r in rows] == [229]
    leap = [date(2028, 2, 22) + timedelta(days=i) for i in range(7)]  # Feb 29 is its own day
    assert dash_dates._dates_on(session, sc, leap, col(Lead.birthday_md)) == []
