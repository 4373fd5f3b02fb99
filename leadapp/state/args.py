"""Ids and numbers sent by the client, read defensively: any payload may come with an event."""

from __future__ import annotations


def int_arg(value) -> int:
    """value as an int (of its first 12 characters), 0 when it is not one."""
    try:
        return int(str(value)[:12])
    except (TypeError, ValueError):
        return 0


def id_arg(value) -> int:
    """A row id from the client: a positive int, else 0."""
    return max(int_arg(value), 0)
