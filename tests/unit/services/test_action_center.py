"""Counts from summaries equal the same numbers counted the slow way: the D4 Action Center, and
the lead list's rating counts (rating buckets).

"What you did in the last 7 days" (HistoryDay + the window's partial first day) and
"3-star leads not contacted in 7 days" (rating buckets - leads contacted lately), for the
team and one agent, at several moments — and the latter is what the linked lead list counts.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import HistoryEntry, Lead, as_utc, utcnow
from leadapp.models.enums import CONTACT_KINDS
from leadapp.services import activity as act_svc
from leadapp.services import dashboard as dash
from leadapp.services import history, lead_bulk, lead_page, rating, rollups
from leadapp.services import lead_query as lq
from leadapp.services import leads as lead_svc
from leadapp.services.lead_query import plan as lq_plan


def _done_by_hand(session, org, agent_id, now) -> dict[str, int]:
    since = now - timedelta(days=dash.ACTION_DAYS)
    out: dict[str, int] = {}
    for kind, field, actor, at in session.execute(
        select(
            col(HistoryEntry.kind),
            col(HistoryEntry.field),
            col(HistoryEntry.actor_id),
            col(HistoryEntry.created_at),
        )
    ):
        what = "stage" if kind == "audit" and field == "stage" else kind
        if (
            what not in ("note", "call", "quick_event", "message", "stage")
            or actor is None
            or as_utc(at) < since
        ):
            continue
        if agent_id is not None and actor != agent_id:
            continue
        out[what] = out.get(what, 0) + 1
    return out


def test_done_counts_equal_the_history_over_any_window(session, org, make_lead):
    rnd = random.Random(7)
    now = utcnow()
    leads = [make_lead(rnd.choice([org.agent, org.agent2])) for _ in range(8)]
    users = [org.broker, org.agent, org.agent2, None]
    for _ in range(120):
        lead = rnd.choice(leads)
        at = now - timedelta(hours=rnd.uniform(0, 24 * 10))
        kind = rnd.choice(["note", "call", "quick_event", "message", "task", "audit"])
        extra = {"field": rnd.choice(["stage", "status"])} if kind == "audit" else {}
        history.add_entry(session, lead, rnd.choice(users), kind, title="x", created_at=at, **extra)
    session.commit()
    # a bulk stage change (one statement of audit rows) and an undone quick event
    lead_bulk.apply(session, org.broker, [leads[0].id, leads[1].id], "stage", "nurturing")
    lead = session.get(Lead, leads[2].id)
    if lead.assigned_agent_id == org.agent.id:
        qe = lead_page.quick_event(session, org.agent, lead.id, "Left Voicemail")
        lead_page.undo_quick_event(session, org.agent, lead.id, qe["id"])
    session.commit()
    assert rollups.check(session, org.brokerage.id) == []
    for offset in (
        timedelta(0),
        timedelta(hours=-13),
        timedelta(hours=5),
        timedelta(days=-3, hours=7),
    ):
        at = now + offset
        for user, agent_id in ((org.broker, None), (org.broker, org.agent.id), (org.agent2, None)):
            sc = dash.scope(session, user, agent_id)
            got: dict[str, int] = {}
            for kind, n in dash.done_counts(session, sc, at - timedelta(days=dash.ACTION_DAYS)):
                got[kind] = got.get(kind, 0) + n
            want = _done_by_hand(session, org, sc.agent_id, at)
            assert {k: v for k, v in got.items() if v} == want, (offset, user.role, agent_id)


def _three_star_idle_by_hand(session, org, agent_id, now) -> set[int]:
    session.expire_all()
    cutoff = rating.get_cutoff(session, org.brokerage.id)
    since = now - timedelta(days=dash.IDLE_DAYS_3STAR)
    contacted = {
        lid
        for lid, at in session.execute(
            select(col(HistoryEntry.lead_id), col(HistoryEntry.created_at)).where(
                col(HistoryEntry.kind).in_(CONTACT_KINDS)
            )
        )
        if as_utc(at) >= since
    }
    out = set()
    for lead in session.exec(
        select(Lead).where(
            col(Lead.brokerage_id) == org.brokerage.id, col(Lead.status) != "deleted"
        )
    ):
        if agent_id is not None and lead.assigned_agent_id != agent_id:
            continue
        if (
            rating.stars(lead.rating_score, lead.last_activity_at, cutoff, now) == 3
            and lead.id not in contacted
        ):
            out.add(lead.id)
    return out


def _rated_brokerage(session, org, make_lead):
    """60 leads with varied scores; top-rated ones deleted, some contacted lately, one stale
    (positive score, its activity leaving the window in an hour). Returns (now, stale email)."""
    rnd = random.Random(11)
    now = utcnow()
    agents = [org.agent, org.agent2, None]
    emails = []
    for i in range(60):
        who = rnd.choice(agents)
        emails.append(
            make_lead(who, email=f"s{i}@x.test").email
            if who
            else make_lead(email=f"s{i}@x.test").email
        )
    items = []
    for e in emails:
        for _ in range(rnd.randint(0, 4)):
            ago = timedelta(days=rnd.choice([0, 1, 3, 20, 60]), minutes=rnd.randint(0, 600))
            items.append(
                {
                    "kind": rnd.choice(
                        ["showing_request", "info_request", "listing_view", "search"]
                    ),
                    "email": e,
                    "occurred_at": (now - ago).isoformat(),
                }
            )
    # a top-rated lead whose only activity leaves the six-month window an hour from now: at
    # now + 2h its score is still positive (not yet aged out) but it has 0 stars
    stale = emails[-1]
    items = [i for i in items if i["email"] != stale]
    items += [
        {
            "kind": "info_request",
            "email": stale,
            "occurred_at": (now - rating.WINDOW + timedelta(hours=1)).isoformat(),
        }
    ] * 200
    act_svc.record_events(session, org.brokerage.id, items, now=now)
    session.commit()
    rating.refresh_cutoffs(session, org.brokerage.id, now)
    session.commit()
    by_score = session.exec(
        select(Lead)
        .where(col(Lead.brokerage_id) == org.brokerage.id)
        .order_by(col(Lead.rating_score).desc())
    ).all()
    # top-rated leads deleted (they leave every count), some contacted lately, some long ago
    lead_svc.set_status(session, org.broker, [by_score[0].id, by_score[3].id], "deleted")
    for lead in by_score[1:12:2]:
        history.add_entry(
            session,
            lead,
            org.broker,
            rnd.choice(CONTACT_KINDS),
            title="x",
            created_at=now - timedelta(days=rnd.choice([1, 6, 8, 30])),
        )
    history.add_entry(session, by_score[4], org.broker, "note", title="a note is not a contact")
    session.commit()
    return now, stale


def test_three_star_not_contacted_equals_a_recount_and_the_linked_list(session, org, make_lead):
    now, stale = _rated_brokerage(session, org, make_lead)
    assert (
        rollups.check(session, org.brokerage.id) == []
        and rating.check(session, org.brokerage.id) == []
    )

    for at in (now, now + timedelta(hours=2), now + timedelta(days=2)):
        for user, agent_id in (
            (org.broker, None),
            (org.broker, org.agent.id),
            (org.agent, None),
            (org.agent2, None),
        ):
            sc = dash.scope(session, user, agent_id)
            want = _three_star_idle_by_hand(session, org, sc.agent_id, at)
            assert dash.three_star_not_contacted(session, sc, at) == len(want), (
                at - now,
                user.role,
                agent_id,
            )
            params = {"rating": "3", "idle": "7"} | ({"agent": str(agent_id)} if agent_id else {})
            assert lq.count(session, user, lq.LeadQuery.parse(params), now=at) == len(want)
    assert len(_three_star_idle_by_hand(session, org, None, now)) > 0  # the case is not empty
    stale_lead = session.exec(select(Lead).where(col(Lead.email) == stale)).one()
    cutoff = rating.get_cutoff(session, org.brokerage.id)
    assert cutoff is not None
    assert stale_lead.rating_score >= cutoff.high  # counted by the buckets, left out as stale


def test_last_contact_follows_history_and_check_finds_a_drift(session, org, make_lead):
    lead = make_lead(org.agent)
    assert lead.last_contacted_at is None
    history.add_entry(session, lead, org.agent, "note", title="n")
    assert lead.last_contacted_at is None
    call_at = utcnow() - timedelta(days=2)
    history.add_entry(session, lead, org.agent, "call", title="c", created_at=call_at)
    qe = lead_page.quick_event(session, org.agent, lead.id, "Left Voicemail")
    session.commit()
    assert as_utc(session.get_one(Lead, lead.id).last_contacted_at) > call_at
    lead_page.undo_quick_event(session, org.agent, lead.id, qe["id"])
    session.commit()
    assert as_utc(session.get_one(Lead, lead.id).last_contacted_at) == call_at  # back to the call
    assert rollups.check(session, org.brokerage.id) == []
    session.execute(sa.update(Lead).where(col(Lead.id) == lead.id).values(last_contacted_at=None))
    session.commit()
    problems = rollups.check(session, org.brokerage.id)
    assert len(problems) == 1 and problems[0].startswith(f"last contact of lead {lead.id}")
    rollups.rebuild(session, org.brokerage.id)
    session.commit()
    assert rollups.check(session, org.brokerage.id) == []


def test_lead_list_rating_counts_from_the_buckets_equal_the_direct_count(session, org, make_lead):
    now, _ = _rated_brokerage(session, org, make_lead)
    for at in (now, now + timedelta(hours=2)):
        for ratings in ("3", "2", "1", "0", "3,2", "2,1,0", "3,2,1,0", "3,0"):
            query = lq.LeadQuery.parse({"rating": ratings})
            plan = lq_plan._plan(session, org.broker, query, now=at)
            assert (
                plan.stars_at is not None
            )  # the brokerage-wide rating filter counts from the buckets
            direct = session.exec(
                select(sa.func.count()).select_from(Lead).where(*plan.where)
            ).one()
            assert lq.count(session, org.broker, query, now=at) == direct, (ratings, at - now)
    # any other filter (or an agent's view) counts the leads themselves
    assert (
        lq_plan._plan(
            session, org.broker, lq.LeadQuery.parse({"rating": "3", "type": "buyer"}), now=now
        ).stars_at
        is None
    )
    assert (
        lq_plan._plan(
            session, org.broker, lq.LeadQuery.parse({"rating": "3", "status": "deleted"}), now=now
        ).stars_at
        is None
    )
    assert (
        lq_plan._plan(session, org.agent, lq.LeadQuery.parse({"rating": "3"}), now=now).stars_at
        is None
    )
