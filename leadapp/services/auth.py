"""Sign-in sessions (G1): server-side, random tokens, ended by sign-out or expiry.

Sign-in is throttled per (account, client address) (`throttle.py`) and every sign-in,
refusal and lock-out goes to the audit log. A session remembers the browser and address
it started from, for the user's list of signed-in sessions (Profile).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import AccountToken, AuthSession, Brokerage, User, as_utc, utcnow
from leadapp.settings import SESSION_TTL_HOURS

from . import audit_log, passwords, throttle
from .errors import ServiceError, ValidationFailed, get_owned
from .rows import get_row, id_of, matched
from .security import hash_password, new_token, token_hash, verify_password

log = logging.getLogger("leadapp.auth")
# the tables of hashed tokens that name a user: sign-in sessions and one-time account links
TokenRow = TypeVar("TokenRow", AuthSession, AccountToken)

WRONG_CREDENTIALS = "Wrong email or password."


def account_key(email: str) -> str:
    return f"user:{(email or '').strip().lower()[:320]}"


def sign_in(
    session: Session, email: str, password: str, address: str = "", user_agent: str = ""
) -> tuple[str, User]:
    """Check the credentials and start a new session; returns (token, user).

    A refusal is committed (the failure counts towards the lock) before it is raised.
    """
    email = (email or "").strip().lower()[:320]
    key = account_key(email)
    user = session.exec(select(User).where(col(User.email) == email)).first() if email else None
    bid = user.brokerage_id if user else None
    try:
        throttle.check(session, key, address)
    except throttle.Locked:
        log.warning("sign-in refused for %r from %s: locked", email, address)
        raise
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        log.warning("sign-in refused for %r", email)
        locked = throttle.record_failure(session, key, address)
        audit_log.record(session, bid, "sign_in_failed", actor=user, detail=email, address=address)
        if locked:
            audit_log.record(session, bid, "locked_out", actor=user, detail=email, address=address)
        session.commit()
        if locked:
            throttle.check(session, key, address)
        raise ServiceError(WRONG_CREDENTIALS)
    throttle.clear(session, key, address)
    token = start_session(session, user, address, user_agent)
    audit_log.record(session, bid, "sign_in", actor=user, address=address)
    log.info("user %s signed in", user.id)
    return token, user


def start_session(session: Session, user: User, address: str = "", user_agent: str = "") -> str:
    token = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=id_of(user),
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_TTL_HOURS),
            address=str(address or "")[:64],
            user_agent=str(user_agent or "")[:300],
        )
    )
    user.last_login_at = now
    session.add(user)
    session.flush()
    return token


def user_for_token(session: Session, token: str | None) -> User | None:
    """The signed-in user behind `token`, or None when it is unknown, ended or expired."""
    row = _session_row(session, token)
    return row[1] if row else None


def token_and_user(
    session: Session, model: type[TokenRow], token: str
) -> tuple[TokenRow, User] | None:
    """The row of `model` (a session or an account link) holding `token`'s hash, and its user."""
    return session.exec(
        select(model, User)
        .join(User, col(User.id) == col(model.user_id))
        .where(col(model.token_hash) == token_hash(token))
    ).first()


def _session_row(session: Session, token: str | None):
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    row = token_and_user(session, AuthSession, token)
    if row is None:
        return None
    auth, user = row
    if auth.ended_at is not None or auth.expires_at <= utcnow() or not user.is_active:
        return None
    return row


def sign_out(session: Session, token: str | None, address: str = "") -> None:
    if not token:
        return
    auth = session.exec(
        select(AuthSession).where(col(AuthSession.token_hash) == token_hash(token))
    ).first()
    if auth is not None and auth.ended_at is None:
        auth.ended_at = utcnow()
        session.add(auth)
        user = session.get(User, auth.user_id)
        if user is not None:
            audit_log.record(session, user.brokerage_id, "sign_out", actor=user, address=address)


def end_sessions(session: Session, user_id: int, except_token: str | None = None) -> int:
    """End every open session of a user (deactivation, reset, "sign out everywhere")."""
    where = [col(AuthSession.user_id) == user_id, col(AuthSession.ended_at).is_(None)]
    if except_token:
        where.append(col(AuthSession.token_hash) != token_hash(except_token))
    result = session.execute(sa.update(AuthSession).where(*where).values(ended_at=utcnow()))
    return matched(result)


def set_password(session: Session, user: User, new_password: str) -> None:
    """Set a user's password under the one password rule (passwords.py)."""
    passwords.check(new_password, user.email)
    user.password_hash = hash_password(new_password)
    session.add(user)


def change_password(
    session: Session, user: User, current: str, new: str, token: str = "", address: str = ""
) -> None:
    """Profile: the current password and a new one; other sessions end."""
    me = get_row(session, User, user.id)
    if not verify_password(me.password_hash, str(current or "")[:200]):
        raise ValidationFailed({"current": "That is not your current password."})
    set_password(session, me, str(new or "")[:300])
    end_sessions(session, id_of(me), except_token=token)
    audit_log.record(session, me.brokerage_id, "password_changed", actor=me, address=address)


def my_sessions(session: Session, user: User, token: str = "") -> list[dict]:
    """The user's open sessions, newest first; `current` marks the one asking."""
    now = utcnow()
    rows = session.exec(
        select(AuthSession)
        .where(
            col(AuthSession.user_id) == user.id,
            col(AuthSession.ended_at).is_(None),
            col(AuthSession.expires_at) > now,
        )
        .order_by(col(AuthSession.created_at).desc())
        .limit(100)
    ).all()
    mine = token_hash(token) if token else ""
    return [
        {
            "id": r.id,
            "started": as_utc(r.created_at).strftime("%Y-%m-%d %H:%M UTC"),
            "browser": r.user_agent or "unknown browser",
            "address": r.address or "unknown address",
            "current": r.token_hash == mine,
        }
        for r in rows
    ]


def end_my_session(session: Session, user: User, session_id) -> None:
    """Profile: sign out one of your own sessions."""
    row = get_owned(
        session,
        AuthSession,
        session_id,
        lambda r: r.user_id == user.id,
        "That session does not exist.",
    )
    if row.ended_at is None:
        row.ended_at = utcnow()
        session.add(row)


def brokerage_of(session: Session, user: User) -> Brokerage:
    return get_row(session, Brokerage, user.brokerage_id)
