"""Writers' roll-up calls: lead keys, last-activity days, activity months, "what you did"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, ActivityMonthly, HistoryDay, Lead, LeadActivityDay, LeadRollup

from .. import live
from ..bulk import chunked
from .keys import (
    ACT_COLS,
    DAY_COLS,
    DONE_COLS,
    LEAD_COLS,
    day_key,
    done_kind,
    lead_key,
    month_of,
    month_start,
    month_text,
    upsert_add,
    utc_day,
)


def add_lead_keys(session: Session, deltas: dict[tuple, int]) -> None:
    upsert_add(session, LeadRollup, LEAD_COLS, deltas)
    for key, n in deltas.items():
        if n:
            live.note(session, key[0], key[1], "lead")


def add_day_keys(session: Session, deltas: dict[tuple, int]) -> None:
    upsert_add(session, LeadActivityDay, DAY_COLS, deltas)


def lead_created(session: Session, leads: Iterable[Lead]) -> None:
    leads = list(leads)
    add_lead_keys(session, Counter(lead_key(lead) for lead in leads))
    add_day_keys(session, Counter(k for k in map(day_key, leads) if k))
    if len(leads) <= 50:
        for lead in leads:
            live.note(session, lead.brokerage_id, lead.assigned_agent_id, "lead", lead.id)


def last_activity_moved(
    session: Session, rows: Iterable[tuple[int, int | None, str, datetime | None, datetime | None]]
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
        moved: list[tuple[int | None, int, int]] = []  # (lead_id, old_agent, new_agent)
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


def move_activity(
    session: Session,
    brokerage_id: int,
    moved: Iterable[tuple[int | None, int | None, int | None]],
) -> None:
    """D8: leads changed agent — moved = [(lead_id, old_agent_key, new_agent_key)]; their activity
    counts follow.

    Set-based (one GROUP BY per 500 leads): reassigning thousands of leads does not load
    their activities.
    """
    by_lead = {
        lead_id: (old or 0, new or 0) for lead_id, old, new in moved if (old or 0) != (new or 0)
    }
    month = month_text(session, Activity.occurred_at)
    deltas: Counter = Counter()
    for chunk in chunked(list(by_lead), 500):
        for lead_id, ym, kind, n in session.execute(
            select(Activity.lead_id, month, Activity.kind, sa.func.count())
            .where(col(Activity.lead_id).in_(chunk))
            .group_by(col(Activity.lead_id), month, Activity.kind)
        ):
            old, new = by_lead[lead_id]
            m = month_of(ym)
            deltas[(brokerage_id, old, m, kind)] -= n
            deltas[(brokerage_id, new, m, kind)] += n
    upsert_add(session, ActivityMonthly, ACT_COLS, deltas)


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
        upsert_add(session, HistoryDay, DONE_COLS, {(brokerage_id, utc_day(at), actor_id, what): n})


def activities_added(session: Session, rows: Iterable[tuple], sign: int = 1) -> None:
    """Count new activities: rows of (brokerage_id, agent_key, occurred_at, kind[, lead_id])."""
    deltas: Counter = Counter()
    for row in rows:
        brokerage_id, agent_key, occurred, kind = row[:4]
        deltas[(brokerage_id, agent_key or 0, month_start(occurred), kind)] += sign
        live.note(session, brokerage_id, agent_key, "activity", row[4] if len(row) > 4 else None)
    upsert_add(session, ActivityMonthly, ACT_COLS, deltas)
