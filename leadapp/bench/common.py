"""What several benches build: a fresh database, a brokerage with bulk leads and an API key,
the HTTP API served on a free port, activity rows inserted on the driver."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from leadapp.bench.served import free_port

if TYPE_CHECKING:
    from sqlmodel import Session

    from leadapp.models import User

# The columns every bulk-inserted activity row fills, before the bench's own ones.
ACTIVITY_COLUMNS = ("brokerage_id", "lead_id", "kind", "occurred_at", "received_at")


def fresh_engine(path, postgres: bool = False):
    """A new SQLite file; with `postgres`, a PostgreSQL database under --db (the ingest
    benches; the others that share this helper stay on SQLite)."""
    from leadapp.bench.databases import fresh_database, fresh_sqlite

    return fresh_database(path) if postgres else fresh_sqlite(path)


def bench_user(
    s: Session,
    role: str,
    email: str,
    name: str,
    password_hash: str = "x",
    quick_events: Sequence[str] = (),
) -> User:
    """A brokerage named Bench with one user (agent code B1), flushed; returns the user."""
    from leadapp.models import Brokerage, User

    b = Brokerage(name="Bench", primary_email="b@bench.test", quick_events=list(quick_events))
    s.add(b)
    s.flush()
    assert b.id is not None
    u = User(
        brokerage_id=b.id,
        email=email,
        name=name,
        role=role,
        agent_code="B1",
        password_hash=password_hash,
    )
    s.add(u)
    s.flush()
    return u


def bench_org(engine, n_leads: int) -> tuple[int, str]:
    """A brokerage with a broker and n_leads leads (bulk, `l<i>@bench.test`), and an API key:
    (brokerage id, the key)."""
    from sqlmodel import Session

    from leadapp.models import utcnow
    from leadapp.services import apikeys
    from leadapp.services.bulk import insert_rows
    from leadapp.services.lead_rows import lead_rows

    with Session(engine, expire_on_commit=False) as s:
        u = bench_user(s, "broker", "broker@bench.test", "Broker")
        bid = u.brokerage_id
        _, key = apikeys.create_key(s, u, "bench")
        now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        insert_rows(
            s.connection(),
            "lead",
            *lead_rows(
                n_leads,
                {
                    "brokerage_id": bid,
                    "email": [f"l{i}@bench.test" for i in range(n_leads)],
                    "stage_entered_at": now,
                    "source": "Zillow",
                    "created_at": now,
                    "updated_at": now,
                },
            ),
        )
        s.commit()
        return bid, key


@contextlib.contextmanager
def served_api(engine) -> Iterator[str]:
    """The HTTP API (`build_api`, a rate limit no bench reaches) served by uvicorn in a thread
    on a free port; yields its base URL and stops the server on exit."""
    import uvicorn

    from leadapp.api import build_api
    from leadapp.api.ratelimit import TokenBucket

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            build_api(engine, TokenBucket(1000, 1000)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        th.join(10)


def insert_activities(conn, columns: Sequence[str], rows: Iterable[tuple], batch: int = 0) -> None:
    """Activity rows straight on the driver: each row holds ACTIVITY_COLUMNS, then `columns`;
    with `batch`, one INSERT per `batch` rows."""
    from leadapp.services.bulk import insert_rows

    cols = (*ACTIVITY_COLUMNS, *columns)
    rows = list(rows)
    step = batch or max(len(rows), 1)
    for start in range(0, len(rows), step):
        insert_rows(conn, "activity", cols, rows[start : start + step])
