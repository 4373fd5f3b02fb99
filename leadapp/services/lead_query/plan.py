"""A LeadQuery as WHERE clauses for one user (G2, G3), and as lead_rollup conditions when
every applied filter is a dimension of that summary table.

Every plan starts from `access.lead_visibility(user)`, so an agent sees only their own
leads (plus the unassigned pool in view=unassigned, when the brokerage allows it), whatever
the parameters say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import EmailSuppression, Lead, LeadRollup, LeadTag, RatingCutoff, User, utcnow
from leadapp.services import access, rating
from leadapp.services import tags as tag_service
from leadapp.services.rows import read, table_of

from .params import DEFAULT_DIR, DEFAULT_SORT, LeadQuery
from .search import search_clause


@dataclass
class _Plan:
    where: list = field(default_factory=list)
    # When set, the exact count is a sum over these lead_rollup conditions.
    rollup: list | None = None
    empty: bool = False  # a condition that matches nothing (e.g. an unknown tag)
    # the query after dropping what this user may not ask
    query: LeadQuery = field(default_factory=LeadQuery)
    cutoff: Any = False  # the rating cut-offs when the plan read them
    # When set (a broker's whole-brokerage view filtered by rating only): count the stars
    # from the rating buckets (rating.count_at_least), at this time.
    stars_at: datetime | None = None
    # the lead_rollup conditions of the filters it can count
    rollup_base: list = field(default_factory=list)
    # SQLite search: statements counting an upper bound of its matches (see _search_page)
    search_bounds: list = field(default_factory=list)


def _rating_clause(cutoff, ratings: tuple[int, ...], now: datetime):
    """Stars as ranges of the score (rating.stars), so the rating index bounds each range."""
    since = now - rating.WINDOW
    recent = col(Lead.last_activity_at) >= since

    def above(bound: float):
        # One lower bound on the score (the tighter of > 0 and >= bound) keeps the index range
        # short.
        return col(Lead.rating_score) >= bound if bound > 0 else col(Lead.rating_score) > 0

    parts = []
    for r in ratings:
        if r == 0:
            parts.append(
                sa.or_(
                    col(Lead.last_activity_at).is_(None),
                    col(Lead.last_activity_at) < since,
                    col(Lead.rating_score) <= 0,
                )
            )
        elif cutoff is None:
            if r == 1:
                parts.append(sa.and_(recent, col(Lead.rating_score) > 0))
        elif r == 3:
            parts.append(sa.and_(recent, above(cutoff.high)))
        elif r == 2:
            parts.append(sa.and_(recent, above(cutoff.low), col(Lead.rating_score) < cutoff.high))
        elif r == 1:
            parts.append(
                sa.and_(recent, col(Lead.rating_score) > 0, col(Lead.rating_score) < cutoff.low)
            )
    return sa.or_(*parts) if parts else sa.false()


_CUTOFF = sa.select(
    table_of(RatingCutoff).c.brokerage_id,
    table_of(RatingCutoff).c.low,
    table_of(RatingCutoff).c.high,
    table_of(RatingCutoff).c.aged_until,
).where(table_of(RatingCutoff).c.brokerage_id == sa.bindparam("brokerage_id"))


def _cutoff(session: Session, brokerage_id: int) -> RatingCutoff | None:
    """The brokerage's rating cut-offs (low, high) or None: what rating.stars needs."""
    return _cutoff_of(brokerage_id, read(session, _CUTOFF, {"brokerage_id": brokerage_id}).first())


def _cutoff_of(brokerage_id: int, row) -> RatingCutoff | None:
    """_CUTOFF's columns (a Core row, not an ORM instance; None or NULLs: no cut-offs) in a
    SimpleNamespace with the attributes of a RatingCutoff that rating.stars and the rating
    clauses read."""
    if row is None or row[0] is None:
        return None
    values = SimpleNamespace(brokerage_id=brokerage_id, low=row[1], high=row[2], aged_until=row[3])
    return cast(RatingCutoff, values)


def _plan(session: Session, user: User, query: LeadQuery, now: datetime | None = None) -> _Plan:
    now = now or utcnow()
    broker = access.is_broker(user)
    plan = _Plan()
    # Who: visibility first (G2, G3); then the agent filter (brokers only).
    view = query.view
    agent = query.agent if broker else ""
    if view == "unassigned":
        if broker:
            agent = "unassigned"
        elif not access.pool_enabled(session, user):
            view = ""
    if view == "unassigned" and not broker:
        plan.where.append(access.lead_visibility(user, include_pool=True))
        plan.where.append(col(Lead.assigned_agent_id).is_(None))
        agent_keys = [0]
    else:
        plan.where.append(access.lead_visibility(user))
        agent_keys = None if broker else [user.id]
    if agent == "unassigned":
        plan.where.append(col(Lead.assigned_agent_id).is_(None))
        agent_keys = [0]
    elif agent:
        plan.where.append(col(Lead.assigned_agent_id) == int(agent))
        agent_keys = [int(agent)]
    sort = query.sort if (broker or query.sort != "agent") else DEFAULT_SORT
    plan.query = query.with_(
        view=view,
        agent=agent if broker and view != "unassigned" else "",
        sort=sort,
        dir=query.dir if sort == query.sort else DEFAULT_DIR,
    )

    rollup = [col(LeadRollup.brokerage_id) == user.brokerage_id]
    if agent_keys is not None:
        rollup.append(col(LeadRollup.agent_key).in_(agent_keys))
    rollup_ok = True

    if query.statuses:
        plan.where.append(col(Lead.status).in_(query.statuses))
        rollup.append(col(LeadRollup.status).in_(query.statuses))
    else:  # the default view hides deleted leads (L6)
        plan.where.append(col(Lead.status) != "deleted")
        rollup.append(col(LeadRollup.status) != "deleted")
    if query.stages:
        plan.where.append(col(Lead.stage).in_(query.stages))
        rollup.append(col(LeadRollup.stage).in_(query.stages))
    if query.closed_year:
        start = datetime(query.closed_year, 1, 1, tzinfo=UTC)
        end = datetime(query.closed_year + 1, 1, 1, tzinfo=UTC)
        plan.where += [
            col(Lead.stage) == "closed",
            col(Lead.stage_entered_at) >= start,
            col(Lead.stage_entered_at) < end,
        ]
        rollup += [
            col(LeadRollup.stage) == "closed",
            col(LeadRollup.closed_year) == query.closed_year,
        ]
    if query.source:
        plan.where.append(col(Lead.source) == query.source)
        rollup.append(col(LeadRollup.source) == query.source)
    if query.subscribed:
        yes = query.subscribed == "yes"
        plan.where.append(
            col(Lead.active_subscriptions) > 0 if yes else col(Lead.active_subscriptions) <= 0
        )
        rollup.append(col(LeadRollup.subscribed) == yes)
    if query.email == "bounced":
        plan.where.append(
            sa.exists().where(
                col(EmailSuppression.brokerage_id) == Lead.brokerage_id,
                col(EmailSuppression.address) == sa.func.lower(Lead.email),
                col(EmailSuppression.kind) == "bounced",
            )
        )
        rollup_ok = False
    if query.types:
        plan.where.append(col(Lead.lead_type).in_(query.types))
        rollup.append(col(LeadRollup.lead_type).in_(query.types))
    if query.ratings:
        plan.cutoff = _cutoff(session, user.brokerage_id)
        plan.where.append(_rating_clause(plan.cutoff, query.ratings, now))
        rollup_ok = False
        if (
            plan.cutoff is not None
            and agent_keys is None
            and not query.statuses
            and len(rollup) == 2
            and not (query.tags or query.idle or query.q)
        ):  # the brokerage, not deleted: nothing else
            plan.stars_at = now
    if query.tags:
        tag_ids = list(tag_service.ids_by_name(session, user.brokerage_id, query.tags).values())
        if not tag_ids:
            plan.empty = True
        plan.where.append(
            col(Lead.id).in_(
                select(LeadTag.lead_id).where(col(LeadTag.tag_id).in_(tag_ids or [-1]))
            )
        )
        rollup_ok = False
    if query.idle:
        since = now - timedelta(
            days=query.idle
        )  # no call, quick event or message since (Lead.last_contacted_at)
        plan.where.append(
            sa.or_(col(Lead.last_contacted_at).is_(None), col(Lead.last_contacted_at) < since)
        )
        rollup_ok = False
    if query.q:
        clause = search_clause(session, user.brokerage_id, query.q, plan.search_bounds)
        if clause is not None:
            plan.where.append(clause)
            rollup_ok = False
    plan.rollup = rollup if rollup_ok else None
    plan.rollup_base = rollup
    return plan
