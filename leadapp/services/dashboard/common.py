"""What the dashboard's panels share: the lead-list link of a scope, percentages, lead names
and SQLite's unindexed column."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.services import people
from leadapp.services.access import Scope


def leads_url(sc: Scope, **params) -> str:
    """A /leads link on the lead-list URL contract, narrowed to the scope's agent."""
    q = sc.list_params() | {k: str(v) for k, v in params.items() if v not in (None, "")}
    return "/leads" + ("?" + urlencode(q, safe=",") if q else "")


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


lead_name = people.name_or_email


def _unindexed(session: Session, column: Any) -> sa.ColumnElement[Any]:
    """`column` as SQLite's "+column": the same value, but the planner will not pick an index
    for it."""
    if session.get_bind().dialect.name != "sqlite":
        return column
    return sa.literal_column(f"+{column.table.name}.{column.name}", type_=column.type)
