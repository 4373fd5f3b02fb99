"""The rating's arithmetic (R1): each activity's term, the score buckets, the stars and the why.

services/rating.py explains the formula and writes the scores; nothing here writes.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, Lead, RatingCutoff, as_utc, utcnow
from leadapp.models.enums import ACTIVITY_KINDS

from .rows import read, table_of

WEIGHTS = {
    "info_request": 10.0,
    "showing_request": 10.0,
    "valuation_request": 8.0,
    "contact_request": 8.0,
    "saved_search": 5.0,
    "saved_listing": 4.0,
    "email_click": 3.0,
    "listing_view": 1.0,
    "signup": 1.0,
    "search": 0.5,
}
HALF_LIFE_DAYS = 30.0
TAU_SECONDS = HALF_LIFE_DAYS * 86400 / math.log(2)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
WINDOW = timedelta(days=182)
BUCKETS_PER_OCTAVE = 16
REFRESH_EVERY = timedelta(seconds=60)


def term(kind: str, occurred_at: datetime) -> float:
    """One activity's contribution to the forward-decayed score."""
    return WEIGHTS.get(kind, 0.0) * math.exp(
        (as_utc(occurred_at) - EPOCH).total_seconds() / TAU_SECONDS
    )


def decayed(score: float, now: datetime | None = None) -> float:
    """The stored score as an ordinary decayed score at `now` (points, for explanations)."""
    now = now or utcnow()
    return score * math.exp(-(now - EPOCH).total_seconds() / TAU_SECONDS)


# ------------------------------------------------------------------ stars


class Terciles(NamedTuple):
    """A brokerage's two cut-offs alone (get_terciles): where 2 and 3 stars begin."""

    low: float
    high: float


def stars(
    score: float,
    last_activity_at: datetime | None,
    cutoff: RatingCutoff | Terciles | None,
    now: datetime | None = None,
) -> int:
    now = now or utcnow()
    last_activity_at = as_utc(last_activity_at)
    if last_activity_at is None or last_activity_at < now - WINDOW or score <= 0:
        return 0
    if cutoff is None:
        return 1
    if score >= cutoff.high:
        return 3
    if score >= cutoff.low:
        return 2
    return 1


def stars_expr(cutoff: RatingCutoff | None, now: datetime | None = None):
    """SQL expression giving each lead's stars (for sorting and filtering in the database)."""
    now = now or utcnow()
    low = cutoff.low if cutoff else float("inf")
    high = cutoff.high if cutoff else float("inf")
    return sa.case(
        (
            sa.or_(
                col(Lead.last_activity_at).is_(None),
                col(Lead.last_activity_at) < now - WINDOW,
                col(Lead.rating_score) <= 0,
            ),
            0,
        ),
        (col(Lead.rating_score) >= high, 3),
        (col(Lead.rating_score) >= low, 2),
        else_=1,
    )


def get_cutoff(session: Session, brokerage_id: int) -> RatingCutoff | None:
    return session.get(RatingCutoff, brokerage_id)


_TERCILES = sa.select(table_of(RatingCutoff).c.low, table_of(RatingCutoff).c.high).where(
    table_of(RatingCutoff).c.brokerage_id == sa.bindparam("brokerage_id")
)


def get_terciles(session: Session, brokerage_id: int) -> Terciles | None:
    """The brokerage's two cut-offs as stored, for stars() (without loading the row)."""
    row = read(session, _TERCILES, {"brokerage_id": brokerage_id}).first()
    return None if row is None else Terciles(row.low, row.high)


# ------------------------------------------------------------------ score buckets


def bucket_low(b: int) -> float:
    """Smallest score of bucket b (bucket b holds bucket_low(b) <= score < bucket_low(b + 1))."""
    return 2.0 ** (b / BUCKETS_PER_OCTAVE)


def bucket_of(score: float) -> int | None:
    """The bucket of a positive score (None for 0), consistent with bucket_low by construction."""
    if not score or score <= 0:
        return None
    b = math.floor(math.log2(score) * BUCKETS_PER_OCTAVE)
    while score < bucket_low(b):
        b -= 1
    while score >= bucket_low(b + 1):
        b += 1
    return b


# ------------------------------------------------------------------ why (P4)


def explain(session: Session, lead: Lead, now: datetime | None = None, limit: int = 5) -> dict:
    """The lead's stars and the activities that contributed most, with their points now."""
    now = now or utcnow()
    cutoff = get_cutoff(session, lead.brokerage_id)
    n_stars = stars(lead.rating_score or 0.0, lead.last_activity_at, cutoff, now)
    rows = session.execute(
        select(Activity.id, Activity.kind, Activity.occurred_at, Activity.mls_number).where(
            Activity.lead_id == lead.id, Activity.occurred_at >= now - WINDOW
        )
    ).all()
    scored = [(decayed(term(k, t), now), i, k, as_utc(t), m) for i, k, t, m in rows]
    total = sum(s[0] for s in scored)
    scored.sort(key=lambda s: (-s[0], -s[1]))
    top = [
        {
            "activity_id": i,
            "kind": k,
            "label": ACTIVITY_KINDS.get(k, k),
            "occurred_at": t.isoformat(),
            "mls_number": m,
            "points": round(p, 2),
            "share": round(100 * p / total) if total else 0,
        }
        for p, i, k, t, m in scored[:limit]
    ]
    return {"stars": n_stars, "points": round(total, 2), "activities": len(rows), "top": top}
