"""Calling Reflex event handlers directly, against the test database.

    st = make_state(LeadListState, engine, token)
    events = await call(st, "load")

Handlers run exactly as in the app (same code, same services); database work uses
the test engine; the returned list holds whatever the handler returned or yielded.
"""

from __future__ import annotations

import inspect
import re
from typing import TypeVar

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from reflex.state import BaseState
from reflex_base import constants
from sqlalchemy.engine import Engine

from leadapp import db as dbmod
from leadapp.services import auth
from leadapp.state.base import AuthState

S = TypeVar("S", bound=AuthState)


def make_state(
    cls: type[S], engine: Engine, token: str = "", monkeypatch: pytest.MonkeyPatch | None = None
) -> S:
    if monkeypatch is not None:
        monkeypatch.setattr(dbmod, "get_engine", lambda url=None: engine)
    root: BaseState = rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]
    st = root
    for name in cls.get_full_name().split(".")[1:]:
        st = st.substates[name]
    assert isinstance(st, cls)
    st.session_token = token
    return st


def token_for(session, user) -> str:
    from tests.conftest import PASSWORD

    token, _ = auth.sign_in(session, user.email, PASSWORD)
    session.commit()
    return token


async def call(state, handler: str, *args, **kwargs) -> list:
    fn = type(state).event_handlers[handler].fn
    result = fn(state, *args, **kwargs)
    out = []
    if inspect.isasyncgen(result):
        async for item in result:
            out.append(item)
    elif inspect.iscoroutine(result):
        out.append(await result)
    elif inspect.isgenerator(result):
        out.extend(result)
    else:
        out.append(result)
    return [e for e in out if e is not None]


def event_names(events) -> list[str]:
    """Flatten returned events to names like '_redirect' or 'toast' for assertions."""
    names = []
    for e in events:
        for item in e if isinstance(e, (list, tuple)) else [e]:
            fn = getattr(getattr(item, "handler", None), "fn", None)
            names.append(fn.__name__ if fn is not None else str(item))
    return names


# state/url.py's follow_url: leadappFollowUrl("/leads?...", false) — false pushes a history entry
_FOLLOW = re.compile(r'leadappFollowUrl\(\\?"([^"\\]*)\\?", (true|false)\)')


def _items(events):
    """Each event a handler returned or yielded (a yield may be a list of them)."""
    for e in events:
        yield from e if isinstance(e, (list, tuple)) else [e]


def history_write(events) -> str:
    """How a handler wrote the address bar: "push", "replace", or "" when it did not."""
    for item in _items(events):
        written = _FOLLOW.search(str(item))
        if written:
            return "replace" if written.group(2) == "true" else "push"
    return ""


def redirect_url(events) -> str:
    """The path+query a handler sent the browser to: a redirect, or the URL it wrote into the
    address bar without a navigation (state/url.py's history call)."""
    for item in _items(events):
        written = _FOLLOW.search(str(item))
        if written:
            return written.group(1)
        args = getattr(item, "args", None)
        if args:
            for name, var in args:
                if str(name) == "path" or "path" in str(name):
                    return str(var).strip('"')
    return ""


def at_url(st, url: str, route: str = ""):
    """Put the state on a page URL (path and query), as the browser would; `route` is the
    matched pattern of a dynamic page (`/leads/[lead_id]`), the path itself by default."""
    st.router = RouterData.from_router_data(
        {
            constants.RouteVar.PATH: route or url.split("?")[0],
            constants.RouteVar.ORIGIN: url,
            constants.RouteVar.HEADERS: {"origin": "http://app.test"},
        }
    )


def at_lead(st, lead_id) -> None:
    """Put the state on the lead page of `lead_id` (/leads/[lead_id])."""
    at_url(st, f"/leads/{lead_id}", route="/leads/[lead_id]")
