"""The lead page's header, contact box and tab counts (P1-P4, R1): what shows before a tab opens."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import (
    Activity,
    Brokerage,
    Favorite,
    HistoryEntry,
    Lead,
    ListingSent,
    SavedSearch,
    Task,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import (
    ACTIVITY_KINDS,
    DEFAULT_QUICK_EVENTS,
    LEAD_STATUSES,
    LEAD_TYPES,
    PRIORITIES,
    STAGES,
)
from leadapp.services import access, leads, rating, speed, tags, texting_consent
from leadapp.services.errors import NotFound
from leadapp.services.rows import id_of, read, table_of

from .format import _user_names, fmt_date, fmt_dt, money
from .types import AgentChoice, ContactInfo, LeadHeader, RatingInfo, RatingReason, TabCounts

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _age_seconds(dialect: str, activity: sa.Table):
    """SQL: each activity's age at :now in seconds (negative in the past); :now is
    _now_value(dialect, now)."""
    now = sa.bindparam("now", type_=sa.Float)
    if dialect == "sqlite":  # the stored text, read as a Julian day
        return (sa.func.julianday(activity.c.occurred_at) - now) * _number(86400.0)
    return sa.extract("epoch", activity.c.occurred_at) - now


def _number(value: float):
    """A constant written into the SQL text (not a parameter bound on every execution)."""
    return sa.literal_column(repr(float(value)), sa.Float)


def _kind(kind: str):
    """An activity kind written into the SQL text (the kinds are lower-case identifiers)."""
    assert kind.isidentifier() and kind.islower(), kind
    return sa.literal_column(f"'{kind}'", sa.String)


def _now_value(dialect: str, now: datetime) -> float:
    seconds = (as_utc(now) - _UNIX_EPOCH).total_seconds()
    return seconds / 86400 + 2440587.5 if dialect == "sqlite" else seconds


@cache
def _shares_by_kind(dialect: str) -> sa.Select:
    """One row per kind of the lead's activities since :since, summed in the database: each
    activity's term rating.term(), divided by the same factor for :now (the shares are ratios),
    so a lead with 10,000 activities sends a handful of rows. Built once per dialect."""
    a = table_of(Activity)
    weight = sa.case(
        {_kind(kind): _number(w) for kind, w in rating.WEIGHTS.items()},
        value=a.c.kind,
        else_=_number(0.0),
    )
    share = sa.func.sum(
        weight * sa.func.exp(_age_seconds(dialect, a) / _number(rating.TAU_SECONDS))
    )
    return (
        sa.select(a.c.kind, sa.func.count(), share)
        .where(a.c.lead_id == sa.bindparam("lead_id"), a.c.occurred_at >= sa.bindparam("since"))
        .group_by(a.c.kind)
    )


def rating_explanation(session: Session, lead: Lead, now: datetime | None = None) -> RatingInfo:
    """R1 for one lead: stars and the activities that contribute most to its score."""
    now = now or utcnow()
    cutoff = rating.get_terciles(session, lead.brokerage_id)
    stars = rating.stars(lead.rating_score or 0.0, as_utc(lead.last_activity_at), cutoff, now)
    dialect = session.get_bind().dialect.name
    rows = read(
        session,
        _shares_by_kind(dialect),
        {"lead_id": lead.id, "since": now - rating.WINDOW, "now": _now_value(dialect, now)},
    ).all()
    by_kind: dict[str, tuple[int, float]] = {
        str(kind): (int(n), float(t)) for kind, n, t in rows if t and t > 0
    }
    total = sum(t for _, t in by_kind.values())
    top = sorted(by_kind.items(), key=lambda kv: -kv[1][1])[:3]
    reasons: list[RatingReason] = [
        {
            "kind": ACTIVITY_KINDS.get(k, k),
            "count": n,
            "share": round(100 * s / total) if total else 0,
        }
        for k, (n, s) in top
    ]
    if stars == 0:
        summary = "No website activity in the last six months."
    else:
        summary = "Mostly " + ", ".join(
            f"{r['kind'].lower()} ×{r['count']} ({r['share']}%)" for r in reasons
        )
    return {"stars": stars, "reasons": reasons, "summary": summary}


_QUICK_EVENTS = sa.select(table_of(Brokerage).c.quick_events).where(
    table_of(Brokerage).c.id == sa.bindparam("brokerage_id")
)


def lead_header(session: Session, user: User, lead_id) -> LeadHeader:
    """Everything the page shows before a tab is opened: header, contact box, pipeline, tags."""
    lead = access.get_lead(session, user, lead_id)
    quick_events = read(session, _QUICK_EVENTS, {"brokerage_id": lead.brokerage_id}).first()
    if quick_events is None:  # the brokerage is gone
        raise NotFound()
    if lead.assigned_agent_id == user.id:  # an agent's own lead: no lookup
        agent_name = user.name
    else:
        agent_name = _user_names(session, {lead.assigned_agent_id}).get(
            lead.assigned_agent_id or 0, ""
        )
    lead_tags = tags.lead_tags(session, id_of(lead))
    can_change = access.can_change_lead(user, lead)
    is_broker = access.is_broker(user)
    agents: list[AgentChoice] = []
    if is_broker:
        agents = [AgentChoice(id=str(u.id), name=u.name) for u in leads.agents_of(session, user)]
    counts, n_users = _counts(session, lead)
    return {
        # N2: speed to lead beside the agent
        "lead": contact_dict(lead, user, agent_name)
        | {
            "speed": speed.line(session, lead),
            # TCPA: the last consent change, who, when and how
            "texting_line": texting_consent.latest_line(session, user, lead),
        },
        "tags": lead_tags,
        "all_tags": tags.tag_names(session, user),
        "agents": agents,
        "quick_events": list(quick_events[0] or DEFAULT_QUICK_EVENTS),
        "rating": rating_explanation(session, lead),
        "can_change": can_change,
        "can_claim": lead.assigned_agent_id is None
        and not is_broker
        and access.pool_enabled(session, user),
        "can_reject": (not is_broker and lead.assigned_agent_id == user.id and n_users > 1),
        "counts": counts,
    }


def contact_dict(lead: Lead, user: User, agent_name: str) -> ContactInfo:
    name = leads.display_name(lead)
    address = ", ".join(
        p
        for p in (lead.street, lead.city, " ".join(p for p in (lead.state, lead.postal_code) if p))
        if p
    )
    return {
        "id": id_of(lead),
        "name": name,
        "email": lead.email,
        "phone": lead.phone,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "extra_emails": ", ".join(lead.extra_emails or []),
        "extra_phones": ", ".join(lead.extra_phones or []),
        "extra_email_list": list(lead.extra_emails or []),
        "extra_phone_list": list(lead.extra_phones or []),
        "street": lead.street,
        "city": lead.city,
        "state": lead.state,
        "postal_code": lead.postal_code,
        "address": address,
        "birthday": lead.birthday.isoformat() if lead.birthday else "",
        "birthday_text": fmt_date(lead.birthday),
        "anniversary": lead.anniversary.isoformat() if lead.anniversary else "",
        "anniversary_text": fmt_date(lead.anniversary),
        "lead_type": lead.lead_type or "",
        "lead_type_text": LEAD_TYPES.get(lead.lead_type or "", "—"),
        "status": lead.status,
        "status_text": LEAD_STATUSES.get(lead.status, lead.status),
        "stage": lead.stage,
        "stage_text": STAGES.get(lead.stage, lead.stage),
        "priority": lead.priority,
        "priority_text": PRIORITIES.get(lead.priority, lead.priority),
        "source": lead.source,
        "texting": "Yes" if lead.texting_consent else "No",
        "agent_id": str(lead.assigned_agent_id or ""),
        "agent_name": agent_name or "Unassigned",
        "property_type_wanted": lead.property_type_wanted,
        "price_min": "" if lead.price_min is None else str(lead.price_min),
        "price_max": "" if lead.price_max is None else str(lead.price_max),
        "price_range": (
            f"{money(lead.price_min) or 'any'} – {money(lead.price_max) or 'any'}"
            if lead.price_min is not None or lead.price_max is not None
            else ""
        ),
        "move_timeframe": lead.move_timeframe,
        "closing_date": lead.closing_date.isoformat() if lead.closing_date else "",
        "closing_date_text": fmt_date(lead.closing_date),
        "ps_due_date": lead.ps_due_date.isoformat() if lead.ps_due_date else "",
        "ps_due_date_text": fmt_date(lead.ps_due_date),
        "created": fmt_dt(lead.created_at, user),
        "last_activity": fmt_dt(lead.last_activity_at, user),
        "has_password": bool(lead.website_password_hash),
        "inactive": lead.status in ("inactive", "deleted"),
    }


def tab_counts(session: Session, lead: Lead) -> TabCounts:
    """The small numbers on the tabs."""
    return _counts(session, lead)[0]


def _counts_statement() -> sa.Select:
    """The tab counts of lead :lead_id and the active users of brokerage :brokerage_id: one
    statement of indexed counts, built once."""
    lead_id = sa.bindparam("lead_id")
    a, h, t = table_of(Activity), table_of(HistoryEntry), table_of(Task)
    sent, searches, favs, u = (
        table_of(ListingSent),
        table_of(SavedSearch),
        table_of(Favorite),
        table_of(User),
    )

    def count(table: sa.Table, *where):
        return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()

    return sa.select(
        count(a, a.c.lead_id == lead_id),
        count(h, h.c.lead_id == lead_id),
        count(h, h.c.lead_id == lead_id, h.c.kind == "message"),
        count(t, t.c.lead_id == lead_id, t.c.completed_at.is_(None)),
        count(sent, sent.c.lead_id == lead_id),
        count(searches, searches.c.lead_id == lead_id),
        count(favs, favs.c.lead_id == lead_id),
        count(u, u.c.brokerage_id == sa.bindparam("brokerage_id"), u.c.is_active),
    )


_COUNTS = _counts_statement()


def _counts(session: Session, lead: Lead) -> tuple[TabCounts, int]:
    """The tab counts and the brokerage's number of active users."""
    row = read(session, _COUNTS, {"lead_id": lead.id, "brokerage_id": lead.brokerage_id}).one()
    activity, history, messages, tasks, sent, searches, favorites, users = (int(n) for n in row)
    counts: TabCounts = {
        "activity": activity,
        "history": history,
        "messages": messages,
        "tasks": tasks,
        "listings_sent": sent,
        "searches": searches,
        "favorites": favorites,
        "subscriptions": int(lead.active_subscriptions or 0),
    }
    return counts, users
