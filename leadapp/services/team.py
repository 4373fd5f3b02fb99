"""The team (G1, G2): brokers add, invite, change and deactivate the brokerage's users.

- A new user has no password: they choose it through a one-time invitation link
  (accounts.py), emailed through the outgoing-mail queue; the broker may copy the link.
- Deactivating a user ends their sessions at once and moves their leads to the pool or
  to another active user, in the caller's one transaction, with a history entry on each
  lead (lead_bulk.assign); their past records keep their name (the row stays).
- The last active broker can be neither demoted nor deactivated.
The `operator` functions serve the command line, where no one is signed in.
"""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Lead, User

from . import access, accounts, audit_log, auth, lead_bulk
from .errors import Conflict, ServiceError, ValidationFailed, get_in_brokerage
from .rows import count_rows, get_row, id_of
from .validation import check_email, check_phone

log = logging.getLogger("leadapp.team")

ROLES = {"broker": "Broker", "agent": "Agent"}
LAST_BROKER = "The brokerage needs at least one active broker; make another user broker first."


def _text(form: dict, key: str, max_len: int) -> str:
    value = form.get(key)
    return "" if value is None else str(value).strip()[: max_len + 1]


def check_user_form(session: Session, form: dict, user_id: int | None = None) -> dict:
    """Name, email, role, agent ID, MLS ID, phone; ValidationFailed lists every problem."""
    if not isinstance(form, dict):
        raise ValidationFailed({"name": "Fill in the form."})
    errors: dict[str, str] = {}
    out: dict = {}
    name = _text(form, "name", 200)
    if not name or len(name) > 200:
        errors["name"] = "A name is required (at most 200 characters)."
    out["name"] = name
    try:
        out["email"] = check_email(_text(form, "email", 320))
        clash = session.exec(select(User.id).where(User.email == out["email"])).first()
        if clash is not None and clash != user_id:
            errors["email"] = "That email already belongs to a user."
    except ValueError as exc:
        errors["email"] = str(exc)
    role = _text(form, "role", 16) or "agent"
    if role not in ROLES:
        errors["role"] = "The role is broker or agent."
    out["role"] = role
    code = _text(form, "agent_code", 32)
    if len(code) > 32:
        errors["agent_code"] = "An agent ID has at most 32 characters."
    elif code:
        clash = session.exec(select(User.id).where(User.agent_code == code)).first()
        if clash is not None and clash != user_id:
            errors["agent_code"] = "Another user has that agent ID."
    out["agent_code"] = code
    mls = _text(form, "mls_id", 32)
    if len(mls) > 32:
        errors["mls_id"] = "An MLS ID has at most 32 characters."
    out["mls_id"] = mls
    try:
        out["phone"] = check_phone(_text(form, "phone", 40)) if _text(form, "phone", 40) else ""
    except ValueError as exc:
        errors["phone"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    return out


def _free_agent_code(session: Session) -> str:
    while True:
        code = "U" + secrets.token_hex(3).upper()
        if session.exec(select(User.id).where(User.agent_code == code)).first() is None:
            return code


def create_user(session: Session, brokerage_id: int, values: dict, password_hash: str = "") -> User:
    user = User(
        brokerage_id=brokerage_id,
        email=values["email"],
        name=values["name"],
        role=values["role"],
        agent_code=values.get("agent_code") or _free_agent_code(session),
        mls_id=values.get("mls_id", ""),
        phone=values.get("phone", ""),
        password_hash=password_hash,
        timezone=get_row(session, Brokerage, brokerage_id).timezone,
    )
    session.add(user)
    session.flush()
    return user


def _member(session: Session, actor: User, user_id) -> User:
    return get_in_brokerage(session, User, user_id, actor.brokerage_id, "That user does not exist.")


def _active_brokers(session: Session, brokerage_id: int) -> int:
    return count_rows(
        session,
        User,
        col(User.brokerage_id) == brokerage_id,
        col(User.role) == "broker",
        col(User.is_active),
    )


def members(session: Session, actor: User) -> list[dict]:
    """Settings → Team for brokers: every user with what a broker may change."""
    access.require_broker(actor, "manage the team")
    rows = session.exec(
        select(User).where(User.brokerage_id == actor.brokerage_id).order_by(User.name)
    ).all()
    counts = dict(
        session.exec(
            select(Lead.assigned_agent_id, sa.func.count())
            .where(
                Lead.brokerage_id == actor.brokerage_id, col(Lead.assigned_agent_id).is_not(None)
            )
            .group_by(col(Lead.assigned_agent_id))
        ).all()
    )
    return [
        {
            "id": u.id,
            "name": u.name,
            "email": u.email,
            "role": u.role,
            "agent_code": u.agent_code,
            "mls_id": u.mls_id,
            "phone": u.phone,
            "active": u.is_active,
            "invited": u.is_active and not u.password_hash,
            "leads": counts.get(u.id, 0),
            "me": u.id == actor.id,
        }
        for u in rows
    ]


def add_user(
    session: Session, actor: User, form: dict, base_url: str, address: str = ""
) -> tuple[User, str]:
    """A broker adds a user; returns (user, invitation link). The email is queued."""
    access.require_broker(actor, "add users")
    values = check_user_form(session, form)
    user = create_user(session, actor.brokerage_id, values)
    url = accounts.link(base_url, accounts.issue(session, user, "invite"))
    accounts.queue_invitation(session, user, actor, url)
    audit_log.record(
        session,
        actor.brokerage_id,
        "user_added",
        actor=actor,
        detail=f"{user.name} <{user.email}> as {user.role}",
        address=address,
    )
    return user, url


def resend_invitation(
    session: Session, actor: User, user_id, base_url: str, address: str = ""
) -> str:
    """A new invitation link (the old one stops working), emailed again; returns it."""
    access.require_broker(actor, "invite users")
    user = _member(session, actor, user_id)
    if not user.is_active:
        raise ServiceError("Reactivate the user before inviting them again.")
    if user.password_hash:
        raise Conflict(f"{user.name} has already chosen a password.")
    url = accounts.link(base_url, accounts.issue(session, user, "invite"))
    accounts.queue_invitation(session, user, actor, url)
    audit_log.record(
        session, actor.brokerage_id, "invite_sent", actor=actor, detail=user.email, address=address
    )
    return url


def change_role(session: Session, actor: User, user_id, role, address: str = "") -> User:
    access.require_broker(actor, "change roles")
    user = _member(session, actor, user_id)
    role = str(role or "")[:16]
    if role not in ROLES:
        raise ValidationFailed({"role": "The role is broker or agent."})
    if user.role == role:
        return user
    if (
        user.role == "broker"
        and user.is_active
        and _active_brokers(session, user.brokerage_id) <= 1
    ):
        raise ServiceError(LAST_BROKER)
    old, user.role = user.role, role
    session.add(user)
    audit_log.record(
        session,
        actor.brokerage_id,
        "user_changed",
        actor=actor,
        detail=f"{user.name}: role {old} → {role}",
        address=address,
    )
    return user


def deactivate(session: Session, actor: User, user_id, leads_to="pool", address: str = "") -> int:
    """End the user's sessions and hand their leads on; returns how many leads moved."""
    access.require_broker(actor, "deactivate users")
    user = _member(session, actor, user_id)
    if not user.is_active:
        raise Conflict(f"{user.name} is already deactivated.")
    if user.role == "broker" and _active_brokers(session, user.brokerage_id) <= 1:
        raise ServiceError(LAST_BROKER)
    if leads_to in (None, "", "pool", "none", 0, "0"):
        target, target_name = None, "the unassigned pool"
    else:
        heir = access.get_agent(session, actor, leads_to)
        if heir.id == user.id:
            raise ValidationFailed({"leads_to": "Choose someone else to take the leads."})
        target, target_name = heir.id, heir.name
    leads = (
        select(Lead.id)
        .where(Lead.brokerage_id == user.brokerage_id, Lead.assigned_agent_id == user.id)
        .order_by(col(Lead.id))
    )
    # One transaction with the caller's: each lead gets a history entry naming `actor`.
    moved = lead_bulk.assign(session, actor, lambda s, u: leads, target or "none")
    user.is_active = False
    session.add(user)
    b = get_row(session, Brokerage, user.brokerage_id)
    if b.default_agent_id == user.id:
        b.default_agent_id = None
        session.add(b)
    auth.end_sessions(session, id_of(user))
    audit_log.record(
        session,
        actor.brokerage_id,
        "user_deactivated",
        actor=actor,
        detail=f"{user.name}; {moved} leads to {target_name}",
        address=address,
    )
    log.info("user %s deactivated by %s; %d leads moved", user.id, actor.id, moved)
    return moved


def reactivate(session: Session, actor: User, user_id, address: str = "") -> User:
    access.require_broker(actor, "reactivate users")
    user = _member(session, actor, user_id)
    if user.is_active:
        raise Conflict(f"{user.name} is already active.")
    user.is_active = True
    session.add(user)
    audit_log.record(
        session,
        actor.brokerage_id,
        "user_reactivated",
        actor=actor,
        detail=user.name,
        address=address,
    )
    return user


def acting_broker(session: Session, brokerage_id: int, besides: int | None = None) -> User:
    """For the command line: an active broker of the brokerage to act in its name."""
    where = [User.brokerage_id == brokerage_id, User.role == "broker", User.is_active]
    if besides is not None:
        where.append(User.id != besides)
    broker = session.exec(select(User).where(*where).order_by(col(User.id))).first()
    if broker is None:
        raise ServiceError(LAST_BROKER)
    return broker
