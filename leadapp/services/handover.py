"""A lead changing hands (G3, G5): the one conditional UPDATE every move goes through.

`move(session, brokerage_id, lead_id, from_agent, to_agent)` moves the lead from one holder
to another (None = the unassigned pool) only if it is still with `from_agent`, and keeps the
lead roll-ups and the speed-to-lead clock with it; `give(...)` also moves its activity
roll-ups. The pool (claim, reject), claim offers and routing's fallbacks all use it.

The UPDATE is the first write of the transaction: on SQLite it waits for a concurrent writer
(`first_write`: the busy timeout, then a bounded number of further waits) and then sees its
result; on PostgreSQL the row lock makes the loser re-check the condition after the winner
commits.
"""

from __future__ import annotations

import logging
import time
from typing import cast

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from leadapp.models import Lead, User, utcnow

from . import rollups, speed
from .errors import Conflict
from .history import audit

log = logging.getLogger("leadapp.handover")

BUSY_RETRIES = 3  # further waits of the busy timeout each, after the first one ran out
BUSY = "Someone else was changing this lead at the same moment; please try again."


def _busy(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()


def first_write(session: Session, stmt, what: str) -> sa.CursorResult:
    """Execute the transaction's first write, waiting out a busy SQLite database.

    SQLite answers "database is locked" once its busy timeout passed while other writers
    held the lock. Nothing was written by this transaction yet (a writer that holds the lock
    is never refused), so running the statement again is safe: it waits once more, up to
    BUSY_RETRIES times, and only then the user is asked to try again (a Conflict).
    """
    for attempt in range(BUSY_RETRIES + 1):
        try:
            result = session.execute(stmt, execution_options={"synchronize_session": False})
            return cast(sa.CursorResult, result)
        except OperationalError as exc:
            if not _busy(exc) or attempt == BUSY_RETRIES:
                log.warning("%s failed: %s", what, exc.orig)
                if _busy(exc):
                    raise Conflict(BUSY) from None
                raise
            log.info("%s: database busy, waiting again (%d)", what, attempt + 1)
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def move(
    session: Session,
    brokerage_id: int,
    lead_id: int,
    from_agent: int | None,
    to_agent: int | None,
) -> Lead | None:
    """Move the lead between holders in one conditional UPDATE; None if it was not there."""
    session.flush()
    holder = (
        col(Lead.assigned_agent_id).is_(None)
        if from_agent is None
        else col(Lead.assigned_agent_id) == from_agent
    )
    result = first_write(
        session,
        sa.update(Lead)
        .where(col(Lead.id) == lead_id, col(Lead.brokerage_id) == brokerage_id, holder)
        .values(assigned_agent_id=to_agent, updated_at=utcnow()),
        f"moving lead {lead_id}",
    )
    if result.rowcount != 1:
        return None
    speed.assigned(session, brokerage_id, [(lead_id, to_agent)])
    # The row is ours until commit (PostgreSQL row lock; SQLite write lock): read it back.
    lead = session.exec(
        select(Lead).where(Lead.id == lead_id).execution_options(populate_existing=True)
    ).one()
    after = rollups.lead_key(lead)
    before = (after[0], from_agent or 0, *after[2:])
    rollups.add_lead_keys(session, {before: -1, after: 1})
    day_after = rollups.day_key(lead)
    if day_after:  # D2: the lead's last-activity day moves to its new holder
        rollups.add_day_keys(
            session, {(day_after[0], from_agent or 0, *day_after[2:]): -1, day_after: 1}
        )
    return lead


def give(
    session: Session, lead_id: int, brokerage_id: int, from_agent: int | None, to_agent: int | None
) -> Lead | None:
    """`move`, and the lead's activity roll-ups follow it; None if it moved meanwhile."""
    lead = move(session, brokerage_id, lead_id, from_agent, to_agent)
    if lead is not None:
        rollups.move_activity(session, brokerage_id, [(lead_id, from_agent or 0, to_agent or 0)])
    return lead


def audit_claim(session: Session, lead: Lead, user: User, title: str) -> None:
    """The history entry of `user` claiming the unassigned `lead` (Unassigned -> their name)."""
    audit(session, lead, user, "assigned_agent", "Unassigned", user.name, title=title)
