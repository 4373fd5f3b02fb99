"""Fixtures of the HTTP API tests: a website key of `org`'s brokerage, the API with it
(`client`) and the API without a key (`anon`)."""

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


def _api(engine) -> TestClient:
    """The API with a rate limit no test reaches."""
    return TestClient(build_api(engine, TokenBucket(1000, 1000)))


@pytest.fixture
def client(engine, key) -> Iterator[TestClient]:
    """The API sending `key` on every request."""
    with _api(engine) as c:
        c.headers["Authorization"] = f"Bearer {key}"
        yield c


@pytest.fixture
def anon(engine) -> Iterator[TestClient]:
    """The API sending no key: the mail links and downloads (their token is the authority)
    and the 401 answers."""
    with _api(engine) as c:
        yield c
