"""Security headers and origins on the served app: pages, API and assets carry the headers,
another site cannot frame a page, gets no CORS answer and cannot open the state socket, and
the app itself runs under its policy without a single violation (plotly charts included)."""

from __future__ import annotations

import httpx
import pytest
import websocket
from sqlmodel import Session, col, select

from leadapp.models import Lead
from tests.matching import found

T = 30_000
EVIL = "http://evil.example"


def _asset(server) -> str:
    html = httpx.get(f"{server}/login/").text
    return found(r'"(/assets/[^"]+\.js)"', html)


@pytest.mark.parametrize("path", ["/login/", "/api/v1/openapi.json", "/leadapp.css", "ASSET"])
def test_every_kind_of_response_carries_the_headers(server, path):
    if path == "ASSET":
        path = _asset(server)
    r = httpx.get(f"{server}{path}", headers={"Origin": EVIL, "Cookie": "x=1"})
    assert r.status_code == 200, path
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    # another site's Origin is not echoed (Reflex's default answered it, with credentials)
    assert "access-control-allow-origin" not in r.headers


def test_a_cross_site_preflight_is_refused(server):
    r = httpx.options(
        f"{server}/api/v1/leads",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_the_state_socket_refuses_another_origin(server):
    url = server.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        websocket.create_connection(url, origin=EVIL, timeout=10)
    assert caught.value.status_code == 403
    ws = websocket.create_connection(url, origin=server, timeout=10)
    try:
        opened = ws.recv()
        assert isinstance(opened, str) and opened.startswith("0{")  # the engine.io open packet
    finally:
        ws.close()


def test_another_site_cannot_frame_the_login_page(server, page):
    page.route(
        f"{EVIL}/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<h1>evil</h1><iframe id="f" src="{server}/login/" width=600 height=400>',
        ),
    )
    page.goto(f"{EVIL}/")
    page.wait_for_timeout(2_000)
    frame = page.frame_locator("#f")
    assert frame.locator("#email").count() == 0


def test_the_app_runs_under_its_policy(server, page, signed_in, shot, engine):

    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective "
        "+ ' ' + e.blockedURI))"
    )
    signed_in(page, "broker")
    page.wait_for_selector(".js-plotly-plot", timeout=T)  # the dashboard's charts drew
    shot(page, "security-dashboard-under-csp")
    for path in ("/leads", "/todo", "/settings", "/import"):
        page.goto(f"{server}{path}")
        page.wait_for_selector("[data-testid=page-title]", timeout=T)
    with Session(engine) as s:
        lead_id = s.exec(select(col(Lead.id)).where(col(Lead.status) != "deleted").limit(1)).one()
    page.goto(f"{server}/leads/{lead_id}")
    page.get_by_test_id("lead-name").wait_for(timeout=T)
    shot(page, "security-lead-page-under-csp")
    assert violations == []
