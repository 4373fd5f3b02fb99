"""Shared column helpers for the table models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def utcnow() -> datetime:
    """Aware UTC now. Every timestamp column is UTC (timestamptz on PostgreSQL)."""
    return datetime.now(UTC)


@overload
def as_utc(ts: datetime) -> datetime: ...
@overload
def as_utc(ts: None) -> None: ...
@overload
def as_utc(ts: datetime | None) -> datetime | None: ...


def as_utc(ts: datetime | None) -> datetime | None:
    """A stored timestamp as an aware datetime: SQLite gives naive UTC values back, PostgreSQL aware
    ones.
    """
    if ts is not None and ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts
