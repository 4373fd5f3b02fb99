"""Fixtures of the HTTP API tests: a website key of `org`'s brokerage and the API with it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from leadapp.api import build_api
from leadapp.api.ratelimit import TokenBucket
from leadapp.services import apikeys


@pytest.fixture
def key(session, org) -> str:
    _, full = apikeys.create_key(session, org.broker, "Website")
    session.commit()
    return full


@pytest.fixture
def client(engine, key) -> Iterator[TestClient]:
    """The API with a rate limit no test reaches, sending `key` on every request."""
    with TestClient(build_api(engine, TokenBucket(1000, 1000))) as c:
        c.headers["Authorization"] = f"Bearer {key}"
        yield c
