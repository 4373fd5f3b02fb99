"""The dashboard's panels (D1-D8; D9 is services/tasks.todays_agenda).

Every panel is `fn(session, user, agent_id=None, ...)`: an agent always sees their own
leads (agent_id is ignored); a broker sees the whole brokerage, or one agent's leads when
agent_id names a user of the brokerage. Leads with status Deleted are left out everywhere,
as in the lead list's default view, so each number here is the count the linked lead list
shows.

Where the numbers come from (fast at a million leads / ten million activities):
- D2 `lead_activity_day`, D3 D5 D6 and "new leads not contacted" `lead_rollup`, D8
  `activity_monthly`: summary tables kept exact in the writing transactions
  (services/rollups/), read a few hundred rows at most;
- D4 "what you did" `history_day` (per user and UTC day) plus the history of the window's
  first, partial day; "3-star leads not contacted" the rating buckets (services/rating.py)
  less the leads contacted lately (Lead.last_contacted_at, indexed);
- D1 the (brokerage, time) activity index, keyset-paged; D7 the birthday/anniversary
  (month*100+day) indexes; overdue tasks the (brokerage|owner, open, due) task indexes.

Days: "today" and the next seven days follow the user's time zone (D4 birthdays, D7);
"activity in the last 30 days" (D2) counts leads whose last activity fell on one of the
last 30 UTC days (today included) — the granularity of its summary table; months (D8) are
UTC calendar months.

Modules, one per panel group: `feed` (D1), `shares` (D2, D3, D5, D6 from the roll-ups),
`actions` (D4), `dates` (D7), `months` (D8), `common` (the lead-list links, percentages).
This module is the one entry point (`load` for every panel at once, `agents`): import the
names from here.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from leadapp.models import User, as_utc, utcnow
from leadapp.services import access, people, tasks
from leadapp.services.access import Scope
from leadapp.services.access import dashboard_scope as scope

from .actions import (
    ACTION_DAYS,
    ACTION_KINDS,
    IDLE_DAYS_3STAR,
    action_center,
    done_counts,
    three_star_not_contacted,
)
from .common import lead_name, leads_url
from .dates import UPCOMING_DAYS, UPCOMING_LIMIT, upcoming_dates
from .feed import FEED_MAX_PAGE, FEED_PAGE, activity_feed, parse_cursor
from .months import SERIES, months_back, past_months
from .shares import ACTIVE_DAYS, FUNNEL, activity_share, funnel, sources, subscribed_share

__all__ = [
    "ACTION_DAYS",
    "ACTION_KINDS",
    "ACTIVE_DAYS",
    "FEED_MAX_PAGE",
    "FEED_PAGE",
    "FUNNEL",
    "IDLE_DAYS_3STAR",
    "SERIES",
    "UPCOMING_DAYS",
    "UPCOMING_LIMIT",
    "Scope",
    "action_center",
    "activity_feed",
    "activity_share",
    "agents",
    "done_counts",
    "funnel",
    "lead_name",
    "leads_url",
    "load",
    "months_back",
    "parse_cursor",
    "past_months",
    "scope",
    "sources",
    "subscribed_share",
    "three_star_not_contacted",
    "upcoming_dates",
]


def agents(session: Session, user: User) -> list[dict]:
    """The broker's agent selector: active users of the brokerage ([] for agents)."""
    if not access.is_broker(user):
        return []
    return [{"id": u.id, "name": u.name} for u in people.active_users(session, user.brokerage_id)]


def load(
    session: Session,
    user: User,
    agent_id=None,
    series: str = "actions",
    kind: str = "",
    now: datetime | None = None,
    agenda: bool = True,
) -> dict:
    """Every panel at once (what the dashboard shows on load and after a live change).

    agenda=False leaves out D9 (the page's AgendaState reads it itself)."""
    now = as_utc(now or utcnow())
    sc = scope(session, user, agent_id)
    aid = sc.agent_id if access.is_broker(user) else None
    return {
        "agent_id": sc.agent_id if access.is_broker(user) and sc.agent_id is not None else None,
        "feed": activity_feed(session, user, aid, kind, now=now),
        "active": activity_share(session, user, aid, now=now),
        "subscribed": subscribed_share(session, user, aid),
        "actions": action_center(session, user, aid, now=now),
        "funnel": funnel(session, user, aid, now=now),
        "sources": sources(session, user, aid),
        "upcoming": upcoming_dates(session, user, aid, now=now),
        "months": past_months(session, user, aid, series, now=now),
        "agenda": tasks.todays_agenda(session, user, now, aid) if agenda else None,
        "agents": agents(session, user),
    }
