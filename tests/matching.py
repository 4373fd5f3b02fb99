"""Pulling a value out of a page, an email or a reply in a test: the pattern must be there."""

from __future__ import annotations

import re


def found(pattern: str, text: str, group: int = 1) -> str:
    """`group` of the first match of `pattern` in `text`; fails the test when there is none."""
    m = re.search(pattern, text)
    assert m is not None, f"{pattern!r} not found in {text[:300]!r}"
    return m.group(group)
