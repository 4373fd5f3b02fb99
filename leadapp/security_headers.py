"""Security headers and origin checks for every response of the backend (pages, API, assets).

`secure(app)` wraps an ASGI app (leadapp/leadapp.py passes it to `rx.App(api_transformer=...)`
after the API, so it sees every request the Reflex backend answers):

- every HTTP response gets Content-Security-Policy (with frame-ancestors 'none'),
  X-Frame-Options: DENY, Referrer-Policy, X-Content-Type-Options and Permissions-Policy;
- a websocket (the /_event socket) whose Origin is neither this host nor a configured
  origin is refused before it is accepted (a page on another site cannot drive a signed-in
  user's socket);
- cross-origin requests: Reflex's own CORS layer is given the same configured list in
  rxconfig.py (instead of its default "*", which answered any Origin with credentials), so
  only those origins get CORS headers; the pages themselves are same-origin and need none.
  The API authenticates with a key, never with cookies; a website calls it from its server.

The configured origins come from REFLEX_LEADAPP_ORIGINS (comma separated, e.g.
`https://crm.example.com`), see `settings.allowed_origins()`. HSTS is the reverse proxy's job
(it terminates TLS): see deploy/Caddyfile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

if TYPE_CHECKING:
    from uvicorn._types import ASGI3Application

# The Reflex 0.10 production build: the page's hydration data and the colour-mode snippet are
# inline <script>s and Radix/emotion inject <style> elements, hence 'unsafe-inline' for
# scripts and styles; Reflex applies a `call_script` event (state/url.py's follow_url, which
# writes a list view's URL without a navigation) with eval, hence 'unsafe-eval'. The state
# socket is a websocket to this host: connect-src names ws:// and wss:// of the request's own host
# (CSP3 browsers match them with 'self' too; older ones need them spelled out). Images may
# be data: URIs (plotly's legend icons, favicons) and blob: (downloads), and https: ones: the
# listing photos (the MLS feed's PhotoURL) and the brokerage logo on the showing sheet live on
# other hosts (both are checked to be http(s) addresses when stored).
CSP_TEMPLATE = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self' ws://{host} wss://{host}",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CSP = CSP_TEMPLATE.format(host="localhost")  # the policy as served on http://localhost
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


_HOST_CHARS = re.compile(r"^[a-z0-9.\-\[\]:]+$")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _split(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an origin or "//host:port"; None when malformed."""
    value = url.strip().lower()
    if not _HOST_CHARS.match(value.split("//", 1)[-1] or "-"):
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port


def _origin_key(origin: str) -> str:
    """scheme://host:port, lower-case, with the default port spelled out."""
    parts = _split(origin)
    if not parts or not parts[0]:
        return ""
    scheme, host, port = parts
    return f"{scheme}://{host}:{port or DEFAULT_PORTS.get(scheme, 0)}"


def _host_key(host: str) -> str:
    """host[:port] of a Host header (no scheme: behind a TLS proxy the scheme differs)."""
    parts = _split(f"//{host}")
    if not parts:
        return ""
    return f"{parts[1]}:{parts[2]}" if parts[2] else parts[1]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value.decode("latin-1")
    return None


class SecurityMiddleware:
    """The ASGI middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()):
        self.app = app
        self.origins = {k for k in (_origin_key(o) for o in origins) if k}

    def origin_allowed(self, scope: Scope, origin: str) -> bool:
        """The same host as the request's Host header, or one of the configured origins."""
        key = _origin_key(origin)
        if not key:
            return False
        if key in self.origins:
            return True
        mine = _host_key(_header(scope, b"host") or "")
        scheme, host, port = _split(origin) or ("", "", None)
        if not mine or scheme not in ("http", "https"):
            return False
        # The Host header carries no scheme: "crm.example.com" is port 80 or 443.
        if ":" not in mine.rsplit("]", 1)[-1]:
            return host == mine and port in (None, 80, 443)
        return f"{host}:{port or DEFAULT_PORTS[scheme]}" == mine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind == "websocket":
            origin = _header(scope, b"origin")
            # Browsers always send Origin on a websocket; a missing one is a non-browser
            # client, which has no ambient cookies to abuse and still needs a session token.
            if origin is not None and not self.origin_allowed(scope, origin):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return
        host = _host_key(_header(scope, b"host") or "") or "localhost"
        host = host.removesuffix(":80").removesuffix(":443")
        csp = CSP_TEMPLATE.format(host=host).encode("latin-1", "replace")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers") or () if k.lower() not in _HEADER_SET
                ]
                headers.append((b"content-security-policy", csp))
                headers.extend(HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)


_HEADER_SET = {name for name, _ in HEADERS} | {b"content-security-policy"}


def secure(app: ASGIApp) -> ASGIApp:
    """The api_transformer: wrap the backend app with the configured origins and, behind a
    configured reverse proxy, take the client's address and scheme from its X-Forwarded-For /
    X-Forwarded-Proto (uvicorn's middleware, which believes them only from those addresses):
    the sign-in throttles and the audit log then see the real client, and redirects (the
    pages' trailing slash) keep https."""
    from leadapp.settings import allowed_origins, trusted_proxies

    secured = SecurityMiddleware(app, allowed_origins())
    proxies = trusted_proxies()
    if not proxies:
        return secured
    # uvicorn types the ASGI scope as TypedDicts, Starlette as mappings: the same objects
    proxied = ProxyHeadersMiddleware(cast("ASGI3Application", secured), trusted_hosts=list(proxies))
    return cast(ASGIApp, proxied)
