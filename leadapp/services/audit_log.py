"""The audit log (G1): security-relevant events of a brokerage, for its brokers.

Writers call `record(...)` inside their own transaction, naming the acting user (or the
website API key that made the write) and the client address. Brokers read it with `page`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import ApiKey, AuditEvent, User, as_utc

from . import access
from .errors import ValidationFailed

ACTIONS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "locked_out": "Locked out",
    "sign_out": "Signed out",
    "password_changed": "Password changed",
    "password_reset": "Password reset",
    "reset_requested": "Password reset requested",
    "user_added": "User added",
    "user_changed": "User changed",
    "user_deactivated": "User deactivated",
    "user_reactivated": "User reactivated",
    "invite_sent": "Invitation sent",
    "invite_accepted": "Invitation accepted",
    "sessions_ended": "Sessions ended",
    "api_key_created": "API key created",
    "api_key_revoked": "API key revoked",
    "export": "Export",
    "settings_changed": "Settings changed",
    "setup": "Brokerage set up",
}
PAGE_SIZE = 50


def record(
    session: Session,
    brokerage_id: int | None,
    action: str,
    *,
    actor: User | None = None,
    api_key: ApiKey | None = None,
    detail: str = "",
    address: str = "",
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is not None:
        name = actor.name
    elif api_key is not None:
        name = f"API key {api_key.name} ({api_key.prefix}…)"
    else:
        name = ""
    event = AuditEvent(
        brokerage_id=brokerage_id,
        actor_id=actor.id if actor is not None else None,
        api_key_id=api_key.id if api_key is not None else None,
        actor_name=name[:200],
        action=action,
        detail=str(detail)[:500],
        address=str(address or "")[:64],
    )
    session.add(event)
    return event


def page(
    session: Session,
    user: User,
    *,
    action: str = "",
    actor_id=None,
    page_no=1,
) -> dict:
    """One page of the brokerage's audit log, newest first; brokers only."""
    access.require_broker(user, "read the audit log")
    if action and action not in ACTIONS:
        raise ValidationFailed({"action": "Unknown kind of event."})
    try:
        page_no = max(1, min(int(page_no), 100_000))
        actor = int(actor_id) if actor_id not in (None, "", "all") else None
    except (TypeError, ValueError):
        raise ValidationFailed({"page": "Page and user are numbers."}) from None
    where = [AuditEvent.brokerage_id == user.brokerage_id]
    if action:
        where.append(AuditEvent.action == action)
    if actor is not None:
        where.append(AuditEvent.actor_id == actor)
    total = session.exec(select(sa.func.count()).select_from(AuditEvent).where(*where)).one()
    rows = session.exec(
        select(AuditEvent)
        .where(*where)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset((page_no - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return {
        "total": total,
        "page": page_no,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        "rows": [_row(e) for e in rows],
    }


def _row(e: AuditEvent) -> dict:
    at: datetime = as_utc(e.at)
    return {
        "id": e.id,
        "at": at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "action": ACTIONS.get(e.action, e.action),
        "actor": e.actor_name or "—",
        "detail": e.detail,
        "address": e.address or "—",
    }
