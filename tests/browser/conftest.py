"""Browser tests: the real app (`reflex run --env prod --single-port`) on a free port,
a small deterministic demo database, Debian's Chromium driven by Playwright.

Fixtures:
- `server`: base URL of the running app (one per test session).
- `db_url`: the app's database URL, for arranging data through the services.
- `signed_in(page, who)`: signs in through the UI; who = "broker" | "agent" | "agent2" or an email.
- `shot(page, name)`: saves screenshots/<name>.png (look at them!).
- `mail_sink`: the SMTP server (aiosmtpd) the app delivers its email to.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from leadapp.bench.served import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, reflex_server

SHOTS = ROOT / "screenshots"
PASSWORD = "leadapp-demo"
WHO = {
    "broker": "broker@demo.leadapp.io",
    "agent": "avery@demo.leadapp.io",
    "agent2": "jordan@demo.leadapp.io",
}


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


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


class _MailSink:
    """A real SMTP server (aiosmtpd) the app delivers to; `wait_for(to)` returns a message."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list = []
        self._ctl = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        import email

        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, to: str, subject: str = "", timeout: float = 90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for m in reversed(self.messages):
                if to.lower() in str(m["To"]).lower() and subject in str(m["Subject"]):
                    return m
            time.sleep(0.5)
        raise AssertionError(f"no email to {to} ({subject!r}) arrived")


@pytest.fixture(scope="session")
def mail_sink():
    sink = _MailSink()
    sink._ctl.start()
    yield sink
    sink._ctl.stop()


@pytest.fixture(scope="session")
def server(db_url, tmp_path_factory, mail_sink):
    if os.environ.get("REFLEX_REDIS_URL"):
        import redis

        # no state from an earlier run
        redis.Redis.from_url(os.environ["REFLEX_REDIS_URL"]).flushdb()
    with reflex_server(
        db_url,
        tmp_path_factory.mktemp("serverlog") / "reflex.log",
        port=int(os.environ.get("LEADAPP_TEST_PORT") or 0) or None,
        # The app's outgoing mail goes to the test's SMTP server (mail_sink).
        env={
            "REFLEX_SMTP_HOST": "127.0.0.1",
            "REFLEX_SMTP_PORT": str(mail_sink.port),
            "REFLEX_SMTP_FROM": "leadapp@test.local",
            # test_proxy_browser.py puts Caddy (deploy/Caddyfile) in front, on this machine
            "REFLEX_LEADAPP_TRUSTED_PROXIES": "127.0.0.1",
        },
        timeout=600,
    ) as (base, _pgid):
        yield base


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
    _wait_for_title(page, f"sign-in of {email}")
    if path != "/":
        page.goto(f"{base}{path}")
        _wait_for_title(page, f"{path} after the sign-in of {email}")
    return page


def _wait_for_title(page, what: str) -> None:
    """The page's title, or a screenshot and the address the page was at when it never came."""
    try:
        page.wait_for_selector("[data-testid=page-title]", timeout=30_000)
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        name = "no-title-" + re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        print(f"no page title: {what}; the page is at {page.url} (screenshots/{name}.png)")
        raise


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
