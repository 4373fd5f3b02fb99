"""Bench (W1): website events through the service and over HTTP, each beside a raw
executemany of the same activity rows; tercile cut-off refresh at 1M leads."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from leadapp.bench import BenchContext, Row, bench
from leadapp.bench.common import bench_org, fresh_engine, insert_activities, served_api

N_LEADS = 5_000
N_EVENTS = 20_000
BATCH = 500
KINDS = ["listing_view", "search", "saved_listing", "info_request", "email_click", "saved_search"]


def _events(n: int, n_leads: int, seed: int = 1) -> list[dict]:
    from leadapp.models import utcnow

    rng = random.Random(seed)
    now = utcnow()
    return [
        {
            "kind": rng.choice(KINDS),
            "email": f"l{rng.randrange(n_leads)}@bench.test",
            "occurred_at": (now - timedelta(seconds=rng.randrange(90 * 86400))).isoformat(),
            "mls_number": f"ML{rng.randrange(9999)}",
            "idempotency_key": f"e{seed}-{i}",
        }
        for i in range(n)
    ]


def _raw_rows(bid: int, events: list[dict], lead_of: dict) -> list[tuple]:
    from leadapp.models import utcnow

    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    return [
        (
            bid,
            lead_of[e["email"]],
            e["kind"],
            e["occurred_at"].replace("T", " ")[:26],
            now,
            e["mls_number"],
            "",
            e["idempotency_key"],
        )
        for e in events
    ]


def _raw(ctx: BenchContext, name: str, n_leads: int, events: list[dict]) -> float:
    eng = fresh_engine(ctx.workdir / name, postgres=True)
    bid, _ = bench_org(eng, n_leads)
    with eng.connect() as c:
        lead_of = {e: i for i, e in c.exec_driver_sql("SELECT id, email FROM lead")}
    rows = _raw_rows(bid, events, lead_of)
    t = time.perf_counter()
    with eng.begin() as conn:
        insert_activities(conn, ("mls_number", "details", "idempotency_key"), rows, BATCH)
    raw_s = time.perf_counter() - t
    eng.dispose()
    return raw_s


def _rate_rows(name: str, size: str, n: int, app_s: float, raw_s: float, floor: int) -> list[Row]:
    """The row of a bench that records n events in app_s seconds; the target is `floor`
    events a second."""
    rate = n / app_s
    return [
        Row(
            name,
            size,
            app_s,
            raw_s,
            f">= {floor:,} events/s",
            ok=rate >= floor,
            note=f"{rate:,.0f}/s",
        )
    ]


@bench("api: events through the service", order=50)
def events_service(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp.services import activity

    n = 5_000 if ctx.quick else N_EVENTS
    events = _events(n, N_LEADS)
    eng = fresh_engine(ctx.workdir / "events_app.db", postgres=True)
    bid, _ = bench_org(eng, N_LEADS)
    t = time.perf_counter()
    for start in range(0, n, BATCH):  # one transaction per batch, as the API does
        with Session(eng, expire_on_commit=False) as s:
            out = activity.record_events(s, bid, events[start : start + BATCH])
            assert out["errors"] == 0
            s.commit()
    app_s = time.perf_counter() - t
    eng.dispose()
    raw_s = _raw(ctx, "events_raw.db", N_LEADS, events)
    return _rate_rows(
        "api: events through the service",
        f"{n:,} events, batches of {BATCH}",
        n,
        app_s,
        raw_s,
        5000,
    )


@bench("api: events over HTTP", order=51)
def events_http(ctx: BenchContext) -> list[Row]:
    import httpx

    n = 5_000 if ctx.quick else N_EVENTS
    events = _events(n, N_LEADS, seed=2)
    eng = fresh_engine(ctx.workdir / "http_app.db", postgres=True)
    _, key = bench_org(eng, N_LEADS)
    try:
        with (
            served_api(eng) as base,
            httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60
            ) as client,
        ):
            t = time.perf_counter()
            for start in range(0, n, BATCH):
                r = client.post("/api/v1/events", json={"events": events[start : start + BATCH]})
                assert r.status_code == 201, r.text[:300]
            app_s = time.perf_counter() - t
    finally:
        eng.dispose()
    raw_s = _raw(ctx, "http_raw.db", N_LEADS, events)
    return _rate_rows(
        "api: events over HTTP", f"{n:,} events, POST batches of {BATCH}", n, app_s, raw_s, 1000
    )


@bench("rating: tercile refresh", order=52)
def tercile_refresh(ctx: BenchContext) -> list[Row]:
    """Refresh at 1M leads (bucket counts + two short index reads) beside the naive ranking
    (count + two OFFSET scans of the score index) as the raw limit."""
    import numpy as np
    import sqlalchemy as sa
    from sqlmodel import Session, col

    from leadapp.bench import timed
    from leadapp.models import Lead, utcnow
    from leadapp.services import rating
    from leadapp.services.bulk import insert_rows
    from leadapp.services.lead_rows import lead_rows

    n = max(ctx.leads, 1_000_000) if not ctx.quick else ctx.leads
    eng = fresh_engine(ctx.workdir / "rating.db")
    bid, _ = bench_org(eng, 0)
    rng = np.random.default_rng(3)
    now = utcnow()
    now_txt = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    active = rng.random(n) < 0.6
    scores = np.where(active, rng.lognormal(20, 3, n), 0.0)
    with eng.begin() as c:
        insert_rows(
            c,
            "lead",
            *lead_rows(
                n,
                {
                    "brokerage_id": bid,
                    "email": [f"r{i}@bench.test" for i in range(n)],
                    "stage_entered_at": now_txt,
                    "rating_score": scores.tolist(),
                    "last_activity_at": [now_txt if a else None for a in active.tolist()],
                    "created_at": now_txt,
                    "updated_at": now_txt,
                },
            ),
        )
    with Session(eng) as s:  # first refresh counts the buckets from the stored scores (untimed)
        rating.refresh_cutoffs(s, bid, now)
        s.commit()

    def app():
        with Session(eng) as s:
            rating.refresh_cutoffs(s, bid, now)
            s.commit()

    def naive():
        with Session(eng) as s:
            cond = sa.and_(col(Lead.brokerage_id) == bid, col(Lead.rating_score) > 0)
            k = s.execute(sa.select(sa.func.count()).select_from(Lead).where(cond)).scalar_one()
            for pos in (k // 3, 2 * k // 3):
                s.execute(
                    sa.select(col(Lead.rating_score))
                    .where(cond)
                    .order_by(col(Lead.rating_score))
                    .offset(pos)
                    .limit(1)
                ).scalar()

    app()
    app_s = timed(app, repeat=7)
    raw_s = timed(naive, repeat=3)
    eng.dispose()
    return [
        Row(
            "rating: tercile refresh",
            f"{n:,} leads ({int(active.sum()):,} rated)",
            app_s,
            raw_s,
            "< 50 ms",
            ok=app_s < 0.05,
            note="raw = naive count + OFFSET ranking",
        )
    ]
