"""Events and counts recomputed from the rows, for the dashboard tests (D1-D10)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import Activity, Lead, utcnow
from leadapp.services import activity as act_svc
from leadapp.services import dashboard as dash
from leadapp.services import rollups


def post_events(session, org, items, now=None):
    out = act_svc.record_events(session, org.brokerage.id, items, now=now)
    session.commit()
    return out


def direct_counts(session, org, agent_id=None, now=None):
    """The numbers straight from the lead and activity tables (what the lead list counts)."""
    now = now or utcnow()
    session.expire_all()  # scores and last activity were written with plain SQL
    clause = sa.and_(col(Lead.brokerage_id) == org.brokerage.id, col(Lead.status) != "deleted")
    if agent_id is not None:
        clause = sa.and_(clause, col(Lead.assigned_agent_id) == agent_id)
    leads = session.exec(select(Lead).where(clause)).all()
    since = now.date() - timedelta(days=dash.ACTIVE_DAYS - 1)

    def last_day(lead):
        return rollups.utc_day(lead.last_activity_at)

    stages = {s: 0 for s in dash.FUNNEL}
    for lead in leads:
        if lead.stage == "closed" and rollups.utc_day(lead.stage_entered_at).year != now.year:
            continue
        if lead.stage in stages:
            stages[lead.stage] += 1
    sources: dict = {}
    for lead in leads:
        sources[lead.source] = sources.get(lead.source, 0) + 1
    q = (
        select(col(Activity.kind), col(Activity.occurred_at))
        .join(Lead, col(Lead.id) == col(Activity.lead_id))
        .where(col(Lead.brokerage_id) == org.brokerage.id)
    )
    if agent_id is not None:
        q = q.where(col(Lead.assigned_agent_id) == agent_id)
    month0 = dash.months_back(now)[0]
    actions = sum(1 for _, ts in session.execute(q) if rollups.month_start(ts) >= month0)
    return {
        "total": len(leads),
        "active": sum(1 for lead in leads if (day := last_day(lead)) and day >= since),
        "subscribed": sum(1 for lead in leads if lead.active_subscriptions > 0),
        "stages": stages,
        "sources": sources,
        "new_uncontacted": sum(
            1 for lead in leads if lead.status == "new" and lead.stage == "uncontacted"
        ),
        "actions_12m": actions,
    }


def panel_counts(session, user, agent_id=None, now=None):
    d = dash.load(session, user, agent_id, now=now)
    return {
        "total": d["subscribed"]["total"],
        "active": d["active"]["part"],
        "subscribed": d["subscribed"]["part"],
        "stages": {s["stage"]: s["count"] for s in d["funnel"]["stages"]},
        "sources": {s["source"]: s["count"] for s in d["sources"]["sources"]},
        "new_uncontacted": next(
            s["count"] for s in d["actions"]["suggestions"] if s["key"] == "new"
        ),
        "actions_12m": d["months"]["total"],
    }
