"""The exact number of leads a query matches.

When every applied filter is a dimension of the `lead_rollup` summary table (agent, status,
stage, closed year, source, subscribed, type), the count is a sum over a few rollup rows; a
brokerage-wide rating filter adds up the rating buckets (rating.count_at_least); otherwise
it is a COUNT over the plan's WHERE clause.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import Lead, LeadRollup, User
from leadapp.services import rating
from leadapp.services.rows import Shapes

from .params import LeadQuery
from .plan import _Plan, _plan


def count(session: Session, user: User, query: LeadQuery, now: datetime | None = None) -> int:
    """The exact number of leads matching `query` that `user` may see."""
    return _count(session, _plan(session, user, query, now))


def _build_count(flags: tuple, where) -> sa.Select:
    """A sum over lead_rollup rows (flags ("rollup",)) or a COUNT of leads matching `where`."""
    if flags == ("rollup",):
        return sa.select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(*where)
    return sa.select(sa.func.count()).select_from(Lead).where(*where)


_COUNTS = Shapes(_build_count)


def _rollup_sum(session: Session, conditions: list) -> int:
    """The leads of the lead_rollup rows matching `conditions`."""
    return int(_COUNTS.read(session, ("rollup",), (conditions,), {}).scalar_one())


def _count(session: Session, plan: _Plan) -> int:
    if plan.empty:
        return 0
    if plan.stars_at is not None:
        return _count_stars(session, plan, plan.stars_at)
    if plan.rollup is not None:
        return _rollup_sum(session, plan.rollup)
    return int(_COUNTS.read(session, ("lead",), (plan.where,), {}).scalar_one())


def _count_stars(session: Session, plan: _Plan, now: datetime) -> int:
    """A rating-only count of the brokerage's (not deleted) leads, from the rating buckets.

    With C(x) = leads with score >= x and activity in the window: 3 stars = C(high),
    2 = C(low) - C(high), 1 = C(> 0) - C(low), 0 = all - C(> 0) — the ranges _rating_clause reads.
    """
    cutoff = plan.cutoff
    smallest = 5e-324  # score >= smallest <=> score > 0
    seen: dict[float, int] = {}

    def c(bound: float) -> int:
        bound = max(bound, smallest)
        if bound not in seen:
            seen[bound] = rating.count_at_least(session, cutoff, bound, now)
        return seen[bound]

    def total() -> int:
        return _rollup_sum(session, plan.rollup_base)

    by_stars = {
        3: lambda: c(cutoff.high),
        2: lambda: c(cutoff.low) - c(cutoff.high),
        1: lambda: c(smallest) - c(cutoff.low),
        0: lambda: total() - c(smallest),
    }
    return sum(by_stars[r]() for r in set(plan.query.ratings))
