"""The address bar follows the view on screen, without a navigation.

A list page's handler fetches and shows the new view itself, then `follow_url(path)` writes
that view's URL with the History API, in the same reply. React Router does not observe a
direct pushState/replaceState, so the page's on_load does not run again (one round trip per
click); Reflex still reads the live query string into every later event's router data. A real
navigation — a link, a reload, the back and forward buttons (popstate) — goes through the
router and runs on_load, which reads the view back from the URL.

`set_if_changed(state, name, value)` assigns only a changed value: every assignment marks a var
dirty, and a dirty var (with the computed vars depending on it) is resent in the reply.

`AddressEcho` keeps the address a page wrote itself out of the next reply (see there).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import reflex as rx
from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState
from reflex_base.constants import CompileVars
from reflex_base.utils.format import format_event_handler


def follow_url(path: str, query: str = "", replace: bool = False) -> rx.event.EventSpec:
    """The client-side event that shows path?query in the address bar (no navigation)."""
    url = path + (f"?{query}" if query else "")
    # assets/follow_url.js (loaded in every page's head) keeps the reply to one short call
    return rx.call_script(f"leadappFollowUrl({json.dumps(url)}, {'true' if replace else 'false'})")


def route_args(router: Any) -> dict[str, str]:
    """The dynamic segments of the page's route (`/leads/[lead_id]` → {"lead_id": "12"}).

    `router.route_id` is the matched route pattern and `router.url.path` the address the
    browser shows; a configured frontend prefix only adds leading segments, so the pattern is
    matched against the path's last segments. A path that does not fit gives {}.
    """
    pattern = [p for p in str(router.route_id).split("/") if p]
    parts = [p for p in str(router.url.path).split("/") if p]
    if not pattern or len(parts) < len(pattern):
        return {}
    args: dict[str, str] = {}
    for want, got in zip(pattern, parts[len(parts) - len(pattern) :], strict=True):
        if want.startswith("[") and want.endswith("]"):
            args[want[1:-1].removeprefix("...")] = unquote(got)
        elif want != got:
            return {}
    return args


def set_if_changed(state: Any, name: str, value: Any) -> bool:
    """state.name = value, unless it already holds that value (then nothing is resent)."""
    if getattr(state, name) == value:
        return False
    setattr(state, name, value)
    return True


# The events a navigation sends (the first load, a link, reload, back and forward): the
# address they carry is new to the server's view and is sent back as it is.
_NAVIGATION_EVENTS = frozenset(
    format_event_handler(handler)
    for handler in (
        State.event_handlers[CompileVars.HYDRATE],
        State.event_handlers[CompileVars.HYDRATE_AND_LOAD],
        OnLoadInternalState.event_handlers["on_load_internal"],
        UpdateVarsInternalState.event_handlers["update_vars_internal"],
    )
)
# The root state's vars rebuilt from the address's path and query; the route itself is
# `rx_router_route_id`, which changes only with a navigation.
_ADDRESS_VARS = ("rx_router_url", "rx_router_page")


class AddressEcho(rx.Middleware):
    """An in-page event's address is the client's own: it is not sent back to it.

    Every event carries the browser's address. After `follow_url` wrote a new query string,
    the next event's address differs from the one the server last saw, so Reflex rebuilds the
    router vars (and the dynamic route vars computed from them) and resends them all (~0.8
    KB) to the very client that wrote that address. Any change of route goes through React
    Router, whose navigation events (`_NAVIGATION_EVENTS`) keep the usual behaviour; for any
    other event with the same route the server still stores the new address, but the reply
    leaves those vars out. Written against reflex 0.10's per-field router vars
    (`rx_router_url`, `rx_router_page`, `rx_router_route_id` on the root state).
    """

    async def preprocess(self, app: Any, state: Any, event: Any) -> None:
        dirty = state.dirty_vars
        if event.name in _NAVIGATION_EVENTS or "rx_router_route_id" in dirty:
            return None
        if not dirty.intersection(_ADDRESS_VARS):
            return None
        own = state.get_full_name()
        for name in _ADDRESS_VARS:
            dirty.discard(name)
            for state_name, var_name in state._var_dependencies.get(name, ()):
                if state_name == own:
                    dirty.discard(var_name)
        return None
