"""Speed to lead (N2): the time from a lead's assignment to its first contact.

`LeadResponse` holds, per lead, the agent it was last assigned to and when, and the first
contact after that (a history entry of a kind in enums.CONTACT_KINDS — history.add_entry
calls `contacted`). Every way a lead changes hands calls `assigned` in its transaction
(routing, claim, the pool, a broker's assignment, create and import with an agent).
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadapp.models import Lead, LeadResponse, User, as_utc, utcnow

from . import access
from .rows import read, table_of

FAST = timedelta(minutes=5)


def assigned(
    session: Session,
    brokerage_id: int,
    pairs,
    now: datetime | None = None,
    rule_id: int | None = None,
) -> None:
    """Leads [(lead_id, agent_id or None), ...] changed hands now: the clock starts again."""
    rows = [
        {
            "lead_id": lid,
            "brokerage_id": brokerage_id,
            "agent_id": aid,
            "assigned_at": now or utcnow(),
            "first_contact_at": None,
            "rule_id": rule_id,
            "idle_moved": False,
        }
        for lid, aid in pairs
    ]
    if not rows:
        return
    t = table_of(LeadResponse)
    ins = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        t
    )
    stmt = ins.on_conflict_do_update(
        index_elements=["lead_id"],
        set_={
            "agent_id": ins.excluded.agent_id,
            "assigned_at": ins.excluded.assigned_at,
            "first_contact_at": None,
            # a later move keeps the rule that routed the lead (its fallback still applies)
            "rule_id": sa.func.coalesce(ins.excluded.rule_id, t.c.rule_id),
        },
    )
    for start in range(0, len(rows), 5000):
        session.execute(stmt, rows[start : start + 5000])


def contacted(session: Session, lead_id: int, at: datetime) -> None:
    """A contact entry was written: the first one after the assignment stops the clock."""
    t = table_of(LeadResponse)
    session.execute(
        sa.update(t)
        .where(
            t.c.lead_id == lead_id,
            t.c.first_contact_at.is_(None),
            t.c.agent_id.is_not(None),
            t.c.assigned_at <= at,
        )
        .values(first_contact_at=at)
    )


def _minutes(delta: timedelta) -> str:
    m = int(delta.total_seconds() // 60)
    if m < 1:
        return "under a minute"
    if m < 120:
        return f"{m} min"
    if m < 48 * 60:
        return f"{m // 60} h {m % 60} min"
    return f"{m // (24 * 60)} days"


def for_lead(session: Session, user: User, lead_id, now: datetime | None = None) -> str:
    """The lead page's line: 'first contact 4 min after assignment', or how long it waits."""
    return line(session, access.get_lead(session, user, lead_id), now)


def _response_read() -> sa.Select:
    """The lead's assignment and first contact, as stored (built once)."""
    r = table_of(LeadResponse)
    return sa.select(r.c.agent_id, r.c.assigned_at, r.c.first_contact_at).where(
        r.c.lead_id == sa.bindparam("lead_id")
    )


_RESPONSE = _response_read()


def line(session: Session, lead: Lead, now: datetime | None = None) -> str:
    """for_lead without the access check (the caller has the lead already)."""
    r = read(session, _RESPONSE, {"lead_id": lead.id}).first()
    if r is None or r.agent_id is None or lead.assigned_agent_id != r.agent_id:
        return ""
    start = as_utc(r.assigned_at)
    if r.first_contact_at is not None:
        return f"First contact {_minutes(as_utc(r.first_contact_at) - start)} after assignment"
    return f"Not contacted yet, {_minutes((now or utcnow()) - start)} after assignment"


def uncontacted_new(session: Session, user: User, limit: int = 5) -> dict:
    """The Action Center's 'new leads not yet contacted': assigned, open, no contact since."""
    q = (
        sa.select(
            col(LeadResponse.lead_id),
            col(LeadResponse.assigned_at),
            col(Lead.first_name),
            col(Lead.last_name),
            col(Lead.email),
        )
        .join(Lead, col(Lead.id) == col(LeadResponse.lead_id))
        .where(
            col(LeadResponse.brokerage_id) == user.brokerage_id,
            col(LeadResponse.first_contact_at).is_(None),
            col(LeadResponse.agent_id) == col(Lead.assigned_agent_id),
            col(Lead.status).in_(("new", "active")),
            access.lead_visibility(user),
        )
    )
    total = session.execute(select(sa.func.count()).select_from(q.subquery())).scalar_one()
    rows = session.execute(q.order_by(col(LeadResponse.assigned_at)).limit(limit)).all()
    return {
        "total": total,
        "leads": [
            {
                "id": lid,
                "name": f"{fn} {ln}".strip() or email,
                "waiting": _minutes(utcnow() - as_utc(at)),
            }
            for lid, at, fn, ln, email in rows
        ],
    }


def per_agent(
    session: Session, user: User, since: datetime | None = None, until: datetime | None = None
) -> list[dict]:
    """Per agent, leads assigned in [since, until): how many, how many contacted, the median
    minutes to first contact and the share contacted within 5 minutes (for the reports)."""
    access.require_broker(user, "see every agent's speed to lead")
    q = select(
        col(LeadResponse.agent_id),
        col(LeadResponse.assigned_at),
        col(LeadResponse.first_contact_at),
    ).where(
        col(LeadResponse.brokerage_id) == user.brokerage_id, col(LeadResponse.agent_id).is_not(None)
    )
    if since is not None:
        q = q.where(col(LeadResponse.assigned_at) >= since)
    if until is not None:
        q = q.where(col(LeadResponse.assigned_at) < until)
    by: dict[int, list] = {}
    for aid, at, first in session.execute(q):
        by.setdefault(aid, []).append(
            None if first is None else (as_utc(first) - as_utc(at)).total_seconds() / 60
        )
    names = (
        dict(
            session.execute(
                select(col(User.id), col(User.name)).where(col(User.id).in_(list(by)))
            ).all()
        )
        if by
        else {}
    )
    out = []
    for aid, mins in by.items():
        done = [m for m in mins if m is not None]
        out.append(
            {
                "agent_id": aid,
                "agent": names.get(aid, ""),
                "assigned": len(mins),
                "contacted": len(done),
                "median_minutes": round(statistics.median(done), 1) if done else None,
                "within_5_min": round(sum(1 for m in done if m <= 5) / len(mins), 3),
            }
        )
    return sorted(out, key=lambda r: r["agent"])
