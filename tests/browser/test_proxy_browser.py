"""The several-workers layout behind deploy/Caddyfile: Caddy terminates TLS on 443 and proxies
pages, the API and the /_event websocket to the app's workers (this file runs in the Redis run,
where the test server has several backend workers).

443, because Reflex's frontend, served over https from a host its build calls localhost, opens
its websocket on the https default port (utils/state.js `getBackendURL`); a proxy on another
port needs the app built with REFLEX_API_URL set to that public URL."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from leadapp.bench.served import free_port
from tests.browser.conftest import PASSWORD, ROOT, WHO

pytestmark = [
    pytest.mark.multiworker,
    pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed"),
]


def _https_port_free() -> bool:
    try:
        with socket.socket() as s:
            s.bind(("0.0.0.0", 443))
        return True
    except OSError:  # not root, or another server holds it
        return False


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory):
    """deploy/Caddyfile as shipped, pointed at the test server: https://localhost:<port>."""
    if not _https_port_free():
        pytest.skip("port 443 is taken or needs root here")
    home = tmp_path_factory.mktemp("caddy")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LEADAPP_HOST": "localhost",
        "LEADAPP_HTTPS_PORT": "443",
        "LEADAPP_HTTP_PORT": str(free_port()),
        "LEADAPP_CADDY_ADMIN": f"127.0.0.1:{free_port()}",
        "LEADAPP_WORKERS": server.removeprefix("http://"),
    }
    log = (home / "caddy.log").open("w")
    proc = subprocess.Popen(
        ["caddy", "run", "--config", str(ROOT / "deploy/Caddyfile"), "--adapter", "caddyfile"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = "https://localhost"
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE  # Caddy's internal CA signs the trial certificate
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/ping", timeout=2, context=insecure) as r:
                if r.status == 200:
                    break
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"caddy did not serve the app; see {log.name}") from None
            time.sleep(0.5)
    yield base, insecure
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def test_pages_api_and_websocket_through_caddy(proxy, browser, shot):
    base, insecure = proxy
    # Headers: the app's own (CSP naming this host and port) and the proxy's HSTS.
    with urllib.request.urlopen(f"{base}/login", timeout=10, context=insecure) as r:
        assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "wss://localhost" in r.headers["Content-Security-Policy"]
    # The API answers through the proxy (no key: its own 401, not a proxy error).
    try:
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/api/v1/events", data=b"{}", method="POST"),
            timeout=10,
            context=insecure,
        )
        raise AssertionError("the API accepted a request without a key")
    except urllib.error.HTTPError as e:
        assert e.code == 401

    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(f"{base}/login")
    page.fill("#email", WHO["broker"])
    page.fill("#password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_selector("[data-testid=page-title]", timeout=30_000)
    page.goto(f"{base}/leads")
    page.wait_for_selector("[data-testid=lead-row]", timeout=30_000)
    # One event over the proxied websocket: the sort's reply renders the sorted arrow.
    page.get_by_test_id("col-name").click()
    expect(page.get_by_test_id("sorted-name-asc")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"sort=name"))
    assert sockets and all(u.startswith("wss://localhost/_event") for u in sockets)
    shot(page, "proxy-leads")
    context.close()
