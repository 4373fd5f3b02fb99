"""The rating recounted from the activities: `check` (`leadapp db check`), the expected scores."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, Lead, RatingBucket, as_utc

from .rating_score import bucket_of, get_cutoff, term


def expected_scores(session: Session, brokerage_id: int, since: datetime) -> tuple[dict, dict]:
    """Scores and last-activity times recomputed from the activities (for checks and rebuilds)."""
    scores: dict[int, float] = {}
    last: dict[int, datetime] = {}
    q = select(Activity.lead_id, Activity.kind, Activity.occurred_at).where(
        Activity.brokerage_id == brokerage_id, Activity.occurred_at >= since
    )
    for lead_id, kind, occurred in session.execute(q).yield_per(100_000):
        scores[lead_id] = scores.get(lead_id, 0.0) + term(kind, occurred)
    for lead_id, ts in session.execute(
        select(Activity.lead_id, sa.func.max(Activity.occurred_at))
        .where(Activity.brokerage_id == brokerage_id)
        .group_by(col(Activity.lead_id))
    ):
        last[lead_id] = as_utc(ts)
    return scores, last


def check(session: Session, brokerage_id: int) -> list[str]:
    """Differences between stored scores / buckets and a recomputation (empty when exact)."""
    cutoff = get_cutoff(session, brokerage_id)
    if cutoff is None or cutoff.aged_until is None:
        return []
    want, _ = expected_scores(session, brokerage_id, as_utc(cutoff.aged_until))
    problems = []
    have_buckets: Counter = Counter()
    for lid, score in session.execute(
        select(Lead.id, Lead.rating_score).where(Lead.brokerage_id == brokerage_id)
    ):
        w = want.get(lid, 0.0)
        if abs(score - w) > 1e-9 * max(abs(w), 1.0):
            problems.append(f"lead {lid}: stored score {score!r}, recomputed {w!r}")
        if score > 0:
            have_buckets[bucket_of(score)] += 1
    stored = {
        b: c
        for b, c in session.execute(
            select(RatingBucket.bucket, RatingBucket.count).where(
                RatingBucket.brokerage_id == brokerage_id
            )
        )
        if c
    }
    if stored != dict(have_buckets):
        problems.append(f"buckets: stored {stored}, recount {dict(have_buckets)}")
    return problems
