"""One stored row by id, for callers that hold an id they trust (the signed-in user's own)."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from .errors import NotFound

T = TypeVar("T", bound=SQLModel)


def get_row(session: Session, model: type[T], row_id: int | None) -> T:
    """The row, or NotFound when it is gone (removed meanwhile, or never stored)."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise NotFound()
    return row
