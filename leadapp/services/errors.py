"""Errors the services raise; states and API routes turn them into messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

T = TypeVar("T", bound=SQLModel)

# The largest id a row can have (ids are INTEGER columns: 32-bit on PostgreSQL).
MAX_ROW_ID = 2**31 - 1


class ServiceError(Exception):
    """A request that cannot be carried out; the message is safe to show the user."""


class NotSignedIn(ServiceError):
    def __init__(self, message: str = "Your session has ended. Please sign in again."):
        super().__init__(message)


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "You are not allowed to do that."):
        super().__init__(message)


class NotFound(ServiceError):
    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class Conflict(ServiceError):
    """The data changed under the request (e.g. two agents claimed the same lead)."""


class ValidationFailed(ServiceError):
    """Bad input; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str], message: str | None = None):
        self.errors = dict(errors)
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def get_owned(
    session: Session, model: type[T], raw_id: Any, owns: Callable[[T], bool], message: str
) -> T:
    """The row of `model` whose id the client sent as `raw_id`, if `owns(row)` accepts it.

    NotFound(message) for an id that is not a whole number in the id range, for no such row,
    and for a row `owns` rejects (someone else's row answers like a missing one).
    """
    try:
        row_id = int(raw_id)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not 0 < row_id <= MAX_ROW_ID:
        raise NotFound(message)
    row = session.get(model, row_id)
    if row is None or not owns(row):
        raise NotFound(message)
    return row


def get_in_brokerage(
    session: Session, model: type[T], raw_id: Any, brokerage_id: int | None, message: str
) -> T:
    """get_owned for a row that must belong to brokerage `brokerage_id` (else NotFound)."""
    return get_owned(
        session,
        model,
        raw_id,
        lambda row: getattr(row, "brokerage_id", None) == brokerage_id,
        message,
    )
