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
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import EmailSuppression, Lead, LeadRollup, LeadTag, RatingCutoff, User, utcnow
from leadapp.services import access, rating
from leadapp.services import tags as tag_service

from .params import DEFAULT_DIR, DEFAULT_SORT, LeadQuery
from .search import search_clause


@dataclass
class _Plan:
    where: list = field(default_factory=list)
    # When set, the exact count is a sum over these lead_rollup conditions.
    rollup: list | None = None
    empty: bool = False  # a condition that matches nothing (e.g. an unknown tag)
    query: LeadQuery | None = None  # the query after dropping what this user may not ask
    cutoff: Any = False  # the rating cut-offs when the plan read them
    # When set (a broker's whole-brokerage view filtered by rating only): count the stars
    # from the rating buckets (rating.count_at_least), at this time.
    stars_at: datetime | None = None
    rollup_base: list = field(
        default_factory=list
    )  # the lead_rollup conditions of the filters it can count
    # SQLite search: statements counting an upper bound of its matches (see _search_page)
    search_bounds: list = field(default_factory=list)


def _rating_clause(cutoff, ratings: tuple[int, ...], now: datetime):
    """Stars as ranges of the score (rating.stars), so the rating index bounds each range."""
    since = now - rating.WINDOW
    recent = Lead.last_activity_at >= since

    def above(bound: float):
        # One lower bound on the score (the tighter of > 0 and >= bound) keeps the index range
        # short.
        return Lead.rating_score >= bound if bound > 0 else Lead.rating_score > 0

    parts = []
    for r in ratings:
        if r == 0:
            parts.append(
                sa.or_(
                    Lead.last_activity_at.is_(None),
                    Lead.last_activity_at < since,
                    Lead.rating_score <= 0,
                )
            )
        elif cutoff is None:
            if r == 1:
                parts.append(sa.and_(recent, Lead.rating_score > 0))
        elif r == 3:
            parts.append(sa.and_(recent, above(cutoff.high)))
        elif r == 2:
            parts.append(sa.and_(recent, above(cutoff.low), Lead.rating_score < cutoff.high))
        elif r == 1:
            parts.append(sa.and_(recent, Lead.rating_score > 0, Lead.rating_score < cutoff.low))
    return sa.or_(*parts) if parts else sa.false()


def _cutoff(session: Session, brokerage_id: int):
    """The brokerage's rating cut-offs (low, high) or None: what rating.stars needs."""
    row = (
        session.connection()
        .execute(
            sa.select(RatingCutoff.low, RatingCutoff.high, RatingCutoff.aged_until).where(
                RatingCutoff.brokerage_id == brokerage_id
            )
        )
        .first()
    )
    return (
        SimpleNamespace(
            brokerage_id=brokerage_id, low=row.low, high=row.high, aged_until=row.aged_until
        )
        if row
        else None
    )


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
        plan.where.append(Lead.assigned_agent_id.is_(None))
        agent_keys = [0]
    else:
        plan.where.append(access.lead_visibility(user))
        agent_keys = None if broker else [user.id]
    if agent == "unassigned":
        plan.where.append(Lead.assigned_agent_id.is_(None))
        agent_keys = [0]
    elif agent:
        plan.where.append(Lead.assigned_agent_id == int(agent))
        agent_keys = [int(agent)]
    sort = query.sort if (broker or query.sort != "agent") else DEFAULT_SORT
    plan.query = query.with_(
        view=view,
        agent=agent if broker and view != "unassigned" else "",
        sort=sort,
        dir=query.dir if sort == query.sort else DEFAULT_DIR,
    )

    rollup = [LeadRollup.brokerage_id == user.brokerage_id]
    if agent_keys is not None:
        rollup.append(LeadRollup.agent_key.in_(agent_keys))
    rollup_ok = True

    if query.statuses:
        plan.where.append(Lead.status.in_(query.statuses))
        rollup.append(LeadRollup.status.in_(query.statuses))
    else:  # the default view hides deleted leads (L6)
        plan.where.append(Lead.status != "deleted")
        rollup.append(LeadRollup.status != "deleted")
    if query.stages:
        plan.where.append(Lead.stage.in_(query.stages))
        rollup.append(LeadRollup.stage.in_(query.stages))
    if query.closed_year:
        start = datetime(query.closed_year, 1, 1, tzinfo=UTC)
        end = datetime(query.closed_year + 1, 1, 1, tzinfo=UTC)
        plan.where += [
            Lead.stage == "closed",
            Lead.stage_entered_at >= start,
            Lead.stage_entered_at < end,
        ]
        rollup += [LeadRollup.stage == "closed", LeadRollup.closed_year == query.closed_year]
    if query.source:
        plan.where.append(Lead.source == query.source)
        rollup.append(LeadRollup.source == query.source)
    if query.subscribed:
        yes = query.subscribed == "yes"
        plan.where.append(Lead.active_subscriptions > 0 if yes else Lead.active_subscriptions <= 0)
        rollup.append(LeadRollup.subscribed == yes)
    if query.email == "bounced":
        plan.where.append(
            sa.exists().where(
                EmailSuppression.brokerage_id == Lead.brokerage_id,
                EmailSuppression.address == sa.func.lower(Lead.email),
                EmailSuppression.kind == "bounced",
            )
        )
        rollup_ok = False
    if query.types:
        plan.where.append(Lead.lead_type.in_(query.types))
        rollup.append(LeadRollup.lead_type.in_(query.types))
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
            Lead.id.in_(select(LeadTag.lead_id).where(LeadTag.tag_id.in_(tag_ids or [-1])))
        )
        rollup_ok = False
    if query.idle:
        since = now - timedelta(
            days=query.idle
        )  # no call, quick event or message since (Lead.last_contacted_at)
        plan.where.append(sa.or_(Lead.last_contacted_at.is_(None), Lead.last_contacted_at < since))
        rollup_ok = False
    if query.q:
        clause = search_clause(session, user.brokerage_id, query.q, plan.search_bounds)
        if clause is not None:
            plan.where.append(clause)
            rollup_ok = False
    plan.rollup = rollup if rollup_ok else None
    plan.rollup_base = rollup
    return plan
