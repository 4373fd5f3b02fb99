"""Shared column helpers for the table models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Aware UTC now. Every timestamp column is UTC (timestamptz on PostgreSQL)."""
    return datetime.now(UTC)


def as_utc(ts: datetime | None) -> datetime | None:
    """A stored timestamp as an aware datetime: SQLite gives naive UTC values back, PostgreSQL aware
    ones.
    """
    if ts is not None and ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts
