"""The security-headers middleware at the ASGI level: headers on every response, the
websocket refused from a foreign Origin, and the configured origins (settings)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from leadapp.security_headers import SecurityMiddleware


async def page(request):
    # an app that already sets one of the headers: the middleware's value wins, once
    return PlainTextResponse("hello", headers={"X-Frame-Options": "ALLOWALL"})


async def socket(ws):
    await ws.accept()
    await ws.send_text("welcome")
    await ws.close()


WS = "ws://crm.example.com/_event"


def client(origins=()) -> TestClient:
    inner = Starlette(routes=[Route("/login", page), WebSocketRoute("/_event", socket)])
    return TestClient(SecurityMiddleware(inner, origins), base_url="http://crm.example.com")


def test_every_response_carries_the_headers():
    r = client().get("/login")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "connect-src 'self' ws://crm.example.com wss://crm.example.com" in csp
    assert r.headers.get_list("x-frame-options") == ["DENY"]
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert r.headers["x-content-type-options"] == "nosniff"
    # a 404 too
    assert "frame-ancestors" in client().get("/nope").headers["content-security-policy"]


def test_a_forged_host_header_cannot_widen_the_policy():
    r = client().get("/login", headers={"Host": "evil; script-src *"})
    csp = r.headers["content-security-policy"]
    assert "script-src *" not in csp
    assert "connect-src 'self' ws://localhost wss://localhost" in csp


@pytest.mark.parametrize(
    "origin",
    ["http://crm.example.com", "https://crm.example.com", "https://crm.example.com:443", None],
)
def test_the_websocket_opens_from_its_own_host(origin):
    headers = {"origin": origin} if origin else {}
    with client().websocket_connect(WS, headers=headers) as ws:
        assert ws.receive_text() == "welcome"


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://crm.example.com.evil.example",
        "http://crm.example.com:8080",
        "null",
        "file://",
        "http://[bad",
    ],
)
def test_the_websocket_is_refused_from_a_foreign_origin(origin):
    with (
        pytest.raises(WebSocketDisconnect) as caught,
        client().websocket_connect(WS, headers={"origin": origin}),
    ):
        pass
    assert caught.value.code == 1008


def test_a_configured_origin_may_open_the_websocket():
    c = client(["https://app.example.org"])
    with c.websocket_connect(WS, headers={"origin": "https://app.example.org"}) as ws:
        assert ws.receive_text() == "welcome"
    with (
        pytest.raises(WebSocketDisconnect),
        c.websocket_connect(WS, headers={"origin": "https://other.example.org"}),
    ):
        pass


def test_allowed_origins_setting(monkeypatch):
    from leadapp.settings import allowed_origins

    monkeypatch.delenv("REFLEX_LEADAPP_ORIGINS", raising=False)
    assert allowed_origins() == ()
    monkeypatch.setenv("REFLEX_LEADAPP_ORIGINS", " https://a.example/ ,*, https://b.example")
    assert allowed_origins() == ("https://a.example", "https://b.example")


def test_rxconfig_does_not_allow_every_origin():
    """Reflex's default "*" answered any Origin with credentials; rxconfig passes the list."""
    import rxconfig
    from leadapp.settings import allowed_origins

    assert tuple(rxconfig.config.cors_allowed_origins) == allowed_origins()
    assert "*" not in rxconfig.config.cors_allowed_origins


async def whoami(request):
    return PlainTextResponse(f"{request.client.host} {request.url.scheme}")


def _behind(proxies: str, monkeypatch) -> TestClient:
    """The app as `secure()` wraps it, with REFLEX_LEADAPP_TRUSTED_PROXIES set."""
    from leadapp.security_headers import secure

    monkeypatch.setenv("REFLEX_LEADAPP_TRUSTED_PROXIES", proxies)
    inner = Starlette(routes=[Route("/who", whoami), Route("/login/", page)])
    # TestClient's peer address is "testclient"
    return TestClient(secure(inner), base_url="http://crm.example.com")


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_a_trusted_proxy_names_the_client_and_the_scheme(monkeypatch):
    c = _behind("testclient", monkeypatch)
    assert c.get("/who", headers=FORWARDED).text == "203.0.113.7 https"
    # the trailing-slash redirect keeps https (Caddy refuses plain http on its TLS port)
    r = c.get("/login", headers=FORWARDED, follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"].startswith("https://crm.example.com/login/")
    # the security headers are still there
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("proxies", ["", "10.0.0.1"])
def test_forwarded_headers_from_anyone_else_are_ignored(proxies, monkeypatch):
    c = _behind(proxies, monkeypatch)
    assert c.get("/who", headers=FORWARDED).text == "testclient http"
