"""Bench (G5, N2): events ingest with routing and hot-lead alert rules on, and the routing
decision itself, each beside a raw limit measured in the same run. The ingest row's note
also gives the same events into a brokerage without rules (what routing adds)."""

from __future__ import annotations

import random
import statistics
import time

from leadapp.bench import BenchContext, Row, bench
from leadapp.bench.api import BATCH, N_LEADS, _events
from leadapp.bench.common import bench_org, fresh_engine

N_AGENTS = 12


def _routing_org(ctx: BenchContext, name: str, rules: bool = True):
    """The api bench's brokerage plus agents holding its leads (so hot-lead alerts go out),
    two groups and eight rules (the last matches); without rules: just the agents."""
    from sqlmodel import Session, col, select

    from leadapp.models import User
    from leadapp.services import routing_admin

    eng = fresh_engine(ctx.workdir / name)
    bid, _ = bench_org(eng, N_LEADS)
    with Session(eng, expire_on_commit=False) as s:
        broker = s.exec(select(User).where(col(User.brokerage_id) == bid)).one()
        agents = []
        for i in range(N_AGENTS):
            u = User(
                brokerage_id=bid,
                email=f"a{i}@bench.test",
                name=f"Agent {i}",
                role="agent",
                agent_code=f"A{i}",
                password_hash="x",
            )
            s.add(u)
            agents.append(u)
        s.flush()
        s.connection().exec_driver_sql(
            f"UPDATE lead SET assigned_agent_id = {agents[0].id} + (id % {N_AGENTS})"
        )
        if not rules:
            s.commit()
            return eng, bid
        half = N_AGENTS // 2
        g1 = routing_admin.save_group(
            s, broker, {"name": "One", "members": {str(u.id): 1 for u in agents[:half]}}
        )
        g2 = routing_admin.save_group(
            s, broker, {"name": "Two", "members": {str(u.id): 2 for u in agents[half:]}}
        )
        s.flush()
        for u in agents[::3]:
            routing_admin.set_availability(s, broker, u.id, False, "10000")
        for i, city in enumerate(["Nowhere", "Atlantis", "Gotham", "Metropolis", "Springfield"]):
            routing_admin.save_rule(
                s,
                broker,
                {
                    "name": f"City {i}",
                    "cities": city,
                    "target": "agent",
                    "agent_id": str(agents[i].id),
                },
            )
        routing_admin.save_rule(
            s,
            broker,
            {
                "name": "Luxury",
                "price_min": "5000000",
                "target": "round_robin",
                "group_id": str(g1.id),
            },
        )
        routing_admin.save_rule(
            s,
            broker,
            {
                "name": "Sellers",
                "lead_types": "seller",
                "target": "round_robin",
                "group_id": str(g2.id),
            },
        )
        routing_admin.save_rule(
            s,
            broker,
            {
                "name": "Website",
                "sources": "Website sign-up",
                "target": "round_robin",
                "group_id": str(g1.id),
                "fallback": "group",
                "fallback_group_id": str(g2.id),
            },
        )
        s.commit()
    return eng, bid


def _with_signups(events: list[dict], every: int = 50) -> list[dict]:
    out = []
    for i, e in enumerate(events):
        if i % every == 0:
            out.append(
                {
                    "kind": "signup",
                    "email": f"new{i}@bench.test",
                    "name": "New Lead",
                    "idempotency_key": f"s-{i}",
                }
            )
        else:
            out.append(e)
    return out


@bench("routing: events ingest with routing and alerts on", order=52)
def events_with_routing(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp.bench.api import _raw
    from leadapp.services import activity

    n = 5_000 if ctx.quick else 20_000
    events = _with_signups(_events(n, N_LEADS, seed=3))

    def ingest(eng, bid) -> float:
        t = time.perf_counter()
        for start in range(0, n, BATCH):
            with Session(eng, expire_on_commit=False) as s:
                out = activity.record_events(s, bid, events[start : start + BATCH])
                assert out["errors"] == 0, out
                s.commit()
        return time.perf_counter() - t

    plain_eng, plain_bid = _routing_org(ctx, "routing_events_plain.db", rules=False)
    plain_s = ingest(plain_eng, plain_bid)
    plain_eng.dispose()
    eng, bid = _routing_org(ctx, "routing_events.db")
    app_s = ingest(eng, bid)
    with eng.connect() as c:
        routed = c.exec_driver_sql(
            "SELECT COUNT(*) FROM history_entry WHERE field = 'routing'"
        ).scalar()
        alerts = c.exec_driver_sql(
            "SELECT COUNT(*) FROM notification WHERE kind = 'hot_lead'"
        ).scalar()
    eng.dispose()
    raw_s = _raw(
        ctx, "routing_events_raw.db", N_LEADS, [e for e in events if e["kind"] != "signup"]
    )
    rate = n / app_s
    return [
        Row(
            "routing: events ingest with routing and alerts on",
            f"{n:,} events ({n // 50:,} sign-ups), batches of {BATCH}",
            app_s,
            raw_s,
            ">= 5,000 events/s",
            ok=rate >= 5000,
            note=f"{rate:,.0f}/s; {routed:,} routed, {alerts:,} alerts; "
            f"the same events without rules: {n / plain_s:,.0f}/s",
        )
    ]


@bench("routing: one decision", order=53)
def decision(ctx: BenchContext) -> list[Row]:
    import sqlalchemy as sa
    from sqlmodel import Session

    from leadapp.services import routing

    eng, bid = _routing_org(ctx, "routing_decision.db")
    rng = random.Random(5)
    n = 300 if ctx.quick else 1000
    app, raw = [], []
    with Session(eng) as s:
        for _ in range(n):
            facts = routing.Facts(
                source=rng.choice(["Zillow", "Website sign-up", "Referral"]),
                lead_type=rng.choice(["buyer", "seller", None]),
                city=rng.choice(["Oakland", "Gotham", ""]),
                price_min=rng.choice([None, 300_000, 6_000_000]),
            )
            t = time.perf_counter()
            router = routing.Router(s, bid, "api")
            router.decide(facts)
            router.finish()
            app.append(time.perf_counter() - t)
            t = time.perf_counter()
            s.execute(
                sa.text("SELECT id, assigned_agent_id FROM lead WHERE id = :i"),
                {"i": rng.randrange(1, N_LEADS)},
            ).all()
            raw.append(time.perf_counter() - t)
        s.rollback()
    eng.dispose()
    p95 = statistics.quantiles(app, n=20)[18]
    raw95 = statistics.quantiles(raw, n=20)[18]
    return [
        Row(
            "routing: one decision (load rules, groups, capacities; decide; counters)",
            f"8 rules, {N_AGENTS} agents, p95 of {n:,}",
            p95,
            raw95,
            "p95 <= 5 ms",
            ok=p95 <= 0.005,
            note=f"raw = one lead read by id; median {statistics.median(app) * 1000:.2f} ms",
        )
    ]
