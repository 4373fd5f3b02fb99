"""Every public event handler of every leadapp State has an authorization test (G2).

A handler added without a test marked `@pytest.mark.authz("State.handler")` fails this test.
"""

import re

from tests.conftest import TESTS
from tests.state_handlers import public_handlers

MARK = re.compile(r"""authz\(\s*["']([A-Za-z_][\w]*\.[A-Za-z_]\w*)["']""")


def leadapp_handlers() -> set[str]:
    return {f"{cls.__name__}.{name}" for cls, name, _ in public_handlers()}


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
