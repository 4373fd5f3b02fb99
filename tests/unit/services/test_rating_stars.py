"""R1: incremental scores and bucket-based terciles agree with a brute-force computation."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from leadapp.models import Lead, RatingCutoff
from leadapp.services import activity, rating, rollups, scheduled

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
KINDS = list(rating.WEIGHTS)


def brute_stars(
    events: list[tuple[str, str, datetime]], emails: list[str], now: datetime
) -> dict[str, int]:
    """From first principles: decayed weighted sums over the window, ranked, split in thirds."""
    score: dict[str, float] = {}
    for email, kind, t in events:
        if t >= now - rating.WINDOW:
            age = (now - t).total_seconds() / 86400
            score[email] = score.get(email, 0.0) + rating.WEIGHTS[kind] * 0.5 ** (
                age / rating.HALF_LIFE_DAYS
            )
    active = sorted(s for s in score.values())
    n = len(active)
    out = {}
    for e in emails:
        s = score.get(e)
        if s is None:
            out[e] = 0
            continue
        le = sum(1 for x in active if x <= s * (1 + 1e-12))  # leads at or below this score
        out[e] = 3 if le > (2 * n) // 3 else 2 if le > n // 3 else 1
    return out


def stored_stars(s: Session, brokerage_id: int, now: datetime) -> dict[str, int]:

    cutoff = s.get(RatingCutoff, brokerage_id)
    return {
        lead.email: rating.stars(lead.rating_score, lead.last_activity_at, cutoff, now)
        for lead in s.exec(select(Lead).where(col(Lead.brokerage_id) == brokerage_id))
    }


def test_stars_match_brute_force_on_random_data(engine, org):
    rng = random.Random(5)
    emails = [f"r{i}@example.com" for i in range(120)]
    events = []
    start = NOW - timedelta(days=300)
    for e in emails[:110]:  # ten leads never act
        for _ in range(rng.choice([1, 1, 2, 3, 5, 8, 20])):
            events.append(
                (e, rng.choice(KINDS), start + timedelta(seconds=rng.randrange(300 * 86400)))
            )
    rng.shuffle(events)
    bid = org.brokerage.id
    # Sign everyone up long ago (outside the window), then send the events in random batches,
    # with time moving forward between batches and ageing runs.
    with Session(engine) as s:
        activity.record_events(
            s,
            bid,
            [{"kind": "signup", "email": e, "occurred_at": "2025-01-01T00:00:00Z"} for e in emails],
            now=start,
        )
        s.commit()
    signups = [(e, "signup", datetime(2025, 1, 1, tzinfo=UTC)) for e in emails]
    clock = start
    i = 0
    while i < len(events):
        n = rng.randint(1, 60)
        chunk = events[i : i + n]
        i += n
        clock = max([clock] + [t for _, _, t in chunk])
        with Session(engine) as s:
            out = activity.record_events(
                s,
                bid,
                [{"kind": k, "email": e, "occurred_at": t.isoformat()} for e, k, t in chunk],
                now=clock,
            )
            assert out["errors"] == 0
            if rng.random() < 0.3:
                rating.age_out(s, bid, clock)
            s.commit()
    for now in (NOW, NOW + timedelta(days=40), NOW + timedelta(days=200)):
        with Session(engine) as s:
            rating.age_out(s, bid, now)
            s.commit()
            assert rating.check(s, bid) == []
            assert stored_stars(s, bid, now) == brute_stars(events + signups, emails, now)
            assert rollups.check(s, bid) == []
    with Session(engine) as s:  # after 200 more days nobody is active
        assert set(stored_stars(s, bid, NOW + timedelta(days=200)).values()) == {0}


def test_a_new_event_moves_the_lead_at_once(engine, org):

    bid = org.brokerage.id
    with Session(engine) as s:
        activity.record_events(
            s,
            bid,
            [
                {
                    "kind": "signup",
                    "email": f"m{i}@example.com",
                    "occurred_at": (NOW - timedelta(days=i)).isoformat(),
                }
                for i in range(9)
            ],
            now=NOW,
        )
        rating.refresh_cutoffs(s, bid, NOW)
        s.commit()
        weakest = s.exec(select(Lead).where(col(Lead.email) == "m8@example.com")).one()
        assert stored_stars(s, bid, NOW)["m8@example.com"] == 1
        activity.record_events(
            s,
            bid,
            [{"kind": "info_request", "email": "m8@example.com", "occurred_at": NOW.isoformat()}],
            now=NOW,
        )
        s.commit()
        s.refresh(weakest)
        assert (
            rating.stars(
                weakest.rating_score, weakest.last_activity_at, s.get(RatingCutoff, bid), NOW
            )
            == 3
        )


def test_explain_lists_the_top_activities(engine, org):

    bid = org.brokerage.id
    with Session(engine) as s:
        activity.record_events(
            s,
            bid,
            [
                {
                    "kind": "signup",
                    "email": "x@example.com",
                    "occurred_at": (NOW - timedelta(days=100)).isoformat(),
                },
                {
                    "kind": "listing_view",
                    "email": "x@example.com",
                    "occurred_at": (NOW - timedelta(days=1)).isoformat(),
                },
                {
                    "kind": "info_request",
                    "email": "x@example.com",
                    "occurred_at": (NOW - timedelta(days=2)).isoformat(),
                    "mls_number": "ML42",
                },
            ],
            now=NOW,
        )
        s.commit()
        lead = s.exec(select(Lead).where(col(Lead.email) == "x@example.com")).one()
        why = rating.explain(s, lead, NOW)
        assert [t["kind"] for t in why["top"]] == ["info_request", "listing_view", "signup"]
        assert why["top"][0]["mls_number"] == "ML42" and why["top"][0]["share"] > 80
        assert (
            abs(
                why["points"]
                - sum(
                    rating.WEIGHTS[k] * 0.5 ** (d / 30)
                    for k, d in (("signup", 100), ("listing_view", 1), ("info_request", 2))
                )
            )
            < 0.05
        )


def test_buckets_match_bucket_low():
    for s in [1e-3, 0.5, 1.0, 1.0000001, 2.0, 3.7, 2 ** (5 / 16), 4.2e10, 123456.789]:
        b = rating.bucket_of(s)
        assert b is not None
        assert rating.bucket_low(b) <= s < rating.bucket_low(b + 1)
    assert rating.bucket_of(0.0) is None


def test_jobs_refresh_and_age(engine, org):

    bid = org.brokerage.id
    with Session(engine) as s:
        activity.record_events(
            s,
            bid,
            [
                {
                    "kind": "info_request" if i else "signup",
                    "email": "j@example.com",
                    "occurred_at": (NOW - timedelta(days=100)).isoformat(),
                }
                for i in range(2)
            ],
            now=NOW,
        )
        s.commit()
    done = dict(scheduled.run_due(engine, NOW + timedelta(days=90)))
    assert "rating-cutoffs" in done and done["rating-ageing"] == "1 leads aged"
    with Session(engine) as s:
        lead = s.exec(select(Lead).where(col(Lead.email) == "j@example.com")).one()
        assert lead.rating_score == 0.0 and rating.check(s, bid) == []


def test_the_lead_pages_reasons_are_each_kinds_share_of_the_decayed_score(engine, org):
    from leadapp.services.lead_page import rating_explanation

    # Weights x half-lives by hand: info request 10 x 0.5 = 5; two listing views 1 + 0.5;
    # a saved listing 4 x 0.125 = 0.5; a search 0.5 x 0.25 = 0.125 (total 7.125); a sign-up
    # 200 days ago is outside the six-month window and counts for nothing.
    events = [
        ("signup", 200),  # first: it creates the lead
        ("info_request", 30),
        ("listing_view", 0),
        ("listing_view", 30),
        ("saved_listing", 90),
        ("search", 60),
    ]
    with Session(engine) as s:
        activity.record_events(
            s,
            org.brokerage.id,
            [
                {
                    "kind": kind,
                    "email": "why@example.com",
                    "occurred_at": (NOW - timedelta(days=days)).isoformat(),
                }
                for kind, days in events
            ],
            now=NOW,
        )
        s.commit()
        lead = s.exec(select(Lead).where(col(Lead.email) == "why@example.com")).one()
        info = rating_explanation(s, lead, NOW)
    assert info["reasons"] == [
        {"kind": "Info request", "count": 1, "share": 70},  # 5 / 7.125
        {"kind": "Listing view", "count": 2, "share": 21},  # 1.5 / 7.125
        {"kind": "Saved listing", "count": 1, "share": 7},  # 0.5 / 7.125
    ]
    assert info["summary"] == (
        "Mostly info request ×1 (70%), listing view ×2 (21%), saved listing ×1 (7%)"
    )
