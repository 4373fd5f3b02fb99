"""D8: activities per UTC calendar month for the last 12 months, from `activity_monthly`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import ActivityMonthly, User, as_utc, utcnow
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.services.access import dashboard_scope as scope
from leadapp.services.errors import ValidationFailed

# D8 series: which activity kinds each bar chart counts.
SERIES = {
    "actions": ("Lead actions", tuple(ACTIVITY_KINDS)),
    "views": ("Viewed listings", ("listing_view",)),
    "searches": ("Site searches", ("search", "saved_search")),
}


def months_back(now: datetime, n: int = 12) -> list[date]:
    m = date(now.year, now.month, 1)
    out = []
    for _ in range(n):
        out.append(m)
        m = (m - timedelta(days=1)).replace(day=1)
    return out[::-1]


def past_months(
    session: Session,
    user: User,
    agent_id=None,
    series: str = "actions",
    now: datetime | None = None,
) -> dict:
    """D8: activities per month for the last 12 months (this month included, UTC months)."""
    sc = scope(session, user, agent_id)
    if series not in SERIES:
        raise ValidationFailed({"series": f"Choose one of: {', '.join(SERIES)}."})
    now = as_utc(now or utcnow()).astimezone(UTC)
    months = months_back(now)
    label, kinds = SERIES[series]
    rows = session.execute(
        select(col(ActivityMonthly.month), sa.func.sum(ActivityMonthly.count))
        .where(
            sc.rollup_clause(ActivityMonthly),
            col(ActivityMonthly.month) >= months[0],
            col(ActivityMonthly.kind).in_(kinds),
        )
        .group_by(col(ActivityMonthly.month))
    ).all()
    by = {
        (m if isinstance(m, date) else date.fromisoformat(str(m)[:10])): int(n or 0)
        for m, n in rows
    }
    return {
        "series": series,
        "label": label,
        "months": [
            {"month": m.isoformat(), "label": m.strftime("%b %Y"), "count": by.get(m, 0)}
            for m in months
        ],
        "total": sum(by.get(m, 0) for m in months),
    }
