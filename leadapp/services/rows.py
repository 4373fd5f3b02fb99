"""Rows by id, the rows a statement changed, a stored row's id, a model's Core table, reading
with a prebuilt Core statement, counting rows, and spending a one-time link."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult, Result
from sqlmodel import Session, SQLModel, col, select

from leadapp.models import AccountToken, LeadAccountToken, utcnow

from .errors import NotFound

T = TypeVar("T", bound=SQLModel)


def get_row(session: Session, model: type[T], row_id: int | None) -> T:
    """The row with that id (one the caller trusts, e.g. the signed-in user's own), or
    NotFound when it is gone (removed meanwhile, or never stored)."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise NotFound()
    return row


def matched(result: Result) -> int:
    """How many rows an UPDATE or DELETE matched (its result is a CursorResult)."""
    return cast(CursorResult, result).rowcount or 0


def id_of(row: SQLModel) -> int:
    """The id of a stored row (read from the database, or added and flushed): never None."""
    row_id = getattr(row, "id", None)
    if row_id is None:
        raise ValueError(f"{type(row).__name__} has no id: it was never stored")
    return row_id


def table_of(model) -> sa.Table:
    """A table model's Core table (for statements that skip the ORM's per-row work)."""
    return model.__table__


def read(session: Session, statement: sa.Executable, params: dict) -> Result:
    """Run a prebuilt Core statement (one of bound parameters, built once) on the session's
    connection, after the flush an ORM query would do first: its rows are plain tuples, with
    none of the ORM's per-statement and per-row work."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


def count_rows(session: Session, model: type[SQLModel], *where) -> int:
    """How many rows of `model` match every clause of `where`."""
    return int(session.exec(select(sa.func.count()).select_from(model).where(*where)).one())


def stored_ids(ids: Iterable[int | None]) -> list[int]:
    """Ids read back from a key column of stored rows (the model types them `int | None`
    for rows not yet inserted; a stored one is never None)."""
    return [i for i in ids if i is not None]


def spend_link(
    session: Session, model: type[AccountToken] | type[LeadAccountToken], link_id: int | None
) -> bool:
    """Mark the one-time link `link_id` used with one conditional UPDATE; False when it was
    used already (of a double submit, only one request spends the link)."""
    spent = session.execute(
        sa.update(model)
        .where(col(model.id) == link_id, col(model.used_at).is_(None))
        .values(used_at=utcnow())
    )
    return matched(spent) == 1
