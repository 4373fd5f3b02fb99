"""The demo brokerages the benches run on, built once per workdir and shared by every bench.

`demo_database(workdir, leads)` seeds `demo_<leads>_<activities>.db` with `leadapp seed`'s
generator (100k leads get 2M activities, 1M leads 10M; other sizes 2 per lead), and
brings an existing one up to the current schema (`db upgrade`, whose migrations fill any
new summary table), so a database seeded before a schema change is reused, not rebuilt.
Building 1M leads / 10M activities takes several minutes.
"""

from __future__ import annotations

import time
from pathlib import Path

ACTIVITIES = {100_000: 2_000_000, 1_000_000: 10_000_000}


def activities_for(leads: int) -> int:
    return ACTIVITIES.get(leads, leads * 2)


def demo_database(workdir: Path, leads: int, activities: int | None = None):
    """An engine on the seeded demo brokerage of this size."""
    from leadapp import db
    from leadapp.services import demo_data

    activities = activities or activities_for(leads)
    path = Path(workdir) / f"demo_{leads}_{activities}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        tmp = path.with_suffix(".building.db")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            if p.exists():
                p.unlink()
        db.upgrade(f"sqlite:///{tmp}")
        eng = db.make_engine(f"sqlite:///{tmp}")
        t = time.perf_counter()
        demo_data.load(
            eng,
            demo_data.Plan(
                seed=11,
                leads=leads,
                activities=activities,
                listings=min(5000, max(500, leads // 200)),
            ),
        )
        with eng.connect() as c:
            c.exec_driver_sql("ANALYZE")
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        eng.dispose()
        tmp.rename(path)
        print(
            f"  seeded {leads:,} leads / {activities:,} activities in "
            f"{time.perf_counter() - t:.0f} s -> {path}",
            flush=True,
        )
    else:
        db.upgrade(url)  # a database seeded before the latest migrations
    return db.make_engine(url)
