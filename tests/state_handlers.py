"""The public event handlers of the leadapp states, for the tests that go through all of them
(every one has an authorization test; every one survives forged payloads)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import reflex as rx
from reflex.state import BaseState

import leadapp.state as state_pkg


def public_handlers() -> list[tuple[type[BaseState], str, Callable]]:
    """(state class, handler name, function) for every public handler, by state and name.

    A handler from a mixin is bound to each state using it (its qualified name says so) and is
    listed there; one inherited from a parent state is listed under that parent only."""
    for mod in pkgutil.iter_modules(state_pkg.__path__):
        importlib.import_module(f"leadapp.state.{mod.name}")
    found: list[tuple[type[BaseState], str, Callable]] = []
    seen: set[type[BaseState]] = set()
    stack: list[type[BaseState]] = [rx.State]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            if not sub.__module__.startswith("leadapp."):
                continue
            for name, handler in sub.event_handlers.items():
                fn = handler.fn
                if name.startswith("_") or fn.__qualname__.split(".")[0] != sub.__name__:
                    continue
                found.append((sub, name, fn))
    return sorted(found, key=lambda h: (h[0].__name__, h[1]))
