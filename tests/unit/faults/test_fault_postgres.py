"""PostgreSQL crashes under load (pg_ctl stop -m immediate) and comes back, while the API
keeps running in this process on its one engine: requests during the outage answer 503
with Retry-After (the API, and the services raise), the first requests after the restart
succeed without restarting the app (pool_pre_ping drops the dead connections), clients
resend what was not acknowledged with the same idempotency keys, and afterwards every event
is stored once, every batch whole, and the summary tables equal a full recount.

The cluster is the test's own (tests/unit/own_servers.py), never the shared server.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from leadapp import db
from leadapp.api import build_api
from leadapp.api.ratelimit import TokenBucket
from leadapp.models import Activity, Brokerage, Lead
from leadapp.services import apikeys, rating, rollups
from tests.conftest import create_org
from tests.unit.own_servers import free_port, own_postgres  # noqa: F401  (a fixture)

LEADS = 20
BATCHES = 120  # of BATCH events each, plus as many single events
BATCH = 5
CLIENTS = 6


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # runs in a thread
        pass


def _serve(engine: sa.Engine) -> tuple[_Server, threading.Thread, str]:
    port = free_port()
    app = build_api(engine, TokenBucket(100_000, 100_000))
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started:
        assert time.time() < deadline, "the API server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _requests() -> list[dict]:
    """Request bodies: single events and batches, every event with its own key."""
    out: list[dict] = []
    for i in range(BATCHES):
        email = f"load{i % LEADS}@example.com"
        out.append({"kind": "search", "email": email, "idempotency_key": f"one-{i}"})
        out.append(
            {
                "events": [
                    {"kind": "listing_view", "email": email, "idempotency_key": f"b{i}-{j}"}
                    for j in range(BATCH)
                ]
            }
        )
    return out


def _keys(body: dict) -> list[str]:
    return [e["idempotency_key"] for e in body.get("events", [body])]


def test_postgres_restart_under_load_recovers_with_503s_and_nothing_half_written(
    own_postgres,  # noqa: F811  (the fixture imported above)
):
    pg = own_postgres
    admin = sa.create_engine(pg.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql("CREATE DATABASE leadapp")
    admin.dispose()
    url = pg.url("leadapp")
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        org = create_org(s)
        _, key = apikeys.create_key(s, org.broker, "load")
        s.commit()
        brokerage_id = org.brokerage.id
    assert brokerage_id is not None
    headers = {"Authorization": f"Bearer {key}"}

    server, thread, base = _serve(engine)
    bodies = _requests()
    acked: set[int] = set()
    failures: list[int] = []
    lock = threading.Lock()

    def send(indexes) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            for i in indexes:
                r = http.post("/api/v1/events", json=bodies[i])
                with lock:
                    if 200 <= r.status_code < 300:
                        acked.add(i)
                    else:
                        failures.append(r.status_code)

    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            signups = [
                {"kind": "signup", "email": f"load{i}@example.com", "name": f"Load Lead {i}"}
                for i in range(LEADS)
            ]
            assert http.post("/api/v1/events", json={"events": signups}).status_code == 201

        clients = [
            threading.Thread(target=send, args=(range(k, len(bodies), CLIENTS),))
            for k in range(CLIENTS)
        ]
        for t in clients:
            t.start()
        while len(acked) < len(bodies) // 4:
            time.sleep(0.01)
        pg.stop_immediate()  # a crash, mid-burst
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            down = http.post("/api/v1/events", json={"kind": "search", "email": "x@example.com"})
        assert down.status_code == 503 and down.headers["Retry-After"] == "5"
        assert "nothing was stored" in down.json()["error"]
        with pytest.raises(OperationalError), db.session_scope(engine) as s:
            s.exec(select(col(Lead.id))).first()
        time.sleep(1)  # the clients keep sending into the outage
        pg.start()
        for t in clients:
            t.join(timeout=300)
        assert len(acked) < len(bodies), "the burst ended before the crash"
        assert failures and set(failures) == {503}, sorted(set(failures))

        # the same engine and server: the next requests succeed, the resent ones too
        failures.clear()
        send([i for i in range(len(bodies)) if i not in acked])
        assert failures == [] and acked == set(range(len(bodies)))
    finally:
        server.should_exit = True
        thread.join(timeout=30)

    keys = [k for body in bodies for k in _keys(body)]
    with Session(engine) as s:
        stored = s.exec(
            select(col(Activity.idempotency_key), sa.func.count())
            .where(col(Activity.idempotency_key).in_(keys))
            .group_by(col(Activity.idempotency_key))
        ).all()
        assert len(stored) == len(keys) and all(n == 1 for _, n in stored)
        assert len(
            s.exec(select(col(Lead.id)).where(col(Lead.brokerage_id) == brokerage_id)).all()
        ) == (LEADS)
        assert s.exec(select(col(Brokerage.id))).all() == [brokerage_id]
        assert rollups.check(s, brokerage_id) + rating.check(s, brokerage_id) == []
    engine.dispose()
