"""Which live dashboard changes a subscriber may receive (services/live.py): those of their
brokerage, and for an agent only those counted against their own leads."""

from __future__ import annotations

from typing import Protocol


class Viewer(Protocol):
    @property
    def brokerage_id(self) -> int: ...
    @property
    def user_id(self) -> int: ...
    @property
    def is_broker(self) -> bool: ...


class Counted(Protocol):
    @property
    def brokerage_id(self) -> int: ...
    @property
    def agent_key(self) -> int: ...
    @property
    def kind(self) -> str: ...


def may_see(sub: Viewer, change: Counted) -> bool:
    """Whether the subscriber's user may see this change (the dashboard's own scope)."""
    if change.brokerage_id != sub.brokerage_id:
        return False
    if change.kind == "notify":  # N1: agent_key is the notified user; only their tabs
        return change.agent_key == sub.user_id
    return sub.is_broker or change.agent_key == sub.user_id
