"""Bench (D1–D10): the whole dashboard load, and the live fan-out to 50 open dashboards.

Load rows, at 100k leads / 2M activities and 1M leads / 10M activities (the second is
skipped with --quick): `services.dashboard.load` (every panel, D9 included) as the broker
(whole brokerage) and as an agent, p95. Beside each:
- "raw limit": the very SQL statements that load ran (captured from the engine), replayed
  straight on the sqlite3 connection — the floor for reading those numbers;
- a "scan" row: the same headline numbers (D2, D3, D5, D6, D8) counted from the lead and
  activity tables without the summary tables, for scale.

Fan-out row: 50 subscribers on the live hub (services/live.py; 1 broker + agents, like 50
open dashboards), a website event recorded and committed through services/activity/,
each subscriber then re-reads its panels as the dashboard's live task does (debounce, then
`dashboard.load` in a worker thread, shared by the dashboards that show the same thing).
Time from the start of the event's write to each dashboard's re-read being done; p95 over
all dashboards and events. Raw limit: commit to the 50 queues woken, with no re-read.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import TYPE_CHECKING

from leadapp.bench import BenchContext, Row, bench, capture_sql, p95, replay_sql

SIZES = [(100_000, 2_000_000), (1_000_000, 10_000_000)]  # as bench/databases.ACTIVITIES
N_DASHBOARDS = 50
N_EVENTS = 12

if TYPE_CHECKING:
    from leadapp.models import User


def _database(ctx: BenchContext, leads: int, activities: int):
    from leadapp.bench.databases import demo_database

    return demo_database(ctx.workdir, leads, activities)


def _users(engine) -> tuple[User, list[User]]:
    """The demo brokerage's first broker and its agents, by id."""
    from sqlmodel import Session, col, select

    from leadapp.models import User

    with Session(engine) as s:
        broker = s.exec(
            select(User).where(col(User.role) == "broker").order_by(col(User.id))
        ).first()
        assert broker is not None, "the demo database has a broker"
        agents = list(
            s.exec(select(User).where(col(User.role) == "agent").order_by(col(User.id))).all()
        )
        return broker, agents


def _scan(engine, agent_id=None):
    """D2, D3, D5, D6, D8 counted from the base tables (no summary tables)."""
    where = "brokerage_id = 1 AND status != 'deleted'" + (
        f" AND assigned_agent_id = {int(agent_id)}" if agent_id else ""
    )
    join = (
        ""
        if not agent_id
        else f" JOIN lead l ON l.id = a.lead_id AND l.assigned_agent_id = {int(agent_id)}"
    )
    return replay_sql(
        engine,
        [
            (
                f"SELECT count(*), sum(active_subscriptions > 0), "
                f"sum(last_activity_at >= date('now', '-29 days')) FROM lead WHERE {where}",
                (),
            ),
            (
                f"SELECT stage, count(*) FROM lead WHERE {where} AND stage != 'dead' "
                "GROUP BY stage",
                (),
            ),
            (f"SELECT source, count(*) FROM lead WHERE {where} GROUP BY source", ()),
            (
                f"SELECT strftime('%Y-%m', a.occurred_at), count(*) FROM activity a{join} "
                "WHERE a.brokerage_id = 1 "
                "AND a.occurred_at >= date('now', 'start of month', '-11 months') GROUP BY 1",
                (),
            ),
        ],
    )


@bench("dashboard: whole load", order=50)
def dashboard_load(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session

    from leadapp.bench.databases import postgres_url
    from leadapp.services import dashboard

    rows = []
    sizes = SIZES[:1] if ctx.quick else SIZES
    if postgres_url():  # seeding PostgreSQL is slow: only the sizes up to --leads
        sizes = [s for s in sizes if s[0] <= max(ctx.leads, SIZES[0][0])]
    for leads, acts in sizes:
        engine = _database(ctx, leads, acts)
        broker, agents = _users(engine)
        agent = agents[0]
        size = f"{leads:,} leads / {acts:,} activities"
        for label, user in (("broker, whole brokerage", broker), ("agent, own leads", agent)):

            def app(user=user, engine=engine):
                with Session(engine) as s:
                    dashboard.load(s, user)

            app()
            stmts = capture_sql(engine, app)
            raw = replay_sql(engine, stmts)
            raw()
            app_s = p95(app, repeat=15)
            raw_s = p95(raw, repeat=15)
            rows.append(
                Row(
                    f"dashboard: whole load (p95), {label}",
                    size,
                    app_s,
                    raw_s,
                    "< 50 ms at 1M",
                    ok=app_s < 0.050 if leads >= 1_000_000 else None,
                    note=f"{len(stmts)} statements",
                )
            )
        if engine.dialect.name != "sqlite":  # the scan is written in SQLite's dialect
            engine.dispose()
            continue
        scan = _scan(engine, None)
        scan()
        scan_s = statistics.median([_t(scan) for _ in range(3)])
        rows.append(
            Row(
                "dashboard: same numbers by scanning (no summary tables), broker",
                size,
                scan_s,
                None,
                "for scale",
                note="D2 D3 D5 D6 D8 from lead/activity",
            )
        )
        engine.dispose()
    return rows


def _t(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


@bench("dashboard: live fan-out to 50 dashboards", order=51)
def live_fanout(ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session, col, select

    from leadapp import db as dbmod
    from leadapp.models import Lead
    from leadapp.services import activity, auth, live
    from leadapp.services.demo_data import DEMO_PASSWORD
    from leadapp.services.rows import id_of
    from leadapp.state import dashboard as dstate

    leads, acts = SIZES[0]
    engine = _database(ctx, leads, acts)
    broker, agents = _users(engine)
    # The worst case: all 50 dashboards may see the event (25 broker tabs, 25 of the lead's
    # agent), plus 10 other agents' dashboards that must receive nothing.
    viewers = (
        [broker] * (N_DASHBOARDS // 2)
        + [agents[0]] * (N_DASHBOARDS - N_DASHBOARDS // 2)
        + [agents[1 + i % (len(agents) - 1)] for i in range(10)]
    )
    with Session(engine) as s:
        emails = [
            e
            for (e,) in s.execute(
                select(col(Lead.email))
                .where(col(Lead.assigned_agent_id) == agents[0].id, col(Lead.status) != "deleted")
                .limit(N_EVENTS)
            )
        ]

    # each dashboard re-reads exactly as its live task does (state/dashboard.py): its own
    # session token, the shared load keyed by what it shows
    tokens = {}
    with Session(engine) as s:
        for u in {v.id: v for v in viewers}.values():
            tokens[u.id], _ = auth.sign_in(s, u.email, DEMO_PASSWORD)
        s.commit()
    real_engine = dbmod.get_engine
    dbmod.get_engine = lambda url=None: engine

    async def run() -> tuple[list[float], list[float], list[float]]:
        subs = [
            (live.HUB.subscribe(u.brokerage_id, id_of(u), u.role == "broker"), u) for u in viewers
        ]
        full: list[float] = []
        woken: list[float] = []
        writes: list[float] = []
        try:
            for i, email in enumerate(emails):
                # only the broker and the lead's agent's dashboards may see this event
                targets = [
                    (sub, u) for sub, u in subs if u.role == "broker" or u.id == agents[0].id
                ]
                start = time.perf_counter()

                def write(email=email, i=i):
                    with Session(engine) as s:
                        event = {"kind": "info_request", "email": email, "details": f"bench {i}"}
                        activity.record_events(s, 1, [event])
                        t = time.perf_counter()
                        s.commit()
                        return t

                async def one(sub, user):
                    got = await sub.next(10)
                    assert got, "no change delivered"
                    woke = time.perf_counter()
                    await asyncio.sleep(dstate.DEBOUNCE_S)
                    sub.drain(got)
                    who = (
                        user.brokerage_id,
                        user.id,
                        user.role == "broker",
                        user.timezone or "UTC",
                    )
                    await dstate._shared_load(
                        dstate._share_key(sub.seq, who, "", "actions", ""),
                        tokens[user.id],
                        (None, "actions", ""),
                    )
                    return woke, time.perf_counter()

                waits = [asyncio.ensure_future(one(sub, u)) for sub, u in targets]
                committed_at = await asyncio.to_thread(write)
                writes.append(committed_at - start)
                done = await asyncio.gather(*waits)
                for woke, finished in done:
                    woken.append(woke - committed_at)
                    full.append(finished - start)
                # dashboards that may not see it got nothing
                others = [sub for sub, u in subs if (sub, u) not in targets]
                assert all(sub.queue.empty() for sub in others)
                await asyncio.sleep(0.2)
            return full, woken, writes
        finally:
            for sub, _ in subs:
                live.HUB.unsubscribe(sub)

    try:
        full, woken, writes = asyncio.run(run())
    finally:
        dbmod.get_engine = real_engine
    engine.dispose()
    full.sort()
    woken.sort()
    pct = lambda xs: xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]  # noqa: E731
    n_targets = len(full) // max(len(emails), 1)
    return [
        Row(
            f"dashboard: live fan-out, event -> {n_targets} open dashboards re-read (p95)",
            f"{leads:,} leads / {acts:,} activities",
            pct(full),
            pct(woken),
            "< 2 s",
            ok=pct(full) < 2.0,
            note=f"{len(emails)} events; raw = commit -> queues woken; "
            f"the event's write itself {statistics.median(writes) * 1000:.0f} ms (median)",
        )
    ]
