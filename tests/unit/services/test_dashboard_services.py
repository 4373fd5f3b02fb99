"""Dashboard panels (D1-D8), their summary tables (exact after random writes) and live fan-out
(D10).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import Activity, Lead, utcnow
from leadapp.services import dashboard as dash
from leadapp.services import leads as lead_svc
from leadapp.services import rating, rollups, tasks
from leadapp.services.dashboard import dates as dash_dates
from leadapp.services.dashboard import feed as dash_feed
from leadapp.services.errors import NotFound, ValidationFailed
from tests.unit.dashboard_helpers import direct_counts, panel_counts, post_events


def test_panels_for_broker_and_agent(session, org, make_lead):
    make_lead(email="a1@x.test", first_name="Ann", assigned_agent_id=org.agent.id, source="Zillow")
    a2 = make_lead(email="a2@x.test", assigned_agent_id=org.agent.id, source="Referral")
    make_lead(email="b1@x.test", assigned_agent_id=org.agent2.id, source="Zillow")
    gone = make_lead(email="gone@x.test", assigned_agent_id=org.agent.id, source="Zillow")
    lead_svc.set_status(session, org.broker, [gone.id], "deleted")
    lead_svc.set_stage(session, org.agent, [a2.id], "nurturing")
    session.commit()
    post_events(
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
        assert panel_counts(session, who, aid) == direct_counts(
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
    post_events(session, org, items)
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
    post_events(
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
    post_events(
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


def test_feed_of_an_agent_with_few_leads_reads_through_their_leads(session, org, make_lead):
    for i in range(25):
        make_lead(email=f"big{i}@x.test", assigned_agent_id=org.agent2.id)
    make_lead(email="small@x.test", first_name="Small", assigned_agent_id=org.agent.id)
    base = utcnow() - timedelta(hours=3)
    post_events(
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
