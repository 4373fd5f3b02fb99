"""Hot-lead alerts (N2) and notifications (N1): kinds, throttling, e-mail per kind, live notes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event
from sqlmodel import col, select

from leadapp.models import Notification, OutgoingEmail, utcnow
from leadapp.services import activity, live, notify, routing_admin


def events(session, org, items, now=None):
    out = activity.record_events(session, org.brokerage.id, items, now=now)
    session.commit()
    return out


def alerts_of(session, user_id) -> list[str]:
    return [
        n.title
        for n in session.exec(
            select(Notification)
            .where(col(Notification.user_id) == user_id, col(Notification.kind) == "hot_lead")
            .order_by(col(Notification.id))
        ).all()
    ]


def test_alerts_and_one_per_lead_and_agent_per_hour(session, org, make_lead):
    lead = make_lead(org.agent, email="hot@x.test", first_name="Hope")
    now = utcnow()
    events(
        session, org, [{"kind": "showing_request", "email": lead.email, "mls_number": "M1"}], now
    )
    assert alerts_of(session, org.agent.id) == ["Hot lead: Hope asked for a showing of M1"]
    # a second behaviour within the hour: throttled
    events(
        session, org, [{"kind": "saved_listing", "email": lead.email}], now + timedelta(minutes=30)
    )
    assert len(alerts_of(session, org.agent.id)) == 1
    # after the hour, three views of one listing alert again
    later = now + timedelta(minutes=70)
    view = {"kind": "listing_view", "email": lead.email, "mls_number": "M7"}
    events(session, org, [view, view], later)
    assert len(alerts_of(session, org.agent.id)) == 1
    events(session, org, [view], later + timedelta(minutes=1))
    assert alerts_of(session, org.agent.id)[-1] == "Hot lead: Hope viewed M7 3 times in 24 hours"
    assert alerts_of(session, org.agent2.id) == []  # not theirs


def test_five_views_returning_lead_and_switched_off_kinds(session, org, make_lead):
    lead = make_lead(org.agent, email="v@x.test")
    now = utcnow()
    events(
        session,
        org,
        [{"kind": "listing_view", "email": lead.email, "mls_number": f"L{i}"} for i in range(5)],
        now,
    )
    assert alerts_of(session, org.agent.id) == ["Hot lead: v@x.test viewed 5 listings in 24 hours"]
    # back after 30 quiet days (but "returning" switched off: nothing)
    routing_admin.save_settings(
        session, org.broker, None, False, ["request", "repeat_view", "many_views", "saved"]
    )
    session.commit()
    events(session, org, [{"kind": "search", "email": lead.email}], now + timedelta(days=31))
    assert len(alerts_of(session, org.agent.id)) == 1
    routing_admin.save_settings(session, org.broker, None, False, None)  # all on again
    session.commit()
    events(session, org, [{"kind": "search", "email": lead.email}], now + timedelta(days=62))
    assert alerts_of(session, org.agent.id)[-1].endswith("came back after 31 quiet days")


def test_brokers_may_subscribe_to_every_hot_lead(session, org, make_lead):
    lead = make_lead(org.agent2, email="b@x.test")
    routing_admin.set_all_hot_leads(session, org.broker, True)
    session.commit()
    events(session, org, [{"kind": "info_request", "email": lead.email}])
    assert len(alerts_of(session, org.broker.id)) == 1
    assert len(alerts_of(session, org.agent2.id)) == 1


def test_email_per_kind_and_live_note_per_user(session, org, make_lead):
    lead = make_lead(org.agent)
    notify.set_preference(session, org.agent, "hot_lead", True)
    session.commit()
    notify.send(session, org.brokerage.id, [org.agent.id], "hot_lead", "Hot", lead_id=lead.id)
    notify.send(session, org.brokerage.id, [org.agent.id], "assigned", "New", lead_id=lead.id)
    notes = session.info.get("live_changes", set())
    assert live.Change(org.brokerage.id, org.agent.id, "notify", None) in notes
    session.commit()
    mails = session.exec(
        select(OutgoingEmail).where(col(OutgoingEmail.to_address) == org.agent.email)
    ).all()
    assert [m.subject for m in mails] == ["Hot"]  # e-mail only for the kind chosen
    assert notify.unread_count(session, org.agent) == 2
    rows = notify.recent(session, org.agent)
    assert rows[0]["href"] == f"/leads/{lead.id}"
    notify.mark_read(session, org.agent, rows[0]["id"])
    assert notify.unread_count(session, org.agent) == 1
    assert notify.mark_read(session, org.agent2, rows[1]["id"]) == 0  # not theirs
    notify.mark_read(session, org.agent)
    assert notify.unread_count(session, org.agent) == 0


async def test_notify_changes_reach_only_their_user():
    loop = asyncio.get_running_loop()
    sub_b = live.Subscriber(1, 10, True, loop=loop)  # a broker's tab
    sub_a = live.Subscriber(1, 11, False, loop=loop)
    c = live.Change(1, 11, "notify")
    assert live.may_see(sub_a, c) and not live.may_see(sub_b, c)


def test_reply_from_a_lead_tells_its_agent(session, org, make_lead):
    lead = make_lead(org.agent, first_name="Rita")
    notify.lead_reply(session, lead, "Re: the house", "Can we see it Sunday?")
    session.commit()
    n = session.exec(select(Notification).where(col(Notification.kind) == "reply")).one()
    assert (n.user_id, n.title, n.lead_id) == (org.agent.id, "Rita replied: Re: the house", lead.id)


def test_reminder_for_a_signed_out_user_once(session, org, make_lead):
    from leadapp.models import Task
    from leadapp.services import reminder_notices

    lead = make_lead(org.agent)
    now = utcnow()
    t = Task(
        brokerage_id=org.brokerage.id,
        owner_id=org.agent.id,
        lead_id=lead.id,
        kind="call",
        title="Call back",
        due_at=now + timedelta(minutes=10),
    )
    session.add(t)
    session.commit()
    # the reminder time (15 min before) passed more than a minute ago and no tab took it
    assert reminder_notices.send_due(session, now) == 1
    session.commit()
    assert reminder_notices.send_due(session, now + timedelta(minutes=1)) == 0  # once
    n = session.exec(select(Notification).where(col(Notification.kind) == "reminder")).one()
    assert (n.user_id, n.lead_id, n.title) == (org.agent.id, lead.id, "Call in 10 min: Call back")


def test_a_batch_of_alerts_costs_the_same_statements_as_one(engine, session, org, make_lead):
    leads = [make_lead(org.agent if i % 2 else org.agent2, email=f"b{i}@x.test") for i in range(30)]
    notify.set_preference(session, org.agent, "hot_lead", True)
    session.commit()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()[:3]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        events(session, org, [{"kind": "info_request", "email": lead.email} for lead in leads])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(alerts_of(session, org.agent.id)) == 15
    assert len(alerts_of(session, org.agent2.id)) == 15
    assert seen.count("INSERT INTO notification") == 1
    assert sum(1 for s in seen if "notification_pref" in s or s.startswith("SELECT app_user")) <= 2
    mails = session.exec(
        select(OutgoingEmail).where(col(OutgoingEmail.to_address) == org.agent.email)
    ).all()
    assert len(mails) == 15  # the agent who chose e-mail for hot leads gets each of theirs
