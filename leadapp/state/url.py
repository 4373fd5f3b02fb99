"""The address bar follows the view on screen, without a navigation.

A list page's handler fetches and shows the new view itself, then `follow_url(path)` writes
that view's URL with the History API, in the same reply. React Router does not observe a
direct pushState/replaceState, so the page's on_load does not run again (one round trip per
click); Reflex still reads the live query string into every later event's router data. A real
navigation — a link, a reload, the back and forward buttons (popstate) — goes through the
router and runs on_load, which reads the view back from the URL.

`set_if_changed(state, name, value)` assigns only a changed value: every assignment marks a var
dirty, and a dirty var (with the computed vars depending on it) is resent in the reply.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import reflex as rx

# push: a new history entry (back returns to the previous view); replace: the search box,
# so typing does not fill the history. The entry keeps React Router's bookkeeping (its
# index, one past the current entry's on a push) with a key of its own.
_SCRIPT = """(() => {{
  const url = {url};
  if (window.location.pathname + window.location.search === url) return;
  const state = window.history.state || {{}};
  const key = Math.random().toString(36).slice(2, 10);
  {call}
}})()"""
# Before a push the current entry gets a key of its own too: coming back to it (popstate),
# React Router then sees a location other than the one it last rendered and runs on_load.
_PUSH = (
    "window.history.replaceState({...state, key: key + 'b'}, '');"
    " window.history.pushState({...state, key, idx: (state.idx ?? 0) + 1}, '', url);"
)
_REPLACE = "window.history.replaceState({...state, key}, '', url);"


def follow_url(path: str, query: str = "", replace: bool = False) -> rx.event.EventSpec:
    """The client-side event that shows path?query in the address bar (no navigation)."""
    url = path + (f"?{query}" if query else "")
    return rx.call_script(_SCRIPT.format(url=json.dumps(url), call=_REPLACE if replace else _PUSH))


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
