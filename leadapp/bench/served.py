"""The real app served for the browser tests and benches: `reflex run --env prod --single-port`.

`reflex_server(db_url, log_path)` serves a checkout (this one by default); the browser tests'
servers are started with it. `served_app(db_url)` serves this checkout on a free port with
that database for the benches and yields its base URL; the server is stopped (its whole
process group) on exit. With `LEADAPP_BENCH_BASE` set, an app already running there is used
instead (its database URL must then be passed the same way, as `REFLEX_DB_URL`, and its
process group as `LEADAPP_BENCH_PGID` for the socket bench's CPU time).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LEADAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str, proc: subprocess.Popen, log: str, timeout: float, path: str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"reflex exited early; see {log}")
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(1)
    raise RuntimeError(f"the app did not start; see {log}")


@contextlib.contextmanager
def reflex_server(
    db_url: str,
    log_path: Path,
    *,
    cwd: Path = ROOT,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    unset: Iterable[str] = (),
    timeout: float = 900,
    backend_only: bool = False,
) -> Iterator[tuple[str, int]]:
    """Serves the project in `cwd` with `reflex run --env prod --single-port` on `port` (a free
    one by default) and that database; yields (base URL, process group id) once /login answers
    and stops the whole process group on exit. `env` adds variables, `unset` drops inherited
    ones; the output goes to `log_path`. `backend_only`: no frontend build, only the backend
    (the websocket and the API) for socket clients; up once /ping answers."""
    port = port or free_port()
    full_env = {
        **os.environ,
        "PYTHONPATH": str(cwd),
        "REFLEX_DB_URL": db_url,
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{os.environ['PATH']}",
        **(env or {}),
    }
    for name in unset:
        full_env.pop(name, None)
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "reflex"),
                "run",
                "--env",
                "prod",
                "--backend-only" if backend_only else "--single-port",
                "--backend-port",
                str(port),
            ],
            cwd=cwd,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_up(base, proc, str(log_path), timeout, "/ping" if backend_only else "/login")
            yield base, proc.pid
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def served_app(db_url: str) -> Iterator[str]:
    if os.environ.get("LEADAPP_BENCH_BASE"):
        yield os.environ["LEADAPP_BENCH_BASE"].rstrip("/")
        return
    log_path = Path(tempfile.mkdtemp(prefix="leadapp-bench-serve-")) / "reflex.log"
    with reflex_server(db_url, log_path) as (base, pgid):
        os.environ["LEADAPP_BENCH_PGID"] = str(pgid)  # its CPU time, for the socket bench
        yield base
