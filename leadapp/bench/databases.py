"""The demo brokerages the benches run on, built once per workdir and shared by every bench.

`demo_database(workdir, leads)` seeds `demo_<leads>_<activities>.db` with `leadapp seed`'s
generator (100k leads get 2M activities, 1M leads 10M; other sizes 2 per lead), and
brings an existing one up to the current schema (`db upgrade`, whose migrations fill any
new summary table), so a database seeded before a schema change is reused, not rebuilt.
Building 1M leads / 10M activities takes several minutes.

`leadapp bench --db postgresql+psycopg2://...` sets `use_postgres(url)`: the demo brokerage
of each size then lives in its own PostgreSQL database named after that URL's database plus
the size (`leadapp_bench_100000`), seeded the same way and ANALYZEd, and the raw limits
replay the captured SQL through the psycopg2 cursor. `fresh_database(path)` gives the
benches that build their own database (import, ingest, lead page) an empty one, on
PostgreSQL too under --db.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

ACTIVITIES = {100_000: 2_000_000, 1_000_000: 10_000_000}
_PG: dict[str, str] = {}


def use_postgres(url: str | None) -> None:
    """Run the demo-database benches on PostgreSQL (None: back to SQLite files)."""
    _PG.clear()
    if url:
        _PG["url"] = url


def postgres_url() -> str | None:
    return _PG.get("url")


def _plan(leads: int, activities: int):
    from leadapp.services import demo_data

    return demo_data.Plan(
        seed=11, leads=leads, activities=activities, listings=min(5000, max(500, leads // 200))
    )


def _pg_create(suffix: str, replace: bool = False) -> str:
    """The URL of the PostgreSQL database `<--db database>_<suffix>`, created when missing
    (dropped and created empty with `replace`)."""
    import sqlalchemy as sa

    base = sa.make_url(_PG["url"])
    name = f"{base.database}_{suffix}"
    admin = sa.create_engine(
        base.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as c:
        if replace:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = c.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first()
        if not exists:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def fresh_sqlite(path: Path):
    """An engine on a new, migrated SQLite file `path` (an old one is removed, with its WAL
    files)."""
    from leadapp import db

    path = Path(path)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    db.upgrade(url)
    return db.make_engine(url)


def fresh_database(path: Path):
    """An empty, migrated database for a bench that builds its own (import, ingest, lead
    page): the SQLite file `path`, replaced; under --db the PostgreSQL database named after
    the --db one plus the file's stem (`leadapp_bench_import_app`), dropped and re-created."""
    from leadapp import db

    path = Path(path)
    if not _PG:
        return fresh_sqlite(path)
    url = _pg_create(path.stem, replace=True)
    db.upgrade(url)
    return db.make_engine(url)


def _pg_database(leads: int, activities: int):
    """The PostgreSQL demo database of this size: created and seeded when missing."""
    from leadapp import db
    from leadapp.services import demo_data

    suffix = f"{leads}" + ("" if activities == activities_for(leads) else f"_{activities}")
    url = _pg_create(suffix)
    db.upgrade(url)
    eng = db.make_engine(url)
    if demo_data.is_empty(eng):
        t = time.perf_counter()
        demo_data.load(eng, _plan(leads, activities))
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM")  # the visibility map, for index-only scans
        print(
            f"  seeded {leads:,} leads / {activities:,} activities in "
            f"{time.perf_counter() - t:.0f} s -> {eng.url.database}",
            flush=True,
        )
    return eng


def activities_for(leads: int) -> int:
    return ACTIVITIES.get(leads, leads * 2)


@contextlib.contextmanager
def building_sqlite(path: Path) -> Iterator:
    """An engine on a new, migrated SQLite file beside `path` (`.building.db`) to seed; when the
    block ends the engine is closed and the file becomes `path`, so a seed cut short leaves
    no `path` that looks finished."""
    tmp = path.with_suffix(".building.db")
    eng = fresh_sqlite(tmp)
    yield eng
    eng.dispose()
    tmp.rename(path)


def demo_database(workdir: Path, leads: int, activities: int | None = None):
    """An engine on the seeded demo brokerage of this size."""
    from leadapp import db
    from leadapp.services import demo_data

    activities = activities or activities_for(leads)
    if _PG:
        return _pg_database(leads, activities)
    path = Path(workdir) / f"demo_{leads}_{activities}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        with building_sqlite(path) as eng:
            t = time.perf_counter()
            demo_data.load(eng, _plan(leads, activities))
            with eng.connect() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        took = time.perf_counter() - t
        print(f"  seeded {leads:,} leads / {activities:,} activities in {took:.0f} s -> {path}")
    else:
        db.upgrade(url)  # a database seeded before the latest migrations
    return db.make_engine(url)
