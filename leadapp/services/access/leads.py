"""Who may see and change which leads (G2, G3).

- Brokers see and change every lead of their brokerage, and alone reassign leads.
- Agents see and change the leads assigned to them; when the brokerage allows it they
  also see the unassigned pool (to claim from it), but change a pool lead only by claiming it.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Lead, User
from leadapp.services.errors import MAX_ROW_ID, NotFound, PermissionDenied, get_owned
from leadapp.services.rows import read, table_of

log = logging.getLogger("leadapp.access")


def is_broker(user: User) -> bool:
    return user.role == "broker"


def require_broker(user: User, what: str = "do that") -> None:
    if not is_broker(user):
        log.warning("refused: agent %s tried to %s", user.id, what)
        raise PermissionDenied(f"Only brokers can {what}.")


_POOL = sa.select(table_of(Brokerage).c.unassigned_pool_enabled).where(
    table_of(Brokerage).c.id == sa.bindparam("brokerage_id")
)


def pool_enabled(session: Session, user: User) -> bool:
    """Whether the user's brokerage lets agents see and claim the unassigned pool (one column,
    read as stored)."""
    return bool(read(session, _POOL, {"brokerage_id": user.brokerage_id}).scalar())


def lead_visibility(user: User, *, include_pool: bool = False) -> sa.ColumnElement[bool]:
    """WHERE clause for the leads `user` may see (pool only when include_pool)."""
    clause = col(Lead.brokerage_id) == user.brokerage_id
    if is_broker(user):
        return clause
    mine = col(Lead.assigned_agent_id) == user.id
    if include_pool:
        return sa.and_(clause, sa.or_(mine, col(Lead.assigned_agent_id).is_(None)))
    return sa.and_(clause, mine)


def can_view_lead(session: Session, user: User, lead: Lead) -> bool:
    if lead.brokerage_id != user.brokerage_id:
        return False
    if is_broker(user) or lead.assigned_agent_id == user.id:
        return True
    return lead.assigned_agent_id is None and pool_enabled(session, user)


def can_change_lead(user: User, lead: Lead) -> bool:
    if lead.brokerage_id != user.brokerage_id:
        return False
    return is_broker(user) or lead.assigned_agent_id == user.id


def get_lead(
    session: Session, user: User, lead_id, *, write: bool = False, lock: bool = False
) -> Lead:
    """The lead `lead_id` if `user` may see it (write=True: change it), else an error.

    A lead of another brokerage or another agent answers "not found", so ids reveal nothing.
    """
    try:
        lead_id = int(lead_id)
    except (TypeError, ValueError):
        raise NotFound("That lead does not exist.") from None
    if not 0 < lead_id <= MAX_ROW_ID:  # no such row (and no driver overflow)
        raise NotFound("That lead does not exist.")
    if lock:
        lead = session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    else:  # a lead this session has loaded already costs no query
        lead = session.get(Lead, lead_id)
    if lead is None or not can_view_lead(session, user, lead):
        if lead is not None:
            log.warning("refused: user %s asked for lead %s", user.id, lead_id)
        raise NotFound("That lead does not exist or is not yours.")
    if write and not can_change_lead(user, lead):
        log.warning("refused: user %s tried to change lead %s", user.id, lead_id)
        raise PermissionDenied("Claim this lead before changing it.")
    return lead


def visible_lead_ids(session: Session, user: User, lead_ids, *, write: bool = True) -> list[int]:
    """The subset of `lead_ids` that `user` may change (write) or see; refuses if any is not."""
    try:
        ids = sorted({int(i) for i in lead_ids})
    except (TypeError, ValueError):
        raise NotFound("Some of those leads do not exist.") from None
    if not ids:
        return []
    clause = lead_visibility(user, include_pool=not write and pool_enabled(session, user))
    found = set(session.exec(select(Lead.id).where(col(Lead.id).in_(ids), clause)).all())
    if len(found) != len(ids):
        log.warning("refused: user %s asked for leads outside their reach", user.id)
        raise PermissionDenied("Some of those leads are not yours.")
    return ids


def get_agent(session: Session, user: User, agent_id) -> User:
    """An active user of `user`'s brokerage who can hold leads."""
    return get_owned(
        session,
        User,
        agent_id,
        lambda a: a.brokerage_id == user.brokerage_id and a.is_active,
        "That agent does not exist.",
    )
