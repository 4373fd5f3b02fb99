"""The roll-ups counted from scratch: `check` (`leadapp db check`), `rebuild` after a bulk load."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
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

from .keys import (
    ACT_COLS,
    DAY_COLS,
    DONE_COLS,
    DONE_KINDS,
    LEAD_COLS,
    done_kind,
    month_of,
    month_text,
    upsert_add,
)


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
    subscribed = col(Lead.active_subscriptions) > 0
    dims = (
        agent,
        col(Lead.status),
        col(Lead.stage),
        closed_year,
        sa.func.coalesce(Lead.source, ""),
        subscribed,
        sa.func.coalesce(Lead.lead_type, ""),
    )
    leads: Counter = Counter()
    for *key, n in session.execute(
        sa.select(*dims, sa.func.count())
        .where(col(Lead.brokerage_id) == brokerage_id)
        .group_by(*dims)
    ):
        a, st, sg, cy, src, sub, lt = key
        leads[(brokerage_id, int(a), st, sg, int(cy or 0), src, bool(sub), lt)] += n
    month = month_text(session, Activity.occurred_at)
    acts: Counter = Counter()
    q = (
        select(sa.func.coalesce(Lead.assigned_agent_id, 0), month, Activity.kind, sa.func.count())
        .join(Lead, col(Lead.id) == Activity.lead_id)
        .where(Activity.brokerage_id == brokerage_id)
        .group_by(sa.func.coalesce(Lead.assigned_agent_id, 0), month, Activity.kind)
    )
    for agent_key, ym, kind, n in session.execute(q):
        acts[(brokerage_id, agent_key, month_of(ym), kind)] += n
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
        sa.select(
            hday,
            col(HistoryEntry.actor_id),
            col(HistoryEntry.kind),
            col(HistoryEntry.field),
            sa.func.count(),
        )
        .where(
            col(HistoryEntry.brokerage_id) == brokerage_id,
            col(HistoryEntry.actor_id).is_not(None),
            sa.or_(
                col(HistoryEntry.kind).in_(DONE_KINDS),
                sa.and_(col(HistoryEntry.kind) == "audit", col(HistoryEntry.field) == "stage"),
            ),
        )
        .group_by(hday, col(HistoryEntry.actor_id), col(HistoryEntry.kind), col(HistoryEntry.field))
    ):
        done[(brokerage_id, _as_date(d), int(actor), done_kind(kind, field))] += n
    return {
        "lead": dict(leads),
        "activity": dict(acts),
        "last-activity day": dict(days),
        "history day": dict(done),
    }


_TABLES = {
    "lead": (LeadRollup, LEAD_COLS),
    "activity": (ActivityMonthly, ACT_COLS),
    "last-activity day": (LeadActivityDay, DAY_COLS),
    "history day": (HistoryDay, DONE_COLS),
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
        upsert_add(session, model, cols, counts[name])
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
