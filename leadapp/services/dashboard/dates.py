"""D7: birthdays and transaction anniversaries in the next 7 days of the user's time zone,
through the (month*100+day) indexes."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from leadapp.models import Lead, User, as_utc, utcnow
from leadapp.models.timefmt import user_zone
from leadapp.services.access import Scope
from leadapp.services.access import dashboard_scope as scope

from .common import lead_name

UPCOMING_DAYS = 7
UPCOMING_LIMIT = 50


def _mds(days: list[date]) -> list[int]:
    mds = {d.month * 100 + d.day for d in days}
    for d in days:  # Feb 29 birthdays are celebrated on Feb 28 in other years
        if d.month == 2 and d.day == 28 and not calendar.isleap(d.year):
            mds.add(229)
    return sorted(mds)


def _next_on(md: int, days: list[date]) -> date:
    for d in days:
        if d.month * 100 + d.day == md or (
            md == 229 and d.month == 2 and d.day == 28 and not calendar.isleap(d.year)
        ):
            return d
    return days[0]


def _md_ranges(days: list[date]) -> list[tuple[int, int]]:
    """Consecutive days as ranges of month*100+day, in day order: one range, or two when
    the days pass Dec 31. A range holds the same leads as the list of its days (no lead has
    an impossible day such as 1132), Feb 29 included where _mds adds it."""
    runs: list[list[date]] = []
    for d in days:
        if runs and d.month * 100 + d.day < runs[-1][-1].month * 100 + runs[-1][-1].day:
            runs.append([d])
        elif runs:
            runs[-1].append(d)
        else:
            runs.append([d])
    out = []
    for run in runs:
        mds = _mds(run)
        out.append((mds[0], mds[-1]))
    return out


def _dates_on(
    session: Session, sc: Scope, days: list[date], column, limit: int = UPCOMING_LIMIT + 1
) -> list[dict]:
    # A range, not IN (...): PostgreSQL then walks the (brokerage_id, <md>, ...) index in
    # order and stops at the limit; with IN it read the brokerage's whole index in md order.
    rows: list = []
    for lo, hi in _md_ranges(days):
        if len(rows) >= limit:
            break
        rows += session.execute(
            sa.select(
                col(Lead.id), col(Lead.first_name), col(Lead.last_name), col(Lead.email), column
            )
            .where(sc.lead_clause(), column >= lo, column <= hi)
            .order_by(column, col(Lead.id))
            .limit(limit - len(rows))
        ).all()
    return [{"lead_id": r[0], "lead_name": lead_name(r[1], r[2], r[3]), "md": r[4]} for r in rows]


def upcoming_dates(
    session: Session, user: User, agent_id=None, now: datetime | None = None
) -> dict:
    """D7: birthdays and transaction anniversaries in the next 7 days (today first)."""
    sc = scope(session, user, agent_id)
    now = as_utc(now or utcnow())
    today = now.astimezone(user_zone(user)).date()
    days = [today + timedelta(days=i) for i in range(UPCOMING_DAYS)]
    items = []
    more = False
    for what, column, _src in (
        ("Birthday", Lead.birthday_md, Lead.birthday),
        ("Anniversary", Lead.anniversary_md, Lead.anniversary),
    ):
        rows = _dates_on(session, sc, days, column)
        if len(rows) > UPCOMING_LIMIT:
            more, rows = True, rows[:UPCOMING_LIMIT]
        for r in rows:
            d = _next_on(r["md"], days)
            delta = (d - today).days
            items.append(
                {
                    "lead_id": r["lead_id"],
                    "lead_name": r["lead_name"],
                    "what": what,
                    "date": d.isoformat(),
                    "sort": f"{delta:02d}{what}{r['lead_name']}",
                    "when": "Today"
                    if delta == 0
                    else (
                        "Tomorrow"
                        if delta == 1
                        else f"{d.strftime('%a')} {d.strftime('%b')} {d.day}"
                    ),
                }
            )
    items.sort(key=lambda i: i["sort"])
    return {"items": items[:UPCOMING_LIMIT], "more": more or len(items) > UPCOMING_LIMIT}
