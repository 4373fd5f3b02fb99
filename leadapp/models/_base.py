"""Shared column helpers for the table models."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Aware UTC now. Every timestamp column is UTC (timestamptz on PostgreSQL)."""
    return datetime.now(timezone.utc)
