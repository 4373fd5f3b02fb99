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

Every writer of scores takes the brokerage's rating lock first (`lock`, an UPDATE of its
`rating_cutoff` row), so scores, buckets and the watermark change in one order — exact on
PostgreSQL under concurrent requests, and on SQLite where writers are serialised anyway.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadapp.models import Activity, Lead, RatingBucket, RatingCutoff, as_utc, utcnow
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.services.bulk import update_rows
from leadapp.services.rows import matched

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


def stars(
    score: float,
    last_activity_at: datetime | None,
    cutoff: RatingCutoff | None,
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


def _add_buckets(session: Session, brokerage_id: int, deltas: Counter) -> None:
    rows = [
        {"brokerage_id": brokerage_id, "bucket": b, "count": d}
        for b, d in sorted(deltas.items())
        if d
    ]
    if not rows:
        return
    table = RatingBucket.__table__
    ins = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        table
    )
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
    table = RatingCutoff.__table__
    res = session.execute(
        sa.update(table)
        .where(table.c.brokerage_id == brokerage_id)
        .values(active_leads=table.c.active_leads)
    )
    if matched(res) == 0:
        ins = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )(table)
        session.execute(
            ins.values(
                brokerage_id=brokerage_id, low=0.0, high=0.0, active_leads=0, computed_at=EPOCH
            ).on_conflict_do_nothing()
        )
        session.execute(
            sa.update(table)
            .where(table.c.brokerage_id == brokerage_id)
            .values(active_leads=table.c.active_leads)
        )
    cutoff = session.get(RatingCutoff, brokerage_id, populate_existing=True)
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
        session.connection(), Lead.__table__, "id", ("rating_score", "last_activity_at"), rows
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
    return int(session.execute(select(above + edge - deleted - n_leads(*stale))).scalar())


# ------------------------------------------------------------------ ageing and rebuilding


def age_out(session: Session, brokerage_id: int, now: datetime | None = None) -> int:
    """Subtract the terms of activities that left the six-month window; returns leads changed."""
    now = now or utcnow()
    cutoff = lock(session, brokerage_id, now)
    old_w, new_w = as_utc(cutoff.aged_until), now - WINDOW
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
