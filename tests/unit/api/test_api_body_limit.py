"""The API checks the key before it reads a body, and never reads more than MAX_BODY bytes."""

from __future__ import annotations

import json

import anyio
import pytest
from sqlmodel import col
from starlette.testclient import TestClient

from leadapp.api import build_api
from leadapp.api.deps import MAX_BODY
from leadapp.api.ratelimit import TokenBucket

CHUNK = 1024 * 1024
FORTY_MB = 40 * CHUNK


@pytest.fixture
def app(engine):
    return build_api(engine, TokenBucket(1000, 1000))


def post(
    app, headers: dict[str, str], total: int = FORTY_MB, path: str = "/api/v1/events"
) -> tuple[int, dict, int]:
    """POST `path` straight through ASGI, the body in 1 MB chunks, counting how many bytes
    the app pulled. Returns (status, body, bytes read)."""
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        if pulled >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += CHUNK
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": pulled < total}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), pulled


def test_anonymous_forty_mb_post_gets_401_without_its_body_being_read(app):
    status, body, pulled = post(app, {"content-length": str(FORTY_MB)})
    assert status == 401 and "API key" in body["error"]
    assert pulled == 0
    status, _, pulled = post(app, {"authorization": "Bearer lk_unknown_key"})  # chunked
    assert status == 401 and pulled == 0


def test_anonymous_forty_mb_post_over_a_real_client_gets_401(app):
    with TestClient(app) as c:
        r = c.post("/api/v1/events", content=b"x" * FORTY_MB)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"


def test_keyed_too_large_body_gets_413_reading_at_most_the_limit(app, key):
    h = {"authorization": f"Bearer {key}"}
    status, body, pulled = post(app, {**h, "content-length": str(FORTY_MB)})
    assert status == 413 and "4 MB" in body["error"] and pulled == 0  # refused by its length
    status, body, pulled = post(app, h)  # no length given: read until past the limit
    assert status == 413 and "4 MB" in body["error"]
    assert MAX_BODY < pulled <= MAX_BODY + CHUNK


def test_inbound_mail_streams_and_stops_at_two_mb_after_the_key(app, key):
    from leadapp.services.mail_inbound import MAX_BYTES

    url = "/api/v1/mail/inbound"
    status, _, pulled = post(app, {}, path=url)
    assert status == 401 and pulled == 0  # the key first: nothing read
    h = {"authorization": f"Bearer {key}"}
    status, body, pulled = post(app, {**h, "content-length": str(FORTY_MB)}, path=url)
    assert status == 413 and "2 MB" in body["error"] and pulled == 0
    status, body, pulled = post(app, h, path=url)  # chunked, no length: stops at the cap
    assert status == 413 and "2 MB" in body["error"]
    assert MAX_BYTES < pulled <= MAX_BYTES + CHUNK


def test_keyed_body_at_the_limit_is_read_and_answered(app, key):
    with TestClient(app) as c:
        pad = " " * (MAX_BODY - 200)
        r = c.post(
            "/api/v1/events",
            content=b'{"kind": "signup", "email": "edge@example.com"}' + pad.encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
    assert r.status_code == 201, r.text[:200]


def test_an_unexpected_error_answers_500_in_the_error_shape_and_stores_nothing(
    app, key, engine, monkeypatch
):
    from sqlmodel import Session, select

    from leadapp.models import Lead
    from leadapp.services import api_leads

    real_create = api_leads.create

    def create_then_fail(session, user, data):

        real_create(session, user, data)
        session.flush()
        raise RuntimeError("boom")

    monkeypatch.setattr(api_leads, "create", create_then_fail)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(
            "/api/v1/leads",
            json={"email": "half@example.com"},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert r.status_code == 500 and r.json() == {"error": "Internal error; nothing was stored."}
    with Session(engine) as s:
        assert s.exec(select(Lead).where(col(Lead.email) == "half@example.com")).first() is None
