"""Bench: the server's own time per lead-list event, with socket.io clients and no browser.

Each client signs in for real (a session row, through services/auth.sign_in), connects to the
served app's /_event socket the way the frontend does (the hydrate event in the CONNECT packet,
carrying the session token), hydrates /leads, then sends lead-list events, alternating two
sorts so every reply carries a new page. Measured: one client's reply time (p50/p95), and the
server's CPU time per event (its process group's CPU seconds over the events answered) while
several clients send as fast as they get replies, i.e. the events one worker can answer per
second. Beside it: the service call alone (`lead_query.list_page`), in-process.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid

from leadapp.bench import BenchContext, Row, bench
from leadapp.bench.served import served_app

ROOT_STATE = "reflex___state____state"
AUTH = f"{ROOT_STATE}.leadapp___state___base____auth_state"
LIST = f"{AUTH}.leadapp___state___leads____lead_list_state"
TOKEN_VAR = f"{AUTH}.session_token_rx_state_"
SORTS = ({"sort": "name", "dir": "asc"}, {"sort": "created", "dir": "desc"})


def _router(query: dict) -> dict:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return {"pathname": "/leads", "asPath": "/leads" + (f"?{qs}" if qs else ""), "query": query}


class Client:
    """One signed-in tab: a socket.io connection and its replies."""

    def __init__(self, base: str, session_token: str):
        import socketio

        self.replies = 0
        self.got = threading.Event()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self._on_event, namespace="/_event")
        boot = {
            "name": f"{ROOT_STATE}.hydrate_and_load",
            "payload": {"vars": {TOKEN_VAR: session_token}},
            "router_data": _router({}),
        }
        self.sio.connect(
            f"{base}?token={uuid.uuid4()}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            auth={"event": boot},
            wait_timeout=30,
        )
        self.send("sort", SORTS[0])  # hydrated, signed in, first page loaded
        self.send("sort", SORTS[1])

    def _on_event(self, data):
        delta = (data or {}).get("delta") or {}
        if "rows_rx_state_" in (delta.get(LIST) or {}):
            self.got.set()

    def send(self, handler: str, query: dict) -> float:
        """Send LeadListState.load for /leads?<query>; seconds until the reply with the rows."""
        self.got.clear()
        t = time.perf_counter()
        self.sio.emit(
            "event",
            {"name": f"{LIST}.load", "payload": {}, "router_data": _router(query)},
            namespace="/_event",
        )
        if not self.got.wait(30):
            raise TimeoutError("no reply with the rows in 30 s")
        return time.perf_counter() - t

    def close(self):
        self.sio.disconnect()


def _server_cpu() -> float:
    """CPU seconds of every process listening for the served app (its whole process group)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pgid = int(os.environ.get("LEADAPP_BENCH_PGID", "0"))
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def measure(base: str, engine, clients: int = 4, seconds: float = 10.0, reps: int = 60) -> dict:
    from sqlmodel import Session

    from leadapp.services import auth

    tokens = []
    with Session(engine) as s:
        for _ in range(clients):
            token, _user = auth.sign_in(s, "broker@demo.leadapp.io", "leadapp-demo")
            tokens.append(token)
        s.commit()
    one = Client(base, tokens[0])
    times = [one.send("load", SORTS[i % 2]) for i in range(reps)]
    many = [one] + [Client(base, t) for t in tokens[1:]]
    done = [0] * len(many)
    stop = time.perf_counter() + seconds

    def run(i):
        while time.perf_counter() < stop:
            many[i].send("load", SORTS[done[i] % 2])
            done[i] += 1

    cpu0 = _server_cpu()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(many))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    cpu = _server_cpu() - cpu0
    for c in many:
        c.close()
    events = sum(done)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(round(0.95 * (len(times) - 1)))],
        "per_s": events / wall,
        "cpu_per_event": cpu / events if events and cpu else None,
        "events": events,
    }


def service_p50(engine) -> float:
    from sqlmodel import Session, col, select

    from leadapp.models import User
    from leadapp.services import lead_query

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == "broker@demo.leadapp.io")).one()
    ts = []
    for i in range(41):
        with Session(engine) as s:
            t = time.perf_counter()
            lead_query.list_page(s, broker, dict(SORTS[i % 2]))
            ts.append(time.perf_counter() - t)
    return statistics.median(ts)


@bench("socket: server time per lead-list event", order=91)
def socket_events(ctx: BenchContext) -> list[Row]:
    from leadapp.bench.databases import demo_database

    engine = demo_database(ctx.workdir, ctx.leads)
    with served_app(str(engine.url)) as base:
        r = measure(base, engine)
    svc = service_p50(engine)
    engine.dispose()
    size = f"{ctx.leads:,} leads"
    rows = [
        Row(
            "socket: one client, list event reply (p95)",
            size,
            r["p95"],
            svc,
            "≤ 10 ms",
            ok=r["p95"] <= 0.010,
            note=f"p50 {r['p50'] * 1000:.1f} ms",
        ),
        Row(
            "socket: 4 clients flat out, events/s on one worker",
            size,
            1 / r["per_s"],
            svc,
            "≥ 100 events/s",
            ok=r["per_s"] >= 100,
            note=f"{r['per_s']:.0f} events/s"
            + (
                f"; server CPU {r['cpu_per_event'] * 1000:.1f} ms/event"
                if r["cpu_per_event"]
                else ""
            ),
        ),
    ]
    return rows
