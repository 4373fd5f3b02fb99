"""Summary tables for the dashboard (D3, D5, D6, D8), kept exact in the writing transaction.

Every write that changes a lead's status, stage, source, agent or subscribed flag goes
through `LeadRollupTracker` (or `lead_created`); every new activity through
`activities_added`. `recount()` rebuilds both tables from scratch for `leadapp check`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from leadapp.models import Activity, ActivityMonthly, Lead, LeadRollup


def month_start(ts: datetime | date) -> date:
    return date(ts.year, ts.month, 1)


def lead_key(lead: Lead) -> tuple:
    """The roll-up dimensions of a lead: (brokerage, agent, status, stage, closed_year, source, subscribed, type)."""
    closed_year = lead.stage_entered_at.year if lead.stage == "closed" and lead.stage_entered_at else 0
    return (
        lead.brokerage_id,
        lead.assigned_agent_id or 0,
        lead.status,
        lead.stage,
        closed_year,
        lead.source or "",
        (lead.active_subscriptions or 0) > 0,
        lead.lead_type or "",
    )


_LEAD_COLS = ("brokerage_id", "agent_key", "status", "stage", "closed_year", "source", "subscribed", "lead_type")


def _upsert_add(session: Session, model, key_cols: tuple, rows: dict[tuple, int]) -> None:
    """count += delta for each key in rows, inserting missing keys (one statement)."""
    rows = {k: v for k, v in rows.items() if v}
    if not rows:
        return
    table = model.__table__
    values = [dict(zip(key_cols, k), count=v) for k, v in rows.items()]
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = ins.on_conflict_do_update(
        index_elements=list(key_cols), set_={"count": table.c.count + ins.excluded.count}
    )
    session.execute(stmt, values)


def add_lead_keys(session: Session, deltas: dict[tuple, int]) -> None:
    _upsert_add(session, LeadRollup, _LEAD_COLS, deltas)


def lead_created(session: Session, leads: Iterable[Lead]) -> None:
    add_lead_keys(session, Counter(lead_key(lead) for lead in leads))


class LeadRollupTracker:
    """Snapshot leads' keys before a change; `commit()` applies the difference.

        tracker = LeadRollupTracker(leads); ...mutate...; tracker.apply(session)

    When the agent changes, the leads' activity counts move with them.
    """

    def __init__(self, leads: Iterable[Lead]):
        self.leads = list(leads)
        self.before = {id(lead): lead_key(lead) for lead in self.leads}

    def apply(self, session: Session) -> None:
        deltas: Counter = Counter()
        moved: list[tuple[int, int, int]] = []  # (lead_id, old_agent, new_agent)
        for lead in self.leads:
            old, new = self.before[id(lead)], lead_key(lead)
            if old != new:
                deltas[old] -= 1
                deltas[new] += 1
                if old[1] != new[1]:
                    moved.append((lead.id, old[1], new[1]))
        add_lead_keys(session, deltas)
        if moved:
            _move_activity(session, self.leads[0].brokerage_id, moved)
        self.before = {id(lead): lead_key(lead) for lead in self.leads}


def _move_activity(session: Session, brokerage_id: int, moved: list[tuple[int, int, int]]) -> None:
    by_lead = {lead_id: (old, new) for lead_id, old, new in moved}
    deltas: Counter = Counter()
    ids = list(by_lead)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.execute(
            select(Activity.lead_id, Activity.kind, Activity.occurred_at).where(Activity.lead_id.in_(chunk))
        ).all()
        for lead_id, kind, occurred in rows:
            old, new = by_lead[lead_id]
            m = month_start(occurred)
            deltas[(brokerage_id, old, m, kind)] -= 1
            deltas[(brokerage_id, new, m, kind)] += 1
    _upsert_add(session, ActivityMonthly, ("brokerage_id", "agent_key", "month", "kind"), deltas)


def _month_text(session: Session, column):
    """'YYYY-MM' of a timestamp column in SQL, as `recount()` computes it."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.to_char(column, "YYYY-MM")


def move_activity_of(session: Session, brokerage_id: int, lead_ids: list[int], new_agent_key: int) -> None:
    """Before `lead_ids` are reassigned to `new_agent_key` (0 = pool): move their activity counts.

    Set-based (one GROUP BY per call), so reassigning thousands of leads does not load their
    activities. Call it before the UPDATE: the current agent is read from the lead table.
    """
    if not lead_ids:
        return
    agent = sa.func.coalesce(Lead.assigned_agent_id, 0)
    month = _month_text(session, Activity.occurred_at)
    deltas: Counter = Counter()
    for old, ym, kind, n in session.execute(
        select(agent, month, Activity.kind, sa.func.count())
        .join(Lead, Lead.id == Activity.lead_id)
        .where(Activity.lead_id.in_(lead_ids))
        .group_by(agent, month, Activity.kind)
    ):
        if int(old) == new_agent_key:
            continue
        y, mo = str(ym).split("-")
        m = date(int(y), int(mo), 1)
        deltas[(brokerage_id, int(old), m, kind)] -= n
        deltas[(brokerage_id, new_agent_key, m, kind)] += n
    _upsert_add(session, ActivityMonthly, ("brokerage_id", "agent_key", "month", "kind"), deltas)


def activities_added(session: Session, rows: Iterable[tuple[int, int, datetime, str]], sign: int = 1) -> None:
    """Count new activities: rows of (brokerage_id, agent_key, occurred_at, kind)."""
    deltas: Counter = Counter()
    for brokerage_id, agent_key, occurred, kind in rows:
        deltas[(brokerage_id, agent_key or 0, month_start(occurred), kind)] += sign
    _upsert_add(session, ActivityMonthly, ("brokerage_id", "agent_key", "month", "kind"), deltas)


def recount(session: Session, brokerage_id: int) -> tuple[dict, dict]:
    """Full recount from the lead and activity tables: (lead roll-up, activity roll-up)."""
    closed_year = sa.case((Lead.stage == "closed", sa.extract("year", Lead.stage_entered_at)), else_=0)
    agent = sa.func.coalesce(Lead.assigned_agent_id, 0)
    subscribed = Lead.active_subscriptions > 0
    dims = (agent, Lead.status, Lead.stage, closed_year, sa.func.coalesce(Lead.source, ""), subscribed,
            sa.func.coalesce(Lead.lead_type, ""))
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
        .join(Lead, Lead.id == Activity.lead_id)
        .where(Activity.brokerage_id == brokerage_id)
        .group_by(sa.func.coalesce(Lead.assigned_agent_id, 0), month, Activity.kind)
    )
    for agent, ym, kind, n in session.execute(q):
        y, mo = str(ym).split("-")
        acts[(brokerage_id, agent, date(int(y), int(mo), 1), kind)] += n
    return dict(leads), dict(acts)


def stored(session: Session, brokerage_id: int) -> tuple[dict, dict]:
    leads = {
        tuple(getattr(r, c) for c in _LEAD_COLS): r.count
        for r in session.exec(select(LeadRollup).where(LeadRollup.brokerage_id == brokerage_id))
        if r.count
    }
    acts = {
        (r.brokerage_id, r.agent_key, r.month, r.kind): r.count
        for r in session.exec(select(ActivityMonthly).where(ActivityMonthly.brokerage_id == brokerage_id))
        if r.count
    }
    return leads, acts


def check(session: Session, brokerage_id: int) -> list[str]:
    """Differences between the stored roll-ups and a full recount (empty when exact)."""
    problems = []
    for name, want, have in zip(("lead", "activity"), recount(session, brokerage_id), stored(session, brokerage_id)):
        for key in sorted(set(want) | set(have), key=str):
            if want.get(key, 0) != have.get(key, 0):
                problems.append(f"{name} {key}: stored {have.get(key, 0)}, recount {want.get(key, 0)}")
    return problems


def rebuild(session: Session, brokerage_id: int) -> None:
    """Replace the stored roll-ups with a full recount (after a bulk load)."""
    leads, acts = recount(session, brokerage_id)
    session.execute(sa.delete(LeadRollup).where(LeadRollup.brokerage_id == brokerage_id))
    session.execute(sa.delete(ActivityMonthly).where(ActivityMonthly.brokerage_id == brokerage_id))
    add_lead_keys(session, leads)
    _upsert_add(session, ActivityMonthly, ("brokerage_id", "agent_key", "month", "kind"), acts)
