"""Rows by id, the rows a statement changed, a stored row's id, a model's Core table, reading
with a prebuilt Core statement (or one prebuilt per shape of the clauses that vary), counting
rows, and spending a one-time link."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult, Result
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import BindParameter, ClauseList
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


class Shapes:
    """Statements built once per shape of the clauses that vary between calls (a WHERE, an
    ORDER BY): `read(session, flags, groups, params)` runs `build(flags, *groups)` for that
    shape, the clauses' values as named parameters.

    The shape is `flags` and the clauses' SQLAlchemy cache key: their structure without the
    values, the key SQLAlchemy's own statement cache trusts (equal keys, the same SQL with the
    bound values in the same order). So only the small clauses are built and keyed per call;
    the rest of the statement (columns, subqueries) is built and keyed once, as with `read`.
    """

    def __init__(self, build: Callable[..., sa.Executable], size: int = 256) -> None:
        self._build = build
        self._size = size
        self._statements: dict[tuple, tuple[sa.Executable, tuple[str, ...]] | None] = {}

    def read(
        self,
        session: Session,
        flags: tuple,
        groups: Sequence[Sequence[Any]],
        params: dict[str, Any],
    ) -> Result:
        clauses = [c for g in groups for c in g]
        key = ClauseList(*clauses)._generate_cache_key()
        if key is None:  # something in the clauses SQLAlchemy does not cache
            return read(session, self._build(flags, *groups), params)
        shape = (flags, tuple(len(g) for g in groups), key.key)
        if shape in self._statements:
            entry = self._statements[shape]
        else:
            entry = self._prepare(flags, groups, key.bindparams)
            if len(self._statements) >= self._size:
                self._statements.pop(next(iter(self._statements)), None)
            self._statements[shape] = entry
        if entry is None:
            return read(session, self._build(flags, *groups), params)
        statement, names = entry
        values = dict(params)
        for name, bound in zip(names, key.bindparams, strict=True):
            values[name] = bound.effective_value
        return read(session, statement, values)

    def _prepare(
        self, flags: tuple, groups: Sequence[Sequence[Any]], bound: Sequence
    ) -> tuple[sa.Executable, tuple[str, ...]] | None:
        """The shape's statement, its clauses' bound values renamed shape_0, shape_1, ... in
        cache-key order; None when the renamed clauses do not key the same way (then every
        call builds its own statement)."""
        if any(b.callable is not None for b in bound):
            return None
        names = {id(b): f"shape_{i}" for i, b in enumerate(bound)}

        def rename(element: Any, **kw: Any) -> Any:
            if isinstance(element, BindParameter) and id(element) in names:
                return sa.bindparam(
                    names[id(element)],
                    element.value,
                    type_=element.type,
                    expanding=element.expanding,
                    literal_execute=element.literal_execute,
                )
            return None

        clauses = [c for g in groups for c in g]
        traversed = visitors.replacement_traverse(ClauseList(*clauses), {}, rename)
        renamed = list(cast(ClauseList, traversed).clauses)
        order = tuple(names[id(b)] for b in bound)
        check = ClauseList(*renamed)._generate_cache_key()
        if check is None or tuple(b.key for b in check.bindparams) != order:
            return None
        split, start = [], 0
        for g in groups:
            split.append(renamed[start : start + len(g)])
            start += len(g)
        return self._build(flags, *split), order


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
