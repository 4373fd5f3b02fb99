"""Engine, sessions and migrations.

SQLite (the embedded default) runs with WAL, foreign keys on and a busy timeout;
PostgreSQL is used when REFLEX_DB_URL points at it. The schema is owned by Alembic
(alembic/versions); `upgrade()` brings any database to the newest revision.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from leadapp.settings import PROJECT_ROOT, database_url

_engines: dict[str, sa.Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-65536")
    try:  # SQLite's math functions are a build option; the rating's reasons use exp()
        cur.execute("SELECT exp(0)")
    except sqlite3.OperationalError:
        dbapi_conn.create_function("exp", 1, math.exp, deterministic=True)
    cur.close()


def make_engine(url: str) -> sa.Engine:
    """A new engine for `url`, configured for its dialect."""
    if url.startswith("sqlite"):
        eng = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(eng, "connect", _sqlite_pragmas)
        return eng
    # pool_pre_ping: a connection the server dropped (a restart, a failover) is replaced
    # before use, so the app recovers without a restart of its own. values_plus_batch:
    # executemany UPDATEs and upserts (INSERT ... ON CONFLICT, e.g. the roll-ups) go in pages,
    # not one round trip per row; no code reads rowcount of an executemany. (A batch of rows
    # updated by key in one statement: bulk.update_rows.)
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        executemany_mode="values_plus_batch",
    )


def get_engine(url: str | None = None) -> sa.Engine:
    """The process-wide engine for `url` (default: the configured database)."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


@contextmanager
def session_scope(engine: sa.Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str | None = None):
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic" / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Create or migrate the database to the newest schema."""
    from alembic import command

    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


# A bulk write of at least this many leads refreshes the planner's statistics afterwards.
ANALYZE_AFTER_ROWS = 5_000


def analyze(engine: sa.Engine) -> None:
    """Refresh the query planner's statistics, after a bulk write (the demo load, a large
    import). Until autovacuum gets to it (or never, where it is off) PostgreSQL plans a freshly
    filled table as if it were empty: on a just-seeded 100k-lead brokerage an agent's activity
    feed took 85 s instead of 3 ms. SQLite's planner reads `sqlite_stat1` the same way."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
