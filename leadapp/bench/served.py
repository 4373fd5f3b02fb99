"""The real app served for the browser and socket benches: `reflex run --env prod --single-port`.

`served_app(db_url)` builds and serves this checkout on a free port with that database and
yields its base URL; the server is stopped (its whole process group) on exit. With
`LEADAPP_BENCH_BASE` set, an app already running there is used instead (its database URL
must then be passed the same way, as `REFLEX_DB_URL`, and its process group as
`LEADAPP_BENCH_PGID` for the socket bench's CPU time).
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str, proc: subprocess.Popen | None, log: str, timeout: float = 900) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"reflex exited early; see {log}")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(1)
    raise RuntimeError(f"the app did not start; see {log}")


@contextlib.contextmanager
def served_app(db_url: str):
    if os.environ.get("LEADAPP_BENCH_BASE"):
        yield os.environ["LEADAPP_BENCH_BASE"].rstrip("/")
        return
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REFLEX_DB_URL": db_url,
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{os.environ['PATH']}",
    }
    log_path = Path(tempfile.mkdtemp(prefix="leadapp-bench-serve-")) / "reflex.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "reflex"),
                "run",
                "--env",
                "prod",
                "--single-port",
                "--backend-port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        os.environ["LEADAPP_BENCH_PGID"] = str(proc.pid)  # its CPU time, for the socket bench
        try:
            _wait_up(base, proc, str(log_path))
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
