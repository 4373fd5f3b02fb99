"""Exactly-once keys for the scheduled senders (C1-C4, P14).

A sender builds one key per (lead or market, kind, period), e.g. `alert:17:sale:2026-12-01`,
and calls `claim(session, keys)` before it queues anything. The keys are inserted with
ON CONFLICT DO NOTHING in the sender's own transaction, and only the keys this call
inserted come back: a second run, a restart, or another worker running the same job at the
same moment (PostgreSQL makes it wait on the unique index until the first commits; SQLite
serialises writers) gets nothing back and sends nothing. A run that fails rolls its keys
back with its emails, so the period is retried.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from leadapp.models import SendClaim, utcnow

from .rows import table_of

CHUNK = 500


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    return mod.insert(table_of(SendClaim))


def claim(session: Session, keys: Iterable[str], kind: str) -> set[str]:
    """Insert the keys not yet taken; returns those this call took."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    token = secrets.token_hex(8)
    now = utcnow()
    table = table_of(SendClaim)
    got: set[str] = set()
    # one executemany of a single-row INSERT ... ON CONFLICT DO NOTHING (compiled once)
    stmt = _insert(session).on_conflict_do_nothing(index_elements=["key"])
    session.execute(
        stmt, [{"key": k, "kind": kind, "run_token": token, "claimed_at": now} for k in keys]
    )
    for i in range(0, len(keys), CHUNK):
        part = keys[i : i + CHUNK]
        got.update(
            session.execute(
                sa.select(table.c.key).where(table.c.key.in_(part), table.c.run_token == token)
            ).scalars()
        )
    return got


def note_emails(session: Session, key_to_email: dict[str, int]) -> None:
    """Record which email each claim produced (for tracing a send back to its claim)."""
    if not key_to_email:
        return
    table = table_of(SendClaim)
    session.execute(
        table.update()
        .where(table.c.key == sa.bindparam("_key"))
        .values(email_id=sa.bindparam("_e")),
        [{"_key": k, "_e": e} for k, e in key_to_email.items()],
    )
