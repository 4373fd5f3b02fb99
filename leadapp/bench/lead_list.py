"""Bench (L1–L9): the lead list at 100k and 1M leads, beside the same SQL run raw.

Each case runs `lead_query.list_page` (or `count`) through the service as the broker, the way
the page does: load the user, count, read one page, the page's tags, the agents and the rating
cut-offs. The raw limit replays exactly the SQL statements the service sent (captured from
the engine on a warm-up run) through the sqlite3 cursor. Both are p95 of 41 runs, taken
alternately so that both see the same machine load.

The seeded databases are kept in the bench workdir (bench/databases.py); pass the same
`--workdir` to reuse them (seeding a million leads takes minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

from leadapp.bench import BenchContext, Row, bench, capture_sql, fmt_s, replay_sql

BUDGET_S = 0.030
SLACK_S = 0.005


def database(workdir: Path, leads: int):
    """The seeded demo brokerage of `leads` leads (shared with the other benches)."""
    from leadapp.bench.databases import demo_database

    return demo_database(workdir, leads)


def _p95_pair(app, raw, repeat: int) -> tuple[float, float, float, float]:
    """p95 of app() and of raw(), alternately, so both see the same machine load (and medians)."""
    times: dict[str, list[float]] = {"app": [], "raw": []}
    for i in range(repeat):
        for name, fn in (
            (("app", app), ("raw", raw)) if i % 2 == 0 else (("raw", raw), ("app", app))
        ):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    out = []
    for name in ("app", "raw"):
        ts = sorted(times[name])
        out.append(ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))])
    return out[0], out[1], sorted(times["app"])[repeat // 2], sorted(times["raw"])[repeat // 2]


def _cases(engine) -> list[tuple[str, dict, str]]:
    from sqlmodel import Session, col, select

    from leadapp.models import Lead, User

    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.role) == "agent").order_by(col(User.id))).first()
        sample = s.get(Lead, 4242) or s.exec(select(Lead).order_by(col(Lead.id).desc())).first()
        assert agent is not None and sample is not None  # the demo brokerage has agents and leads
    fragment = (
        f"{sample.first_name[-3:]} {sample.last_name[:4]}".lower()
    )  # across first and last name
    return [
        ("first page", {}, "page"),
        ("page 10,000 rows deep", {"page": "501"}, "page"),
        (
            "filter: status=active, stage=nurturing",
            {"status": "active", "stage": "nurturing"},
            "page",
        ),
        (
            "filter: type=buyer, rating=3, by rating",
            {"type": "buyer", "rating": "3", "sort": "rating"},
            "page",
        ),
        (
            "filter: agent, source=Zillow, subscribed",
            {"agent": str(agent.id), "source": "Zillow", "subscribed": "yes"},
            "page",
        ),
        (f"search '{fragment}'", {"q": fragment}, "page"),
        ("search phone '555 12'", {"q": "555 12"}, "page"),
        ("count (default view)", {}, "count"),
        ("count: type=buyer", {"type": "buyer"}, "count"),
        ("count: rating=3 (no roll-up)", {"rating": "3"}, "count"),
    ]


def _run_size(leads: int, ctx: BenchContext) -> list[Row]:
    from sqlmodel import Session, col, select

    from leadapp.models import User, utcnow
    from leadapp.services import lead_query

    engine = database(ctx.workdir, leads)
    with Session(engine) as s:
        broker_id = s.exec(select(col(User.id)).where(col(User.role) == "broker")).first()
    now = utcnow()
    rows = []
    for label, params, kind in _cases(engine):
        query = lead_query.LeadQuery.parse(params)

        def app(kind=kind, query=query):
            with Session(engine) as s:
                user = s.get_one(User, broker_id)
                if kind == "count":
                    lead_query.count(s, user, query, now=now)
                else:
                    lead_query.list_page(s, user, query, now=now)

        app()  # warm
        raw = replay_sql(engine, capture_sql(engine, app))

        raw()
        app_s, raw_s, app_med, raw_med = _p95_pair(app, raw, 7 if ctx.quick else 41)
        ok = app_s <= raw_s + SLACK_S and (leads < 1_000_000 or app_s < BUDGET_S)
        target = f"<= raw + {SLACK_S * 1000:.0f} ms" + (
            f", < {BUDGET_S * 1000:.0f} ms" if leads >= 1_000_000 else ""
        )
        rows.append(
            Row(
                f"lead list: {label} (p95)",
                f"{leads:,} leads",
                app_s,
                raw_s,
                target,
                ok=ok,
                note=f"+{fmt_s(app_s - raw_s)} (medians {fmt_s(app_med)} / {fmt_s(raw_med)})",
            )
        )
    engine.dispose()
    return rows


@bench("lead list: page, filters, search, count", order=30)
def lead_list(ctx: BenchContext) -> list[Row]:
    if ctx.quick:
        sizes = [min(ctx.leads, 20_000)]
    elif ctx.leads >= 1_000_000:
        sizes = [100_000, ctx.leads]
    else:
        sizes = [ctx.leads]
    rows = []
    for n in sizes:
        rows.extend(_run_size(n, ctx))
    return rows
