"""Fixtures the unit tests share beyond tests/conftest.py."""

from __future__ import annotations

import pytest

from tests.unit.mail_helpers import SmtpServer


@pytest.fixture
def smtp():
    """A running SMTP server: (its settings for mail.deliver_queued, its handler)."""
    with SmtpServer() as server:
        yield server.cfg(), server.handler
