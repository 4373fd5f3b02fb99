"""Summary tables for the dashboard (D2-D6, D8), kept exact in the writing transaction.

- LeadRollup: leads per agent, status, stage, closed year, source, subscribed (D3, D5, D6);
- LeadActivityDay: leads per agent and status by the UTC day of their last activity (D2);
- ActivityMonthly: activities per lead's agent, month and kind (D8);
- HistoryDay: notes, calls, quick events, messages and stage changes per user and UTC day
  (D4 "what you did"), written by services/history.py;
- Lead.last_contacted_at (not a table, checked here too): the lead's latest contact.

Every write that changes a lead's status, stage, source, agent or subscribed flag goes
through `LeadRollupTracker` (or `lead_created`); every new activity through
`activities_added` (and `last_activity_moved` when it moves a lead's last activity).
`recount()` counts the tables from scratch for `leadapp db check` (and `rebuild()` after a bulk
load).

Each of these also notes a live change (services/live.py) that the open dashboards of the
users allowed to see it receive after the transaction commits (D10).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadapp.models import (
    Activity,
    ActivityMonthly,
    HistoryDay,
    HistoryEntry,
    Lead,
    LeadActivityDay,
    LeadRollup,
)
from leadapp.models.enums import CONTACT_KINDS

from . import live
from .bulk import chunked


def month_start(ts: datetime | date) -> date:
    return date(ts.year, ts.month, 1)


def key_of(
    brokerage_id: int,
    agent_id: int | None,
    status: str,
    stage: str,
    stage_entered_at: datetime | None,
    source: str | None,
    active_subscriptions: int | None,
    lead_type: str | None,
) -> tuple:
    """The roll-up dimensions of a lead's values (lead_key; set-based writers pass Core rows)."""
    closed_year = stage_entered_at.year if stage == "closed" and stage_entered_at else 0
    return (
        brokerage_id,
        agent_id or 0,
        status,
        stage,
        closed_year,
        source or "",
        (active_subscriptions or 0) > 0,
        lead_type or "",
    )


def lead_key(lead: Lead) -> tuple:
    """The roll-up dimensions of a lead: (brokerage, agent, status, stage, closed_year, source,
    subscribed, type).
    """
    return key_of(
        lead.brokerage_id,
        lead.assigned_agent_id,
        lead.status,
        lead.stage,
        lead.stage_entered_at,
        lead.source,
        lead.active_subscriptions,
        lead.lead_type,
    )


_LEAD_COLS = (
    "brokerage_id",
    "agent_key",
    "status",
    "stage",
    "closed_year",
    "source",
    "subscribed",
    "lead_type",
)
_DAY_COLS = ("brokerage_id", "agent_key", "status", "day")
_ACT_COLS = ("brokerage_id", "agent_key", "month", "kind")
_DONE_COLS = ("brokerage_id", "day", "actor_id", "kind")


def utc_day(ts: datetime | None) -> date | None:
    if ts is None:
        return None
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    return ts.date()


def day_key_of(
    brokerage_id: int, agent_id: int | None, status: str, last_activity_at: datetime | None
) -> tuple | None:
    """The D2 dimensions of a lead's values: (brokerage, agent, status, last-activity day), None if
    no
    activity.
    """
    day = utc_day(last_activity_at)
    return None if day is None else (brokerage_id, agent_id or 0, status, day)


def day_key(lead: Lead) -> tuple | None:
    return day_key_of(lead.brokerage_id, lead.assigned_agent_id, lead.status, lead.last_activity_at)


def _upsert_add(session: Session, model, key_cols: tuple, rows: dict[tuple, int]) -> None:
    """count += delta for each key in rows, inserting missing keys (one statement)."""
    rows = {k: v for k, v in rows.items() if v}
    if not rows:
        return
    table = model.__table__
    values = [dict(zip(key_cols, k, strict=False), count=v) for k, v in rows.items()]
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = ins.on_conflict_do_update(
        index_elements=list(key_cols), set_={"count": table.c.count + ins.excluded.count}
    )
    session.execute(stmt, values)


def add_lead_keys(session: Session, deltas: dict[tuple, int]) -> None:
    _upsert_add(session, LeadRollup, _LEAD_COLS, deltas)
    for key, n in deltas.items():
        if n:
            live.note(session, key[0], key[1], "lead")


def add_day_keys(session: Session, deltas: dict[tuple, int]) -> None:
    _upsert_add(session, LeadActivityDay, _DAY_COLS, deltas)


def lead_created(session: Session, leads: Iterable[Lead]) -> None:
    leads = list(leads)
    add_lead_keys(session, Counter(lead_key(lead) for lead in leads))
    add_day_keys(session, Counter(k for k in map(day_key, leads) if k))
    if len(leads) <= 50:
        for lead in leads:
            live.note(session, lead.brokerage_id, lead.assigned_agent_id, "lead", lead.id)


def last_activity_moved(
    session: Session, rows: Iterable[tuple[int, int, str, datetime | None, datetime | None]]
) -> None:
    """D2: leads whose last activity moved: rows of (brokerage_id, agent_key, status, old_last,
    new_last).
    """
    deltas: Counter = Counter()
    for brokerage_id, agent_key, status, old, new in rows:
        od, nd = utc_day(old), utc_day(new)
        if od == nd:
            continue
        if od is not None:
            deltas[(brokerage_id, agent_key or 0, status, od)] -= 1
        if nd is not None:
            deltas[(brokerage_id, agent_key or 0, status, nd)] += 1
    add_day_keys(session, deltas)


class LeadRollupTracker:
    """Snapshot leads' keys before a change; `apply(session)` writes the difference.

        tracker = LeadRollupTracker(leads); ...mutate...; tracker.apply(session)

    When the agent changes, the leads' activity counts move with them.
    """

    def __init__(self, leads: Iterable[Lead]):
        self.leads = list(leads)
        self._snap()

    def _snap(self) -> None:
        self.before = {id(lead): lead_key(lead) for lead in self.leads}
        self.before_day = {id(lead): day_key(lead) for lead in self.leads}

    def apply(self, session: Session) -> None:
        deltas: Counter = Counter()
        days: Counter = Counter()
        moved: list[tuple[int, int, int]] = []  # (lead_id, old_agent, new_agent)
        for lead in self.leads:
            old, new = self.before[id(lead)], lead_key(lead)
            if old != new:
                deltas[old] -= 1
                deltas[new] += 1
                if old[1] != new[1]:
                    moved.append((lead.id, old[1], new[1]))
                for agent in {old[1], new[1]}:
                    live.note(session, lead.brokerage_id, agent, "lead", lead.id)
            od, nd = self.before_day[id(lead)], day_key(lead)
            if od != nd:
                if od:
                    days[od] -= 1
                if nd:
                    days[nd] += 1
        add_lead_keys(session, deltas)
        add_day_keys(session, days)
        if moved:
            move_activity(session, self.leads[0].brokerage_id, moved)
        self._snap()


def _month_text(session: Session, column):
    """'YYYY-MM' of a timestamp column in SQL, as `recount()` computes it."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM")


def _month_of(ym) -> date:
    y, mo = str(ym).split("-")
    return date(int(y), int(mo), 1)


def move_activity(session: Session, brokerage_id: int, moved: list[tuple[int, int, int]]) -> None:
    """D8: leads changed agent — moved = [(lead_id, old_agent_key, new_agent_key)]; their activity
    counts follow.

    Set-based (one GROUP BY per 500 leads): reassigning thousands of leads does not load
    their activities.
    """
    by_lead = {
        lead_id: (old or 0, new or 0) for lead_id, old, new in moved if (old or 0) != (new or 0)
    }
    month = _month_text(session, Activity.occurred_at)
    deltas: Counter = Counter()
    for chunk in chunked(list(by_lead), 500):
        for lead_id, ym, kind, n in session.execute(
            select(Activity.lead_id, month, Activity.kind, sa.func.count())
            .where(col(Activity.lead_id).in_(chunk))
            .group_by(col(Activity.lead_id), month, Activity.kind)
        ):
            old, new = by_lead[lead_id]
            m = _month_of(ym)
            deltas[(brokerage_id, old, m, kind)] -= n
            deltas[(brokerage_id, new, m, kind)] += n
    _upsert_add(session, ActivityMonthly, _ACT_COLS, deltas)


# D4 "what you did": history kinds counted per user and day (a stage change is an audit entry).
DONE_KINDS = ("note", "call", "quick_event", "message")


def done_kind(kind: str, field: str | None) -> str | None:
    """The HistoryDay kind of a history entry, or None when D4 does not count it."""
    if kind in DONE_KINDS:
        return kind
    return "stage" if kind == "audit" and field == "stage" else None


def history_done(
    session: Session,
    brokerage_id: int,
    actor_id: int | None,
    at: datetime,
    kind: str,
    field: str | None = None,
    n: int = 1,
) -> None:
    """D4: n history entries of one kind written by actor_id at `at` (n < 0 when taken back)."""
    what = done_kind(kind, field)
    if actor_id is not None and what is not None and n:
        _upsert_add(
            session, HistoryDay, _DONE_COLS, {(brokerage_id, utc_day(at), actor_id, what): n}
        )


def activities_added(session: Session, rows: Iterable[tuple], sign: int = 1) -> None:
    """Count new activities: rows of (brokerage_id, agent_key, occurred_at, kind[, lead_id])."""
    deltas: Counter = Counter()
    for row in rows:
        brokerage_id, agent_key, occurred, kind = row[:4]
        deltas[(brokerage_id, agent_key or 0, month_start(occurred), kind)] += sign
        live.note(session, brokerage_id, agent_key, "activity", row[4] if len(row) > 4 else None)
    _upsert_add(session, ActivityMonthly, _ACT_COLS, deltas)


def _day_expr(session: Session, col):
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.date(col)
    return sa.cast(sa.func.timezone("UTC", col), sa.Date)


def _as_date(d) -> date:
    return date.fromisoformat(d) if isinstance(d, str) else d


def recount(session: Session, brokerage_id: int) -> dict[str, dict]:
    """Full recount from the lead, activity and history tables, by summary table."""
    closed_year = sa.case(
        (col(Lead.stage) == "closed", sa.extract("year", col(Lead.stage_entered_at))), else_=0
    )
    agent = sa.func.coalesce(Lead.assigned_agent_id, 0)
    subscribed = Lead.active_subscriptions > 0
    dims = (
        agent,
        Lead.status,
        Lead.stage,
        closed_year,
        sa.func.coalesce(Lead.source, ""),
        subscribed,
        sa.func.coalesce(Lead.lead_type, ""),
    )
    leads: Counter = Counter()
    for *key, n in session.execute(
        select(*dims, sa.func.count()).where(Lead.brokerage_id == brokerage_id).group_by(*dims)
    ):
        a, st, sg, cy, src, sub, lt = key
        leads[(brokerage_id, int(a), st, sg, int(cy or 0), src, bool(sub), lt)] += n
    month = _month_text(session, Activity.occurred_at)
    acts: Counter = Counter()
    q = (
        select(sa.func.coalesce(Lead.assigned_agent_id, 0), month, Activity.kind, sa.func.count())
        .join(Lead, col(Lead.id) == Activity.lead_id)
        .where(Activity.brokerage_id == brokerage_id)
        .group_by(sa.func.coalesce(Lead.assigned_agent_id, 0), month, Activity.kind)
    )
    for agent_key, ym, kind, n in session.execute(q):
        acts[(brokerage_id, agent_key, _month_of(ym), kind)] += n
    days: Counter = Counter()
    day = _day_expr(session, Lead.last_activity_at)
    for agent_key, status, d, n in session.execute(
        select(agent, Lead.status, day, sa.func.count())
        .where(Lead.brokerage_id == brokerage_id, col(Lead.last_activity_at).is_not(None))
        .group_by(agent, Lead.status, day)
    ):
        days[(brokerage_id, int(agent_key), status, _as_date(d))] += n
    done: Counter = Counter()
    hday = _day_expr(session, HistoryEntry.created_at)
    for d, actor, kind, field, n in session.execute(
        select(hday, HistoryEntry.actor_id, HistoryEntry.kind, HistoryEntry.field, sa.func.count())
        .where(
            HistoryEntry.brokerage_id == brokerage_id,
            col(HistoryEntry.actor_id).is_not(None),
            sa.or_(
                col(HistoryEntry.kind).in_(DONE_KINDS),
                sa.and_(col(HistoryEntry.kind) == "audit", col(HistoryEntry.field) == "stage"),
            ),
        )
        .group_by(hday, HistoryEntry.actor_id, HistoryEntry.kind, HistoryEntry.field)
    ):
        done[(brokerage_id, _as_date(d), int(actor), done_kind(kind, field))] += n
    return {
        "lead": dict(leads),
        "activity": dict(acts),
        "last-activity day": dict(days),
        "history day": dict(done),
    }


_TABLES = {
    "lead": (LeadRollup, _LEAD_COLS),
    "activity": (ActivityMonthly, _ACT_COLS),
    "last-activity day": (LeadActivityDay, _DAY_COLS),
    "history day": (HistoryDay, _DONE_COLS),
}


def stored(session: Session, brokerage_id: int) -> dict[str, dict]:
    out = {}
    for name, (model, cols) in _TABLES.items():
        out[name] = {
            tuple(getattr(r, c) for c in cols): r.count
            for r in session.exec(select(model).where(model.brokerage_id == brokerage_id))
            if r.count
        }
    return out


def _last_contact() -> sa.ScalarSelect:
    """A lead's latest contact from its history (what Lead.last_contacted_at must hold)."""
    return (
        select(sa.func.max(HistoryEntry.created_at))
        .where(HistoryEntry.lead_id == Lead.id, col(HistoryEntry.kind).in_(CONTACT_KINDS))
        .scalar_subquery()
    )


def check(session: Session, brokerage_id: int) -> list[str]:
    """Differences between the stored summaries and a full recount (empty when exact)."""
    problems = []
    want, have = recount(session, brokerage_id), stored(session, brokerage_id)
    for name in _TABLES:
        for key in sorted(set(want[name]) | set(have[name]), key=str):
            if want[name].get(key, 0) != have[name].get(key, 0):
                problems.append(
                    f"{name} {key}: stored {have[name].get(key, 0)}, recount "
                    f"{want[name].get(key, 0)}"
                )
    for lead_id, stored_at, latest in session.execute(
        select(Lead.id, Lead.last_contacted_at, _last_contact())
        .where(
            Lead.brokerage_id == brokerage_id,
            col(Lead.last_contacted_at).is_distinct_from(_last_contact()),
        )
        .limit(50)
    ):
        problems.append(f"last contact of lead {lead_id}: stored {stored_at}, history {latest}")
    return problems


def rebuild(session: Session, brokerage_id: int) -> None:
    """Replace the stored summaries with a full recount (after a bulk load)."""
    counts = recount(session, brokerage_id)
    for name, (model, cols) in _TABLES.items():
        session.execute(sa.delete(model).where(model.brokerage_id == brokerage_id))
        _upsert_add(session, model, cols, counts[name])
    session.execute(
        sa.update(Lead)
        .where(
            col(Lead.brokerage_id) == brokerage_id,
            col(Lead.id).in_(
                select(HistoryEntry.lead_id).where(
                    HistoryEntry.brokerage_id == brokerage_id,
                    col(HistoryEntry.kind).in_(CONTACT_KINDS),
                )
            ),
        )
        .values(last_contacted_at=_last_contact())
        .execution_options(synchronize_session=False)
    )
