"""D2, D3, D5, D6: the panels counted from the summary tables (`lead_activity_day`,
`lead_rollup`), a few hundred rows at most."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import LeadActivityDay, LeadRollup, User, as_utc, utcnow
from leadapp.models.enums import STAGES
from leadapp.services.access import Scope
from leadapp.services.access import dashboard_scope as scope

from .common import _pct, leads_url

ACTIVE_DAYS = 30

FUNNEL = ("uncontacted", "attempted_contact", "nurturing", "under_contract", "closed")


def _total_leads(session: Session, sc: Scope) -> int:
    return int(
        session.exec(
            select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(
                sc.rollup_clause(LeadRollup), col(LeadRollup.status) != "deleted"
            )
        ).one()
    )


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
                col(LeadActivityDay.status) != "deleted",
                col(LeadActivityDay.day) >= since,
            )
        ).one()
    )
    total = _total_leads(session, sc)
    return {"part": active, "total": total, "pct": _pct(active, total), "days": ACTIVE_DAYS}


def subscribed_share(session: Session, user: User, agent_id=None) -> dict:
    """D3: share of the scope's leads with at least one active subscription."""
    sc = scope(session, user, agent_id)
    rows = session.execute(
        select(col(LeadRollup.subscribed), sa.func.sum(LeadRollup.count))
        .where(sc.rollup_clause(LeadRollup), col(LeadRollup.status) != "deleted")
        .group_by(col(LeadRollup.subscribed))
    ).all()
    by = {bool(s): int(n or 0) for s, n in rows}
    total = by.get(True, 0) + by.get(False, 0)
    return {
        "part": by.get(True, 0),
        "total": total,
        "pct": _pct(by.get(True, 0), total),
        "url": leads_url(sc, subscribed="yes"),
    }


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
            col(LeadRollup.status) != "deleted",
            col(LeadRollup.stage).in_(FUNNEL),
        )
        .group_by(col(LeadRollup.stage), col(LeadRollup.closed_year))
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
        .where(sc.rollup_clause(LeadRollup), col(LeadRollup.status) != "deleted")
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
