"""Browser tests: the real app (`reflex run --env prod --single-port`) on a free port,
a small deterministic demo database, Debian's Chromium driven by Playwright.

Fixtures:
- `server`: base URL of the running app (one per test session).
- `db_url`: the app's database URL, for arranging data through the services.
- `signed_in(page, who)`: signs in through the UI; who = "broker" | "agent" | "agent2" or an email.
- `shot(page, name)`: saves screenshots/<name>.png (look at them!).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
PASSWORD = "leadapp-demo"
WHO = {
    "broker": "broker@demo.leadapp.io",
    "agent": "avery@demo.leadapp.io",
    "agent2": "jordan@demo.leadapp.io",
}
CHROMIUM = os.environ.get("LEADAPP_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    data = tmp_path_factory.mktemp("appdata")
    url = f"sqlite:///{data / 'browser.db'}"
    env = {**os.environ, "REFLEX_DB_URL": url}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "leadapp.cli",
            "seed",
            "--leads",
            "400",
            "--activities",
            "8000",
            "--listings",
            "120",
        ],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return url


@pytest.fixture(scope="session")
def server(db_url, tmp_path_factory):
    port = int(os.environ.get("LEADAPP_TEST_PORT") or _free_port())
    env = {
        **os.environ,
        "REFLEX_DB_URL": db_url,
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{os.environ['PATH']}",
    }
    if os.environ.get("REFLEX_REDIS_URL"):
        import redis

        redis.Redis.from_url(
            os.environ["REFLEX_REDIS_URL"]
        ).flushdb()  # no state from an earlier run
    log = (tmp_path_factory.mktemp("serverlog") / "reflex.log").open("w")
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
    deadline = time.time() + 600
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"reflex exited early; see {log.name}")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2) as r:
                if r.status == 200:
                    break
        except Exception:
            time.sleep(1)
    else:
        raise RuntimeError(f"the app did not start; see {log.name}")
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def engine(db_url):
    from leadapp.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def sign_in(page, base: str, who: str, password: str = PASSWORD, path: str = "/"):
    email = WHO.get(who, who)
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("[data-testid=sign-in]")
    page.wait_for_selector("[data-testid=page-title]", timeout=30_000)
    if path != "/":
        page.goto(f"{base}{path}")
        page.wait_for_selector("[data-testid=page-title]", timeout=30_000)
    return page


@pytest.fixture
def signed_in(server):
    def go(page, who: str = "broker", path: str = "/"):
        return sign_in(page, server, who, path=path)

    return go


@pytest.fixture
def shot():
    SHOTS.mkdir(exist_ok=True)

    def take(page, name: str, full_page: bool = True):
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    return take
