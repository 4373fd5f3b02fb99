"""Redis gone while the app runs with several workers: the tabs' own state (Reflex keeps it
in Redis) — what happens, as README "Several workers" says.

While Redis is down a page's event gets no answer (Reflex cannot load the tab's state; it
logs the connection error) and the socket stays open; the website API is covered by
test_fault_redis.py. When Redis is back the tabs work again: a tab whose state Redis lost
is sent to the sign-in page by its next event (the browser signs it back in from its stored
token there), and a new tab signs in and works at once.
"""

from __future__ import annotations

import pytest

from leadapp.bench.served import reflex_server
from leadapp.loadtest.client import ClientError, ReflexClient
from leadapp.loadtest.scenario import LIST
from tests.conftest import PASSWORD
from tests.unit.own_servers import own_redis  # noqa: F401  (a fixture)

pytestmark = pytest.mark.sqlite_only  # the app's part is the same on both databases


def _signed_in(base: str, email: str, timeout: float = 30) -> ReflexClient:
    client = ReflexClient(base, timeout=timeout)
    client.connect("/login")
    client.sign_in(email, PASSWORD)
    return client


def _redirects(reply) -> list[str]:
    return [e["payload"]["path"] for e in reply.events if e.get("name") == "_redirect"]


def test_tabs_wait_while_redis_is_gone_and_work_again_after(
    own_redis,  # noqa: F811  (the fixture imported above)
    engine,
    org,
    tmp_path,
):
    env = {"REFLEX_REDIS_URL": own_redis.url, "GRANIAN_WORKERS": "2"}
    with reflex_server(
        str(engine.url), tmp_path / "reflex.log", env=env, backend_only=True, timeout=300
    ) as (base, _):
        tab = _signed_in(base, org.agent.email, timeout=5)
        assert tab.navigate("/leads").merged().get(LIST)  # the list is there

        own_redis.kill()
        with pytest.raises(ClientError, match="no answer"):
            tab.send(f"{LIST}.set_sort", {"column": "name"})
        assert tab.connected  # the socket stays open: the page waits

        own_redis.start()  # back on the same port, empty (it keeps nothing on disk)
        tab.timeout = 30
        # the tab's state is gone with Redis's memory: its next event sends it to sign in
        assert "/login" in _redirects(tab.send(f"{LIST}.set_sort", {"column": "rating"}))
        assert "Connect call failed" in (tmp_path / "reflex.log").read_text()
        fresh = _signed_in(base, org.agent.email)
        assert fresh.navigate("/leads").merged().get(LIST)
