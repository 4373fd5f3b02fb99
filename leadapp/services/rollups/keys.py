"""The roll-ups' dimensions: a lead's keys, the tables' key columns, the one upsert."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import Lead

from ..bulk import dialect_insert


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


LEAD_COLS = (
    "brokerage_id",
    "agent_key",
    "status",
    "stage",
    "closed_year",
    "source",
    "subscribed",
    "lead_type",
)
DAY_COLS = ("brokerage_id", "agent_key", "status", "day")
ACT_COLS = ("brokerage_id", "agent_key", "month", "kind")
DONE_COLS = ("brokerage_id", "day", "actor_id", "kind")


@overload
def utc_day(ts: datetime) -> date: ...
@overload
def utc_day(ts: None) -> None: ...
@overload
def utc_day(ts: datetime | None) -> date | None: ...


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


def upsert_add(session: Session, model, key_cols: tuple, rows: dict[tuple, int]) -> None:
    """count += delta for each key in rows, inserting missing keys (one statement)."""
    rows = {k: v for k, v in rows.items() if v}
    if not rows:
        return
    table = model.__table__
    values = [dict(zip(key_cols, k, strict=False), count=v) for k, v in rows.items()]
    ins = dialect_insert(session, table)
    stmt = ins.on_conflict_do_update(
        index_elements=list(key_cols), set_={"count": table.c.count + ins.excluded.count}
    )
    session.execute(stmt, values)


def month_text(session: Session, column):
    """'YYYY-MM' of a timestamp column in SQL, as `recount()` computes it."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM")


def month_of(ym) -> date:
    y, mo = str(ym).split("-")
    return date(int(y), int(mo), 1)


# D4 "what you did": history kinds counted per user and day (a stage change is an audit entry).
DONE_KINDS = ("note", "call", "quick_event", "message")


def done_kind(kind: str, field: str | None) -> str | None:
    """The HistoryDay kind of a history entry, or None when D4 does not count it."""
    if kind in DONE_KINDS:
        return kind
    return "stage" if kind == "audit" and field == "stage" else None
