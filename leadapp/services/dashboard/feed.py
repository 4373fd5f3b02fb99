"""D1: the activity feed, the latest website activity of the scope's leads, keyset-paged
over the (brokerage, time) activity index."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, Lead, LeadRollup, User, as_utc, utcnow
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.models.timefmt import relative_label, user_zone
from leadapp.services.access import Scope
from leadapp.services.access import dashboard_scope as scope
from leadapp.services.errors import ValidationFailed

from .common import _unindexed, lead_name

FEED_PAGE = 20
FEED_MAX_PAGE = 50


def _local_time(ts: datetime, user: User, now: datetime) -> str:
    return relative_label(ts, user_zone(user), now)


def _small_share(session: Session, sc: Scope) -> bool:
    """Whether the scope's agent holds under 5% of the brokerage's leads (from the roll-up)."""
    rows = dict(
        session.execute(
            sa.select(col(LeadRollup.agent_key) == sc.agent_id, sa.func.sum(LeadRollup.count))
            .where(col(LeadRollup.brokerage_id) == sc.brokerage_id)
            .group_by(col(LeadRollup.agent_key) == sc.agent_id)
        ).all()
    )
    mine, total = int(rows.get(True) or 0), int(rows.get(True) or 0) + int(rows.get(False) or 0)
    return mine * 20 < total


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
        col(Activity.id),
        col(Activity.kind),
        col(Activity.occurred_at),
        col(Activity.mls_number),
        col(Activity.details),
        col(Activity.lead_id),
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
            sa.select(*cols)
            .join(Lead, col(Lead.id) == Activity.lead_id)
            .where(col(Activity.brokerage_id) == sc.brokerage_id, sc.lead_clause())
        )
    else:
        # Walk the brokerage's timeline newest first and keep the rows of visible leads: a
        # correlated EXISTS stops after `limit` rows (a join would first build a filter
        # over every lead).
        order = (col(Activity.occurred_at).desc(), col(Activity.id).desc())
        visible = (
            select(Lead.id)
            .where(col(Lead.id) == Activity.lead_id, sc.lead_clause())
            .correlate(Activity)
        )
        q = sa.select(*cols).where(col(Activity.brokerage_id) == sc.brokerage_id, visible.exists())
    q = q.order_by(*order).limit(limit + 1)
    if kind:
        q = q.where(col(Activity.kind) == kind)
    if after is not None:
        ts, aid = after
        q = q.where(
            sa.or_(
                col(Activity.occurred_at) < ts,
                sa.and_(col(Activity.occurred_at) == ts, col(Activity.id) < aid),
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
                    col(Lead.id).in_({r.lead_id for r in rows})
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
