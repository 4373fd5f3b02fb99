"""Fixtures the unit tests share beyond tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.mail_helpers import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server (`smtp.deliver(session)`, what it got in `smtp.handler`)."""
    with SmtpServer() as server:
        yield server
