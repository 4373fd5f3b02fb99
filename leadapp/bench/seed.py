"""Bench: demo-data generation and load vs a raw executemany of the same rows."""

from __future__ import annotations

import time

from leadapp.bench import BenchContext, Row, bench
from leadapp.bench.common import fresh_engine


@bench("demo data: generate + load", order=1)
def seed_vs_executemany(ctx: BenchContext) -> list[Row]:
    from leadapp.services import demo_data
    from leadapp.services.bulk import insert_rows

    leads = ctx.leads
    plan = demo_data.Plan(
        seed=7, leads=leads, activities=leads * 10, listings=min(5000, max(500, leads // 200))
    )
    app_engine = fresh_engine(ctx.workdir / "seed_app.db")
    t = time.perf_counter()
    demo_data.load(app_engine, plan)
    app_s = time.perf_counter() - t
    app_engine.dispose()

    rows = list(demo_data.generate(plan))  # untimed: the same rows, materialised
    raw_engine = fresh_engine(ctx.workdir / "seed_raw.db")
    t = time.perf_counter()
    with raw_engine.begin() as conn:
        for table, cols, chunk in rows:
            insert_rows(conn, table, cols, chunk)
    raw_s = time.perf_counter() - t
    raw_engine.dispose()
    ctx.cache["seeded_db"] = ctx.workdir / "seed_app.db"
    return [
        Row(
            "demo data: generate + load",
            f"{leads:,} leads / {leads * 10:,} activities",
            app_s,
            raw_s,
            "<= 3x raw",
            ok=app_s <= 3 * raw_s,
        )
    ]
