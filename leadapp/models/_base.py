"""Shared column helpers for the table models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, overload

import sqlalchemy as sa
from sqlmodel import Field


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


def _fk_field(table: str, ondelete: str, *, nullable: bool, **column_kw: Any) -> Any:
    column = sa.Column(
        sa.Integer,
        sa.ForeignKey(f"{table}.id", ondelete=ondelete),
        nullable=nullable,
        **column_kw,
    )
    return Field(default=None, sa_column=column) if nullable else Field(sa_column=column)


def cascade_fk(table: str, *, nullable: bool = False, **column_kw: Any) -> Any:
    """A field holding the id of a `table` row; this row is deleted with it (ON DELETE CASCADE).

    Required unless `nullable` (then it defaults to None); `column_kw` (primary_key, index) go
    to the column.
    """
    return _fk_field(table, "CASCADE", nullable=nullable, **column_kw)


def set_null_fk(table: str, **column_kw: Any) -> Any:
    """An optional field holding the id of a `table` row, emptied when that row is deleted
    (ON DELETE SET NULL).
    """
    return _fk_field(table, "SET NULL", nullable=True, **column_kw)


def json_field(default_factory: Callable[[], Any]) -> Any:
    """A NOT NULL JSON column starting as `default_factory()` (an empty list or dict)."""
    return Field(default_factory=default_factory, sa_column=sa.Column(sa.JSON, nullable=False))
