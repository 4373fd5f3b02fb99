"""Lead rating (R1): a forward-decayed activity score and stars by tercile.

The formula
-----------
Each website activity of a lead contributes

    term = WEIGHTS[kind] * exp((occurred_at - EPOCH) / TAU)          (TAU: 30-day half-life)

and a lead's stored score is the sum of the terms of its activities in the six-month
window (occurred at or after the brokerage's `RatingCutoff.aged_until`).

Multiplying every score by the common factor exp(-(now - EPOCH) / TAU) gives the usual
exponentially decayed score (an info request today is worth 10 points, one a month ago 5,
two months ago 2.5 ...). That factor is the same for every lead, so the ranking — and so
the stars — can be taken from the stored scores directly, and a new activity only adds
its one term to its one lead: no lead is rewritten when time passes. (The terms grow by
2x a month; doubles hold them until about the year 2100, when EPOCH must move.)

Weights: info and showing requests weigh most, then valuation and contact requests, saved
searches, favourites (saved listings), email click-throughs, sign-ups and listing views,
then plain searches.

Stars: among leads with activity in the last six months (score > 0) sorted by score, with
n of them, `low` is the score at position n//3 and `high` the one at position 2n//3
(0-based, ascending); a lead has 3 stars when score >= high, 2 when score >= low, else 1.
Leads without activity in six months have 0 stars. Ratings cannot be set by hand.

How it stays cheap
------------------
- `apply_terms` (called by services/activity/ in the event's transaction) adds the new
  terms to the leads and moves each lead between log-scale score buckets
  (`rating_bucket`, 16 per doubling): a few rows per batch.
- `refresh_cutoffs` reads the bucket counts (a few hundred rows), finds the bucket holding
  each tercile position and reads that one position from the (brokerage, score) index:
  milliseconds at a million leads. Event batches refresh it when it is over a minute old;
  the "rating-cutoffs" job refreshes it every minute too.
- `age_out` (the hourly "rating-ageing" job) subtracts the terms of activities that have
  just left the window and moves `aged_until` forward.

Modules: `rating_score` (the formula, the buckets, the stars and `explain`), this one (the
writers: the lock, new terms, the cut-offs, the ageing, `count_at_least`), `rating_check`
(`check`). Callers import every name from here.

Every writer of scores takes the brokerage's rating lock first (`lock`, an UPDATE of its
`rating_cutoff` row), so scores, buckets and the watermark change in one order — exact on
PostgreSQL under concurrent requests, and on SQLite where writers are serialised anyway.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, Lead, RatingBucket, RatingCutoff, as_utc, utcnow
from leadapp.services.bulk import dialect_insert, update_rows
from leadapp.services.rows import matched, table_of

from .rating_check import check, expected_scores
from .rating_score import (
    BUCKETS_PER_OCTAVE,
    EPOCH,
    HALF_LIFE_DAYS,
    REFRESH_EVERY,
    TAU_SECONDS,
    WEIGHTS,
    WINDOW,
    bucket_low,
    bucket_of,
    decayed,
    explain,
    get_cutoff,
    get_terciles,
    stars,
    stars_expr,
    term,
)

__all__ = [
    "BUCKETS_PER_OCTAVE",
    "EPOCH",
    "HALF_LIFE_DAYS",
    "REFRESH_EVERY",
    "TAU_SECONDS",
    "WEIGHTS",
    "WINDOW",
    "age_out",
    "apply_terms",
    "bucket_low",
    "bucket_of",
    "check",
    "count_at_least",
    "decayed",
    "expected_scores",
    "explain",
    "get_cutoff",
    "get_terciles",
    "lock",
    "maybe_refresh",
    "refresh_cutoffs",
    "stars",
    "stars_expr",
    "term",
]


def _add_buckets(session: Session, brokerage_id: int, deltas: Counter) -> None:
    rows = [
        {"brokerage_id": brokerage_id, "bucket": b, "count": d}
        for b, d in sorted(deltas.items())
        if d
    ]
    if not rows:
        return
    table = table_of(RatingBucket)
    ins = dialect_insert(session, table)
    session.execute(
        ins.on_conflict_do_update(
            index_elements=["brokerage_id", "bucket"],
            set_={"count": table.c.count + ins.excluded.count},
        ),
        rows,
    )


def _rebuild_buckets(session: Session, brokerage_id: int) -> None:
    counts: Counter = Counter()
    q = select(Lead.rating_score).where(Lead.brokerage_id == brokerage_id, Lead.rating_score > 0)
    for (s,) in session.execute(q).yield_per(100_000):
        counts[bucket_of(s)] += 1
    session.execute(sa.delete(RatingBucket).where(col(RatingBucket.brokerage_id) == brokerage_id))
    _add_buckets(session, brokerage_id, counts)


# ------------------------------------------------------------------ the rating lock and watermark


def lock(session: Session, brokerage_id: int, now: datetime | None = None) -> RatingCutoff:
    """Take the brokerage's rating lock (held until the transaction ends); returns its cutoff row.

    The first time, creates the row, sets the watermark to now - WINDOW and counts the
    buckets from the stored scores (demo data and bulk loads write scores directly).
    """
    now = now or utcnow()
    table = table_of(RatingCutoff)
    take = (  # a no-op UPDATE: its row lock is the rating lock
        sa.update(table)
        .where(table.c.brokerage_id == brokerage_id)
        .values(active_leads=table.c.active_leads)
    )
    if matched(session.execute(take)) == 0:
        session.execute(
            dialect_insert(session, table)
            .values(brokerage_id=brokerage_id, low=0.0, high=0.0, active_leads=0, computed_at=EPOCH)
            .on_conflict_do_nothing()
        )
        session.execute(take)
    cutoff = session.get_one(RatingCutoff, brokerage_id, populate_existing=True)
    if cutoff.aged_until is None:
        cutoff.aged_until = now - WINDOW
        _rebuild_buckets(session, brokerage_id)
        session.add(cutoff)
        session.flush()
    return cutoff


def apply_terms(
    session: Session, brokerage_id: int, changes: dict[int, tuple[float, float, datetime | None]]
) -> None:
    """Store new scores: changes = {lead_id: (old_score, new_score, new_last_activity_at)}.

    The caller holds the rating lock and read old_score under it.
    """
    deltas: Counter = Counter()
    rows = []
    for lead_id, (old, new, last) in changes.items():
        bo, bn = bucket_of(old), bucket_of(new)
        if bo != bn:
            if bo is not None:
                deltas[bo] -= 1
            if bn is not None:
                deltas[bn] += 1
        rows.append((lead_id, new, last))
    # One statement for the batch (a page of VALUES on PostgreSQL, see bulk.update_rows).
    update_rows(
        session.connection(), table_of(Lead), "id", ("rating_score", "last_activity_at"), rows
    )
    _add_buckets(session, brokerage_id, deltas)


def refresh_cutoffs(
    session: Session, brokerage_id: int, now: datetime | None = None
) -> RatingCutoff:
    """Recompute the tercile boundaries from the bucket counts (no lead is rewritten)."""
    now = now or utcnow()
    cutoff = lock(session, brokerage_id, now)
    buckets = session.execute(
        select(RatingBucket.bucket, RatingBucket.count)
        .where(RatingBucket.brokerage_id == brokerage_id, RatingBucket.count > 0)
        .order_by(col(RatingBucket.bucket))
    ).all()
    n = sum(c for _, c in buckets)

    def nth(k: int) -> float:
        for b, c in buckets:
            if k < c:
                return (
                    session.execute(
                        select(Lead.rating_score)
                        .where(
                            Lead.brokerage_id == brokerage_id,
                            Lead.rating_score >= bucket_low(b),
                            Lead.rating_score < bucket_low(b + 1),
                        )
                        .order_by(col(Lead.rating_score))
                        .offset(k)
                        .limit(1)
                    ).scalar()
                    or 0.0
                )
            k -= c
        return 0.0

    cutoff.low = nth(n // 3) if n else 0.0
    cutoff.high = nth((2 * n) // 3) if n else 0.0
    cutoff.active_leads = n
    cutoff.computed_at = now
    session.add(cutoff)
    return cutoff


def maybe_refresh(session: Session, cutoff: RatingCutoff, now: datetime) -> None:
    """Refresh the cut-offs when they are over REFRESH_EVERY old (caller holds the lock)."""
    if as_utc(cutoff.computed_at) is None or as_utc(cutoff.computed_at) < now - REFRESH_EVERY:
        refresh_cutoffs(session, cutoff.brokerage_id, now)


def count_at_least(session: Session, cutoff: RatingCutoff, score: float, now: datetime) -> int:
    """How many of the brokerage's leads (not deleted) have at least `score` (> 0) and activity in
    the window.

    From the bucket counts, so it stays cheap at a million leads: the buckets above the
    one holding `score`, plus that bucket's leads at or above it, less the deleted ones and
    the few whose last activity just left the window but whose terms the hourly ageing has
    not yet taken away (a positive score means activity since `aged_until`: the ageing zeroes
    a lead whose last activity leaves the window, and `check` — `leadapp db check` — verifies
    every stored score). One statement.
    """
    b = bucket_of(score)
    assert b is not None  # a positive score has a bucket
    bid = cutoff.brokerage_id

    def n_leads(*where):
        return (
            select(sa.func.count())
            .select_from(Lead)
            .where(Lead.brokerage_id == bid, *where)
            .scalar_subquery()
        )

    stale = [
        col(Lead.last_activity_at) < now - WINDOW,
        Lead.status != "deleted",
        Lead.rating_score >= score,
    ]
    if cutoff.aged_until is not None:
        stale.append(col(Lead.last_activity_at) >= cutoff.aged_until)
    above = (
        select(sa.func.coalesce(sa.func.sum(RatingBucket.count), 0))
        .where(RatingBucket.brokerage_id == bid, col(RatingBucket.bucket) > b)
        .scalar_subquery()
    )
    edge = n_leads(Lead.rating_score >= score, Lead.rating_score < bucket_low(b + 1))
    deleted = n_leads(Lead.status == "deleted", Lead.rating_score >= score)
    return int(session.execute(select(above + edge - deleted - n_leads(*stale))).scalar_one())


# ------------------------------------------------------------------ ageing and rebuilding


def age_out(session: Session, brokerage_id: int, now: datetime | None = None) -> int:
    """Subtract the terms of activities that left the six-month window; returns leads changed."""
    now = now or utcnow()
    cutoff = lock(session, brokerage_id, now)
    old_w, new_w = as_utc(cutoff.aged_until), now - WINDOW
    assert old_w is not None  # lock() set the watermark
    changed = 0
    if new_w > old_w:
        minus: dict[int, float] = {}
        for lead_id, kind, occurred in session.execute(
            select(Activity.lead_id, Activity.kind, Activity.occurred_at).where(
                Activity.brokerage_id == brokerage_id,
                col(Activity.occurred_at) >= old_w,
                Activity.occurred_at < new_w,
            )
        ):
            minus[lead_id] = minus.get(lead_id, 0.0) + term(kind, occurred)
        changes = {}
        ids = list(minus)
        for start in range(0, len(ids), 500):
            for lid, score, last in session.execute(
                select(Lead.id, Lead.rating_score, Lead.last_activity_at).where(
                    col(Lead.id).in_(ids[start : start + 500])
                )
            ):
                last = as_utc(last)
                new = 0.0 if last is None or last < new_w else max(score - minus[lid], 0.0)
                changes[lid] = (score, new, last)
        apply_terms(session, brokerage_id, changes)
        changed = len(changes)
        cutoff.aged_until = new_w
        session.add(cutoff)
    refresh_cutoffs(session, brokerage_id, now)
    return changed
