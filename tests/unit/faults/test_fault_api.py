"""kill -9 of the API server during a burst of website events (W1): clients retry every
event they did not get a 2xx for, with the same idempotency key, once the server is back.
Afterwards every event is stored exactly once, SQLite's integrity check is clean and
`leadapp db check` finds the summary tables equal to a full recount."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.conftest import ROOT

EVENTS = 600
CLIENTS = 6

pytestmark = pytest.mark.sqlite_only

SERVE = """
import sys, uvicorn
from leadapp.api import build_api
uvicorn.run(build_api(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the API server did not start")


def test_kill_9_during_an_event_burst_loses_and_doubles_nothing(tmp_path):
    db = tmp_path / "burst.db"
    env = {**os.environ, "REFLEX_DB_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROOT)}
    env["REFLEX_LEADAPP_API_RATE"] = env["REFLEX_LEADAPP_API_BURST"] = "100000"
    env.pop("REFLEX_REDIS_URL", None)
    subprocess.run(
        [sys.executable, "-m", "leadapp.cli", "seed", "--leads", "50", "--activities", "100"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    key = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sqlmodel import Session, select\n"
            "from leadapp.db import get_engine\nfrom leadapp.models import User\n"
            "from leadapp.services import apikeys\n"
            "with Session(get_engine()) as s:\n"
            "    b = s.exec(select(User).where(User.role == 'broker')).first()\n"
            "    print(apikeys.create_key(s, b, 'burst')[1]); s.commit()\n",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*) FROM activity").fetchone()[0]
    con.close()

    port = _port()
    server = _serve(env, port)
    events = [
        {
            "kind": "sign-up" if i < 20 else "search",
            "email": f"burst{i % 20}@example.com",
            "idempotency_key": f"burst-{i}",
            **({"name": f"Burst Visitor {i}"} if i < 20 else {}),
        }
        for i in range(EVENTS)
    ]
    acked: set[int] = set()
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}"}

    def send(indexes):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            for i in indexes:
                try:
                    r = http.post("/api/v1/events", json=events[i], headers=headers)
                except httpx.HTTPError:
                    continue
                if 200 <= r.status_code < 300:
                    with lock:
                        acked.add(i)

    # the sign-ups first (the other events need their leads), then the burst
    send(range(20))
    assert acked == set(range(20))
    workers = [
        threading.Thread(target=send, args=(range(20 + k, EVENTS, CLIENTS),))
        for k in range(CLIENTS)
    ]
    for w in workers:
        w.start()
    while len(acked) < EVENTS // 3:
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)  # mid-burst
    server.wait(timeout=30)
    for w in workers:
        w.join(timeout=120)
    acked_before_crash = set(acked)
    assert len(acked_before_crash) < EVENTS, "the burst ended before the kill"

    server = _serve(env, port)
    try:
        for _ in range(5):  # clients retry what was not acknowledged, same keys
            missing = [i for i in range(EVENTS) if i not in acked]
            if not missing:
                break
            send(missing)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert acked == set(range(EVENTS))

    con = sqlite3.connect(db)
    try:
        keys = con.execute(
            "SELECT idempotency_key, count(*) FROM activity "
            "WHERE idempotency_key LIKE 'burst-%' GROUP BY 1"
        ).fetchall()
        assert len(keys) == EVENTS and all(n == 1 for _, n in keys)
        assert con.execute("SELECT count(*) FROM activity").fetchone()[0] == before + EVENTS
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    check = subprocess.run(
        [sys.executable, "-m", "leadapp.cli", "db", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout
