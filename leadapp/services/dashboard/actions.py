"""D4: the Action Center, what was done for the scope's leads in the last 7 days and the
suggestions for today.

"What you did" comes from `history_day` (per user and UTC day) plus the history of the
window's first, partial day; "3-star leads not contacted" from the rating buckets
(services/rating.py) less the leads contacted lately (Lead.last_contacted_at, indexed);
overdue tasks from the (brokerage|owner, open, due) task indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import HistoryDay, HistoryEntry, Lead, LeadRollup, Task, User, as_utc, utcnow
from leadapp.models.timefmt import user_zone
from leadapp.services import rating, rollups
from leadapp.services.access import Scope
from leadapp.services.access import dashboard_scope as scope
from leadapp.services.tasks import overdue_count

from .common import _unindexed, leads_url
from .dates import _dates_on, _mds

ACTION_DAYS = 7
IDLE_DAYS_3STAR = 7

# D4 "what you did": history kinds shown, in order.
ACTION_KINDS = (
    ("note", "Notes"),
    ("call", "Calls"),
    ("quick_event", "Quick events"),
    ("message", "Messages"),
    ("task_done", "Tasks completed"),
    ("stage", "Stage changes"),
)


def action_center(session: Session, user: User, agent_id=None, now: datetime | None = None) -> dict:
    """D4: what was done for the scope's leads in the last 7 days, and suggestions for today.

    "Done": notes, calls, quick events, messages and stage changes written by a user — the
    agent's own (agents, or a broker narrowed to one agent) or the whole team's (a broker's
    brokerage view) — and tasks completed (the agent's own tasks, or the brokerage's).
    Suggestions, each with a count and the link listing exactly those leads or tasks.
    """
    sc = scope(session, user, agent_id)
    now = as_utc(now or utcnow())
    since = now - timedelta(days=ACTION_DAYS)
    counts = {k: 0 for k, _ in ACTION_KINDS}
    for kind, n in done_counts(session, sc, since):
        counts[kind] += n
    # tasks completed (with or without a lead) by their owner
    tq = (
        select(sa.func.count())
        .select_from(Task)
        .where(col(Task.brokerage_id) == sc.brokerage_id, col(Task.completed_at) >= since)
    )
    if sc.agent_id is not None:
        tq = (
            select(sa.func.count())
            .select_from(Task)
            .where(col(Task.owner_id) == sc.agent_id, col(Task.completed_at) >= since)
        )
    counts["task_done"] = int(session.exec(tq).one())
    done = [{"kind": k, "label": label, "count": counts[k]} for k, label in ACTION_KINDS]

    # suggestions for today
    new_uncontacted = int(
        session.exec(
            select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(
                sc.rollup_clause(LeadRollup),
                col(LeadRollup.status) == "new",
                col(LeadRollup.stage) == "uncontacted",
            )
        ).one()
    )
    hot_idle = three_star_not_contacted(session, sc, now)
    overdue, overdue_url = _overdue_tasks(session, sc, now)
    today = now.astimezone(user_zone(user)).date()
    n_bdays = int(
        session.exec(
            select(sa.func.count())
            .select_from(Lead)
            .where(sc.lead_clause(), col(Lead.birthday_md).in_(_mds([today])))
        ).one()
    )
    bdays = _dates_on(session, sc, [today], Lead.birthday_md, limit=1) if n_bdays == 1 else []
    suggestions = [
        {
            "key": "new",
            "label": "New leads not yet contacted",
            "count": new_uncontacted,
            "url": leads_url(sc, status="new", stage="uncontacted"),
        },
        {
            "key": "hot",
            "label": f"3-star leads not contacted in {IDLE_DAYS_3STAR} days",
            "count": hot_idle,
            "url": leads_url(sc, rating="3", idle=IDLE_DAYS_3STAR),
        },
        {"key": "overdue", "label": "Overdue tasks", "count": overdue, "url": overdue_url},
        {
            "key": "birthdays",
            "label": "Birthdays today",
            "count": n_bdays,
            "url": f"/leads/{bdays[0]['lead_id']}" if n_bdays == 1 else "/#upcoming-dates",
        },
    ]
    return {
        "done": done,
        "done_total": sum(counts.values()),
        "days": ACTION_DAYS,
        "suggestions": suggestions,
    }


def done_counts(session: Session, sc: Scope, since: datetime) -> list[tuple[str, int]]:
    """D4 "what you did" since `since`: (kind, count) pairs, kinds as rollups.done_kind.

    Whole UTC days come from the HistoryDay roll-up; the part of `since`'s own day that
    falls inside the window is counted in the history itself (the covering indexes), so
    the window is exactly the last 7 x 24 hours.
    """
    since_day = rollups.utc_day(since)
    assert since_day is not None  # since is a datetime
    first_day = since_day + timedelta(days=1)
    edge_end = datetime.combine(first_day, time(0), UTC)
    q = (
        select(HistoryDay.kind, sa.func.sum(HistoryDay.count))
        .where(col(HistoryDay.brokerage_id) == sc.brokerage_id, col(HistoryDay.day) >= first_day)
        .group_by(HistoryDay.kind)
    )
    e = (
        select(HistoryEntry.kind, HistoryEntry.field, sa.func.count())
        .where(
            col(HistoryEntry.created_at) >= since,
            col(HistoryEntry.created_at) < edge_end,
            col(HistoryEntry.kind).in_((*rollups.DONE_KINDS, "audit")),
        )
        .group_by(col(HistoryEntry.kind), col(HistoryEntry.field))
    )
    if sc.agent_id is not None:  # scope() checked the agent is of this brokerage
        q = q.where(col(HistoryDay.actor_id) == sc.agent_id)
        e = e.where(col(HistoryEntry.actor_id) == sc.agent_id)
    else:
        e = e.where(
            col(HistoryEntry.brokerage_id) == sc.brokerage_id,
            col(HistoryEntry.actor_id).is_not(None),
        )
    out = [(kind, int(n or 0)) for kind, n in session.execute(q)]
    for kind, field, n in session.execute(e):
        what = rollups.done_kind(kind, field)
        if what:
            out.append((what, int(n)))
    return out


def three_star_not_contacted(session: Session, sc: Scope, now: datetime) -> int:
    """Leads with 3 stars (services/rating.py) and no call, quick event or message in 7 days.

    All 3-star leads of the scope (the whole brokerage's from the rating buckets; one
    agent's through the (agent, score) index) less those contacted in the last 7 days
    (the few leads whose last contact is that recent, through the last-contact indexes).
    """
    cutoff = rating.get_cutoff(session, sc.brokerage_id)
    if cutoff is None:
        return 0
    high = max(cutoff.high, 1e-300)  # 3 stars needs a positive score
    window = now - rating.WINDOW
    three_star = (col(Lead.rating_score) >= high, col(Lead.last_activity_at) >= window)
    if sc.agent_id is None:
        total = rating.count_at_least(session, cutoff, high, now)
    else:
        total = int(
            session.exec(
                select(sa.func.count()).select_from(Lead).where(sc.lead_clause(), *three_star)
            ).one()
        )
    # the planner cannot know that few leads were contacted lately: keep it on that index
    contacted = int(
        session.exec(
            select(sa.func.count())
            .select_from(Lead)
            .where(
                sc.lead_clause(),
                _unindexed(session, Lead.rating_score) >= high,
                _unindexed(session, Lead.last_activity_at) >= window,
                col(Lead.last_contacted_at) >= now - timedelta(days=IDLE_DAYS_3STAR),
            )
        ).one()
    )
    return total - contacted


def _overdue_tasks(session: Session, sc: Scope, now: datetime) -> tuple[int, str]:
    if sc.agent_id is not None:  # scope() checked the agent is of this brokerage
        whose = col(Task.owner_id) == sc.agent_id
        url = "/todo" if sc.agent_id == sc.user.id else f"/todo?agent={sc.agent_id}"
    else:
        whose, url = col(Task.brokerage_id) == sc.brokerage_id, "/todo?agent=all"
    return overdue_count(session, now, whose), url
