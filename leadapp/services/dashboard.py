"""The dashboard's panels (D1-D8; D9 is services/tasks.todays_agenda).

Every panel is `fn(session, user, agent_id=None, ...)`: an agent always sees their own
leads (agent_id is ignored); a broker sees the whole brokerage, or one agent's leads when
agent_id names a user of the brokerage. Leads with status Deleted are left out everywhere,
as in the lead list's default view, so each number here is the count the linked lead list
shows.

Where the numbers come from (fast at a million leads / ten million activities):
- D2 `lead_activity_day`, D3 D5 D6 and "new leads not contacted" `lead_rollup`, D8
  `activity_monthly`: summary tables kept exact in the writing transactions
  (services/rollups/), read a few hundred rows at most;
- D4 "what you did" `history_day` (per user and UTC day) plus the history of the window's
  first, partial day; "3-star leads not contacted" the rating buckets (services/rating.py)
  less the leads contacted lately (Lead.last_contacted_at, indexed);
- D1 the (brokerage, time) activity index, keyset-paged; D7 the birthday/anniversary
  (month*100+day) indexes; overdue tasks the (brokerage|owner, open, due) task indexes.

Days: "today" and the next seven days follow the user's time zone (D4 birthdays, D7);
"activity in the last 30 days" (D2) counts leads whose last activity fell on one of the
last 30 UTC days (today included) — the granularity of its summary table; months (D8) are
UTC calendar months.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import (
    Activity,
    ActivityMonthly,
    HistoryDay,
    HistoryEntry,
    Lead,
    LeadActivityDay,
    LeadRollup,
    Task,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import ACTIVITY_KINDS, STAGES
from leadapp.models.timefmt import relative_label, user_zone

from . import access, people, rating, rollups
from .access import Scope
from .access import dashboard_scope as scope
from .errors import ValidationFailed
from .tasks import overdue_count

FEED_PAGE = 20
FEED_MAX_PAGE = 50
UPCOMING_DAYS = 7
UPCOMING_LIMIT = 50
ACTIVE_DAYS = 30
ACTION_DAYS = 7
IDLE_DAYS_3STAR = 7
FUNNEL = ("uncontacted", "attempted_contact", "nurturing", "under_contract", "closed")
# D8 series: which activity kinds each bar chart counts.
SERIES = {
    "actions": ("Lead actions", tuple(ACTIVITY_KINDS)),
    "views": ("Viewed listings", ("listing_view",)),
    "searches": ("Site searches", ("search", "saved_search")),
}
# D4 "what you did": history kinds shown, in order.
ACTION_KINDS = (
    ("note", "Notes"),
    ("call", "Calls"),
    ("quick_event", "Quick events"),
    ("message", "Messages"),
    ("task_done", "Tasks completed"),
    ("stage", "Stage changes"),
)


# ---------------------------------------------------------------- scope


def leads_url(sc: Scope, **params) -> str:
    """A /leads link on the lead-list URL contract, narrowed to the scope's agent."""
    q = sc.list_params() | {k: str(v) for k, v in params.items() if v not in (None, "")}
    return "/leads" + ("?" + urlencode(q, safe=",") if q else "")


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


lead_name = people.name_or_email


def _local_time(ts: datetime, user: User, now: datetime) -> str:
    return relative_label(ts, user_zone(user), now)


def _unindexed(session: Session, col):
    """`col` as SQLite's "+col": the same value, but the planner will not pick an index for it."""
    if session.get_bind().dialect.name != "sqlite":
        return col
    return sa.literal_column(f"+{col.table.name}.{col.name}", type_=col.type)


def _small_share(session: Session, sc: Scope) -> bool:
    """Whether the scope's agent holds under 5% of the brokerage's leads (from the roll-up)."""
    rows = dict(
        session.execute(
            select(LeadRollup.agent_key == sc.agent_id, sa.func.sum(LeadRollup.count))
            .where(LeadRollup.brokerage_id == sc.brokerage_id)
            .group_by(LeadRollup.agent_key == sc.agent_id)
        ).all()
    )
    mine, total = int(rows.get(True) or 0), int(rows.get(True) or 0) + int(rows.get(False) or 0)
    return mine * 20 < total


def _total_leads(session: Session, sc: Scope) -> int:
    return int(
        session.exec(
            select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(
                sc.rollup_clause(LeadRollup), LeadRollup.status != "deleted"
            )
        ).one()
    )


# ---------------------------------------------------------------- D1 activity feed


def parse_cursor(cursor) -> tuple[datetime, int] | None:
    """A feed cursor "<epoch microseconds>:<activity id>" (the last row shown), or None."""
    if cursor in (None, ""):
        return None
    try:
        us, aid = str(cursor)[:40].split(":")
        return datetime.fromtimestamp(int(us) / 1e6, UTC), int(aid)
    except (ValueError, OverflowError, OSError):
        raise ValidationFailed(
            {"cursor": "That page of the feed does not exist; reload the dashboard."}
        ) from None


def _cursor_of(ts: datetime, aid: int) -> str:
    ts = as_utc(ts)
    return f"{int(round(ts.timestamp() * 1e6))}:{aid}"


def activity_feed(
    session: Session,
    user: User,
    agent_id=None,
    kind: str = "",
    cursor=None,
    limit: int = FEED_PAGE,
    now: datetime | None = None,
) -> dict:
    """D1: the latest website activity of the scope's leads, newest first.

    kind: "" = every kind, else one of ACTIVITY_KINDS. cursor: the "next" value of the
    previous page. Returns {"rows": [...], "next": cursor or "", "kind": kind}.
    """
    sc = scope(session, user, agent_id)
    if kind not in ("", None) and kind not in ACTIVITY_KINDS:
        raise ValidationFailed({"kind": f"'{str(kind)[:40]}' is not an activity kind."})
    try:
        limit = max(1, min(int(limit), FEED_MAX_PAGE))
    except (TypeError, ValueError):
        limit = FEED_PAGE
    now = as_utc(now or utcnow())
    after = parse_cursor(cursor)
    cols = (
        Activity.id,
        Activity.kind,
        Activity.occurred_at,
        Activity.mls_number,
        Activity.details,
        Activity.lead_id,
    )
    if sc.agent_id is not None and _small_share(session, sc):
        # An agent with few of the brokerage's leads: start from their leads and read their
        # activity through the (lead, time) index ("+" keeps SQLite off the brokerage time
        # index for the ORDER BY; same order, same keyset).
        order = (
            _unindexed(session, Activity.occurred_at).desc(),
            _unindexed(session, Activity.id).desc(),
        )
        q = (
            select(*cols)
            .join(Lead, Lead.id == Activity.lead_id)
            .where(Activity.brokerage_id == sc.brokerage_id, sc.lead_clause())
        )
    else:
        # Walk the brokerage's timeline newest first and keep the rows of visible leads: a
        # correlated EXISTS stops after `limit` rows (a join would first build a filter
        # over every lead).
        order = (Activity.occurred_at.desc(), Activity.id.desc())
        visible = (
            select(Lead.id).where(Lead.id == Activity.lead_id, sc.lead_clause()).correlate(Activity)
        )
        q = select(*cols).where(Activity.brokerage_id == sc.brokerage_id, visible.exists())
    q = q.order_by(*order).limit(limit + 1)
    if kind:
        q = q.where(Activity.kind == kind)
    if after is not None:
        ts, aid = after
        q = q.where(
            sa.or_(
                Activity.occurred_at < ts, sa.and_(Activity.occurred_at == ts, Activity.id < aid)
            )
        )
    rows = session.execute(q).all()
    more = len(rows) > limit
    rows = rows[:limit]
    names = (
        {
            i: lead_name(f, last, e)
            for i, f, last, e in session.execute(
                select(Lead.id, Lead.first_name, Lead.last_name, Lead.email).where(
                    Lead.id.in_({r.lead_id for r in rows})
                )
            )
        }
        if rows
        else {}
    )
    out = []
    for r in rows:
        what = ACTIVITY_KINDS.get(r.kind, r.kind)
        detail = f"MLS {r.mls_number}" if r.mls_number else (r.details or "")[:120]
        out.append(
            {
                "id": r.id,
                "kind": r.kind,
                "kind_label": what,
                "lead_id": r.lead_id,
                "lead_name": names.get(r.lead_id, ""),
                "detail": detail,
                "when": _local_time(r.occurred_at, user, now),
                "at": as_utc(r.occurred_at).isoformat(),
            }
        )
    nxt = _cursor_of(rows[-1].occurred_at, rows[-1].id) if more and rows else ""
    return {"rows": out, "next": nxt, "kind": kind or ""}


# ---------------------------------------------------------------- D2, D3


def activity_share(
    session: Session, user: User, agent_id=None, now: datetime | None = None
) -> dict:
    """D2: share of the scope's leads with website activity in the last 30 days."""
    sc = scope(session, user, agent_id)
    now = as_utc(now or utcnow())
    since = now.astimezone(UTC).date() - timedelta(days=ACTIVE_DAYS - 1)
    active = int(
        session.exec(
            select(sa.func.coalesce(sa.func.sum(LeadActivityDay.count), 0)).where(
                sc.rollup_clause(LeadActivityDay),
                LeadActivityDay.status != "deleted",
                LeadActivityDay.day >= since,
            )
        ).one()
    )
    total = _total_leads(session, sc)
    return {"part": active, "total": total, "pct": _pct(active, total), "days": ACTIVE_DAYS}


def subscribed_share(session: Session, user: User, agent_id=None) -> dict:
    """D3: share of the scope's leads with at least one active subscription."""
    sc = scope(session, user, agent_id)
    rows = session.execute(
        select(LeadRollup.subscribed, sa.func.sum(LeadRollup.count))
        .where(sc.rollup_clause(LeadRollup), LeadRollup.status != "deleted")
        .group_by(LeadRollup.subscribed)
    ).all()
    by = {bool(s): int(n or 0) for s, n in rows}
    total = by.get(True, 0) + by.get(False, 0)
    return {
        "part": by.get(True, 0),
        "total": total,
        "pct": _pct(by.get(True, 0), total),
        "url": leads_url(sc, subscribed="yes"),
    }


# ---------------------------------------------------------------- D4 action center


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
        .where(Task.brokerage_id == sc.brokerage_id, Task.completed_at >= since)
    )
    if sc.agent_id is not None:
        tq = (
            select(sa.func.count())
            .select_from(Task)
            .where(Task.owner_id == sc.agent_id, Task.completed_at >= since)
        )
    counts["task_done"] = int(session.exec(tq).one())
    done = [{"kind": k, "label": label, "count": counts[k]} for k, label in ACTION_KINDS]

    # suggestions for today
    new_uncontacted = int(
        session.exec(
            select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(
                sc.rollup_clause(LeadRollup),
                LeadRollup.status == "new",
                LeadRollup.stage == "uncontacted",
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
            .where(sc.lead_clause(), Lead.birthday_md.in_(_mds([today])))
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
    first_day = rollups.utc_day(since) + timedelta(days=1)
    edge_end = datetime.combine(first_day, time(0), UTC)
    q = (
        select(HistoryDay.kind, sa.func.sum(HistoryDay.count))
        .where(HistoryDay.brokerage_id == sc.brokerage_id, HistoryDay.day >= first_day)
        .group_by(HistoryDay.kind)
    )
    e = (
        select(HistoryEntry.kind, HistoryEntry.field, sa.func.count())
        .where(
            HistoryEntry.created_at >= since,
            HistoryEntry.created_at < edge_end,
            HistoryEntry.kind.in_((*rollups.DONE_KINDS, "audit")),
        )
        .group_by(HistoryEntry.kind, HistoryEntry.field)
    )
    if sc.agent_id is not None:  # scope() checked the agent is of this brokerage
        q = q.where(HistoryDay.actor_id == sc.agent_id)
        e = e.where(HistoryEntry.actor_id == sc.agent_id)
    else:
        e = e.where(
            HistoryEntry.brokerage_id == sc.brokerage_id, HistoryEntry.actor_id.is_not(None)
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
    three_star = (Lead.rating_score >= high, Lead.last_activity_at >= window)
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
                Lead.last_contacted_at >= now - timedelta(days=IDLE_DAYS_3STAR),
            )
        ).one()
    )
    return total - contacted


def _overdue_tasks(session: Session, sc: Scope, now: datetime) -> tuple[int, str]:
    if sc.agent_id is not None:  # scope() checked the agent is of this brokerage
        whose = Task.owner_id == sc.agent_id
        url = "/todo" if sc.agent_id == sc.user.id else f"/todo?agent={sc.agent_id}"
    else:
        whose, url = Task.brokerage_id == sc.brokerage_id, "/todo?agent=all"
    return overdue_count(session, now, whose), url


# ---------------------------------------------------------------- D5, D6


def funnel(session: Session, user: User, agent_id=None, now: datetime | None = None) -> dict:
    """D5: leads per pipeline stage; Closed counts leads closed this calendar year; Dead is left
    out.

    Shares are of the funnel's total. Each stage links to the lead list filtered to it.
    """
    sc = scope(session, user, agent_id)
    now = as_utc(now or utcnow())
    year = now.year
    rows = session.execute(
        select(LeadRollup.stage, LeadRollup.closed_year, sa.func.sum(LeadRollup.count))
        .where(
            sc.rollup_clause(LeadRollup),
            LeadRollup.status != "deleted",
            LeadRollup.stage.in_(FUNNEL),
        )
        .group_by(LeadRollup.stage, LeadRollup.closed_year)
    ).all()
    counts = {s: 0 for s in FUNNEL}
    for stage, cy, n in rows:
        if stage == "closed" and int(cy) != year:
            continue
        counts[stage] += int(n or 0)
    total = sum(counts.values())
    stages = []
    for s in FUNNEL:
        label = f"Closed ({year})" if s == "closed" else STAGES[s]
        url = leads_url(sc, stage=s, closed_year=year) if s == "closed" else leads_url(sc, stage=s)
        stages.append(
            {
                "stage": s,
                "label": label,
                "count": counts[s],
                "pct": _pct(counts[s], total),
                "url": url,
            }
        )
    return {"stages": stages, "total": total, "year": year}


def sources(session: Session, user: User, agent_id=None, top: int = 9) -> dict:
    """D6: leads by source (largest first; beyond `top`, the rest are summed as "Other")."""
    sc = scope(session, user, agent_id)
    rows = session.execute(
        select(LeadRollup.source, sa.func.sum(LeadRollup.count))
        .where(sc.rollup_clause(LeadRollup), LeadRollup.status != "deleted")
        .group_by(LeadRollup.source)
    ).all()
    counts = sorted(((src or "", int(n or 0)) for src, n in rows if n), key=lambda r: (-r[1], r[0]))
    total = sum(n for _, n in counts)
    if len(counts) == top + 1:
        top += 1  # one more slice beats an "Other" of one
    out = [
        {
            "source": src,
            "label": src or "(no source)",
            "count": n,
            "pct": _pct(n, total),
            "url": leads_url(sc, source=src) if src else "",
        }
        for src, n in counts[:top]
    ]
    rest = counts[top:]
    if rest:
        n = sum(c for _, c in rest)
        out.append(
            {
                "source": "",
                "label": f"Other ({len(rest)} sources)",
                "count": n,
                "pct": _pct(n, total),
                "url": "",
            }
        )
    return {"sources": out, "total": total}


# ---------------------------------------------------------------- D7 upcoming dates


def _mds(days: list[date]) -> list[int]:
    mds = {d.month * 100 + d.day for d in days}
    for d in days:  # Feb 29 birthdays are celebrated on Feb 28 in other years
        if d.month == 2 and d.day == 28 and not calendar.isleap(d.year):
            mds.add(229)
    return sorted(mds)


def _next_on(md: int, days: list[date]) -> date:
    for d in days:
        if d.month * 100 + d.day == md or (
            md == 229 and d.month == 2 and d.day == 28 and not calendar.isleap(d.year)
        ):
            return d
    return days[0]


def _md_ranges(days: list[date]) -> list[tuple[int, int]]:
    """Consecutive days as ranges of month*100+day, in day order: one range, or two when
    the days pass Dec 31. A range holds the same leads as the list of its days (no lead has
    an impossible day such as 1132), Feb 29 included where _mds adds it."""
    runs: list[list[date]] = []
    for d in days:
        if runs and d.month * 100 + d.day < runs[-1][-1].month * 100 + runs[-1][-1].day:
            runs.append([d])
        elif runs:
            runs[-1].append(d)
        else:
            runs.append([d])
    out = []
    for run in runs:
        mds = _mds(run)
        out.append((mds[0], mds[-1]))
    return out


def _dates_on(
    session: Session, sc: Scope, days: list[date], col, limit: int = UPCOMING_LIMIT + 1
) -> list[dict]:
    # A range, not IN (...): PostgreSQL then walks the (brokerage_id, <md>, ...) index in
    # order and stops at the limit; with IN it read the brokerage's whole index in md order.
    rows: list = []
    for lo, hi in _md_ranges(days):
        if len(rows) >= limit:
            break
        rows += session.execute(
            select(Lead.id, Lead.first_name, Lead.last_name, Lead.email, col)
            .where(sc.lead_clause(), col >= lo, col <= hi)
            .order_by(col, Lead.id)
            .limit(limit - len(rows))
        ).all()
    return [{"lead_id": r[0], "lead_name": lead_name(r[1], r[2], r[3]), "md": r[4]} for r in rows]


def upcoming_dates(
    session: Session, user: User, agent_id=None, now: datetime | None = None
) -> dict:
    """D7: birthdays and transaction anniversaries in the next 7 days (today first)."""
    sc = scope(session, user, agent_id)
    now = as_utc(now or utcnow())
    today = now.astimezone(user_zone(user)).date()
    days = [today + timedelta(days=i) for i in range(UPCOMING_DAYS)]
    items = []
    more = False
    for what, col, _src in (
        ("Birthday", Lead.birthday_md, Lead.birthday),
        ("Anniversary", Lead.anniversary_md, Lead.anniversary),
    ):
        rows = _dates_on(session, sc, days, col)
        if len(rows) > UPCOMING_LIMIT:
            more, rows = True, rows[:UPCOMING_LIMIT]
        for r in rows:
            d = _next_on(r["md"], days)
            delta = (d - today).days
            items.append(
                {
                    "lead_id": r["lead_id"],
                    "lead_name": r["lead_name"],
                    "what": what,
                    "date": d.isoformat(),
                    "sort": f"{delta:02d}{what}{r['lead_name']}",
                    "when": "Today"
                    if delta == 0
                    else (
                        "Tomorrow"
                        if delta == 1
                        else f"{d.strftime('%a')} {d.strftime('%b')} {d.day}"
                    ),
                }
            )
    items.sort(key=lambda i: i["sort"])
    return {"items": items[:UPCOMING_LIMIT], "more": more or len(items) > UPCOMING_LIMIT}


# ---------------------------------------------------------------- D8 past 12 months


def months_back(now: datetime, n: int = 12) -> list[date]:
    m = date(now.year, now.month, 1)
    out = []
    for _ in range(n):
        out.append(m)
        m = (m - timedelta(days=1)).replace(day=1)
    return out[::-1]


def past_months(
    session: Session,
    user: User,
    agent_id=None,
    series: str = "actions",
    now: datetime | None = None,
) -> dict:
    """D8: activities per month for the last 12 months (this month included, UTC months)."""
    sc = scope(session, user, agent_id)
    if series not in SERIES:
        raise ValidationFailed({"series": f"Choose one of: {', '.join(SERIES)}."})
    now = as_utc(now or utcnow()).astimezone(UTC)
    months = months_back(now)
    label, kinds = SERIES[series]
    rows = session.execute(
        select(ActivityMonthly.month, sa.func.sum(ActivityMonthly.count))
        .where(
            sc.rollup_clause(ActivityMonthly),
            ActivityMonthly.month >= months[0],
            ActivityMonthly.kind.in_(kinds),
        )
        .group_by(ActivityMonthly.month)
    ).all()
    by = {
        (m if isinstance(m, date) else date.fromisoformat(str(m)[:10])): int(n or 0)
        for m, n in rows
    }
    return {
        "series": series,
        "label": label,
        "months": [
            {"month": m.isoformat(), "label": m.strftime("%b %Y"), "count": by.get(m, 0)}
            for m in months
        ],
        "total": sum(by.get(m, 0) for m in months),
    }


# ---------------------------------------------------------------- the whole dashboard


def agents(session: Session, user: User) -> list[dict]:
    """The broker's agent selector: active users of the brokerage ([] for agents)."""
    if not access.is_broker(user):
        return []
    return [{"id": u.id, "name": u.name} for u in people.active_users(session, user.brokerage_id)]


def load(
    session: Session,
    user: User,
    agent_id=None,
    series: str = "actions",
    kind: str = "",
    now: datetime | None = None,
    agenda: bool = True,
) -> dict:
    """Every panel at once (what the dashboard shows on load and after a live change).

    agenda=False leaves out D9 (the page's AgendaState reads it itself)."""
    from . import tasks

    now = as_utc(now or utcnow())
    sc = scope(session, user, agent_id)
    aid = sc.agent_id if access.is_broker(user) else None
    return {
        "agent_id": sc.agent_id if access.is_broker(user) and sc.agent_id is not None else None,
        "feed": activity_feed(session, user, aid, kind, now=now),
        "active": activity_share(session, user, aid, now=now),
        "subscribed": subscribed_share(session, user, aid),
        "actions": action_center(session, user, aid, now=now),
        "funnel": funnel(session, user, aid, now=now),
        "sources": sources(session, user, aid),
        "upcoming": upcoming_dates(session, user, aid, now=now),
        "months": past_months(session, user, aid, series, now=now),
        "agenda": tasks.todays_agenda(session, user, now, aid) if agenda else None,
        "agents": agents(session, user),
    }
