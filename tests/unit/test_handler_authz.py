"""Every public event handler of every leadapp State has an authorization test (G2).

A handler added without a test marked `@pytest.mark.authz("State.handler")` fails this test.
"""

import importlib
import pkgutil
import re
from pathlib import Path

import reflex as rx

import leadapp.state as state_pkg

TESTS = Path(__file__).resolve().parents[1]
MARK = re.compile(r"""authz\(\s*["']([A-Za-z_][\w]*\.[A-Za-z_]\w*)["']""")


def leadapp_handlers() -> set[str]:
    for mod in pkgutil.iter_modules(state_pkg.__path__):
        importlib.import_module(f"leadapp.state.{mod.name}")
    found = set()
    seen = set()
    stack = [rx.State]
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
                if name.startswith("_"):
                    continue
                # A handler from a mixin is bound to each state using it (its qualified name
                # says so) and needs a test there; one inherited from a parent state is
                # covered under that parent.
                if fn.__qualname__.split(".")[0] != sub.__name__:
                    continue
                found.add(f"{sub.__name__}.{name}")
    return found


def covered() -> set[str]:
    names = set()
    for path in TESTS.rglob("test_*.py"):
        names.update(MARK.findall(path.read_text()))
    return names


def test_every_public_handler_has_an_authorization_test():
    handlers = leadapp_handlers()
    assert "AuthState.sign_out" in handlers and "LoginState.sign_in" in handlers  # the scan works
    missing = sorted(handlers - covered())
    assert not missing, "event handlers without an @pytest.mark.authz test: " + ", ".join(missing)
