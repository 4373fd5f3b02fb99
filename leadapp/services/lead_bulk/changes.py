"""Bulk changes of tags, stage, type, status and agent (L6, L7, L9)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from leadapp.models import (
    User,
    utcnow,
)
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES
from leadapp.services import access, rollups, speed, tags
from leadapp.services.errors import ValidationFailed
from leadapp.services.history import add_audit_rows

from .engine import REACTIVATABLE, _run, _set_field, _update, target_ids

# --------------------------------------------------------------------------- the changes


def add_tags(session: Session, user: User, target, names) -> int:
    """L7: apply tags (created as needed)."""
    return _change_tags(session, user, target, names, tags.apply_tags)


def remove_tags(session: Session, user: User, target, names) -> int:
    return _change_tags(session, user, target, names, tags.unapply_tags)


def _change_tags(
    session: Session,
    user: User,
    target,
    names,
    change: Callable[[Session, User, list[int], list[str]], int],
) -> int:
    """`change` (apply or unapply) the named tags on the target's leads; how many it changed."""
    names = tags._tag_names(names)
    if not names:
        raise ValidationFailed({"tags": "Name at least one tag."})
    ids = target_ids(session, user, target)
    session.flush()
    n = change(session, user, ids, names)
    session.expire_all()
    return n


def _code(value, allowed: dict, field: str, label: str) -> str:
    code = str(value or "").strip().lower()[:40]
    if code not in allowed:
        raise ValidationFailed(
            {field: f"'{str(value)[:40]}' is not a {label} ({', '.join(allowed.values())})."}
        )
    return code


def set_stage(session: Session, user: User, target, stage) -> int:
    stage = _code(stage, STAGES, "stage", "pipeline stage")
    return _set_field(session, user, target, "stage", stage, STAGES, "Stage changed")


def set_type(session: Session, user: User, target, lead_type) -> int:
    lead_type = _code(lead_type, LEAD_TYPES, "lead_type", "lead type")
    return _set_field(
        session, user, target, "lead_type", lead_type, LEAD_TYPES, "Lead type changed"
    )


def set_status(session: Session, user: User, target, status) -> int:
    status = _code(status, LEAD_STATUSES, "status", "status")
    return _set_field(session, user, target, "status", status, LEAD_STATUSES, "Status changed")


def delete(session: Session, user: User, target) -> int:
    """L6: status Deleted; the lead and everything about it is kept."""
    return _set_field(session, user, target, "status", "deleted", LEAD_STATUSES, "Lead deleted")


def reactivate(session: Session, user: User, target) -> int:
    """L9: inactive or deleted leads become Active (others are left as they are)."""
    return _set_field(
        session,
        user,
        target,
        "status",
        "active",
        LEAD_STATUSES,
        "Lead reactivated",
        only_from=REACTIVATABLE,
    )


def assign(session: Session, user: User, target, agent_id) -> int:
    """G2 / L7: brokers (only) assign leads to an agent, or to nobody ("none") = the pool."""
    access.require_broker(user, "reassign leads")
    agent = (
        None
        if agent_id in (None, "", 0, "0", "none")
        else access.get_agent(session, user, agent_id)
    )
    new_id = agent.id if agent else None
    ids = target_ids(session, user, target)
    names = {
        u.id: u.name
        for u in session.exec(select(User).where(User.brokerage_id == user.brokerage_id))
    }
    now = utcnow()

    def change(rows: dict) -> list[int]:
        hit = [i for i, r in rows.items() if r.assigned_agent_id != new_id]
        if hit:
            rollups.move_activity(
                session, user.brokerage_id, [(i, rows[i].assigned_agent_id, new_id) for i in hit]
            )
            _update(session, hit, assigned_agent_id=new_id, updated_at=now)
            speed.assigned(session, user.brokerage_id, [(i, new_id) for i in hit], now)
            add_audit_rows(
                session,
                user,
                [
                    (
                        i,
                        names.get(rows[i].assigned_agent_id, "Unassigned"),
                        names.get(new_id, "Unassigned"),
                    )
                    for i in hit
                ],
                "assigned_agent",
                "Assigned agent changed",
                now,
            )
        return hit

    return _run(session, user, ids, change)
