"""Sign-in sessions (G1): server-side, random tokens, ended by sign-out or expiry."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import Session, select

from leadapp.models import AuthSession, Brokerage, User, utcnow
from leadapp.settings import SESSION_TTL_HOURS

from .errors import ServiceError
from .security import new_token, token_hash, verify_password

log = logging.getLogger("leadapp.auth")

WRONG_CREDENTIALS = "Wrong email or password."


def sign_in(session: Session, email: str, password: str) -> tuple[str, User]:
    """Check the credentials and start a new session; returns (token, user)."""
    email = (email or "").strip().lower()
    user = session.exec(select(User).where(User.email == email)).first() if email else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        log.warning("sign-in refused for %r", email)
        raise ServiceError(WRONG_CREDENTIALS)
    token = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_TTL_HOURS),
        )
    )
    user.last_login_at = now
    session.add(user)
    session.flush()
    log.info("user %s signed in", user.id)
    return token, user


def user_for_token(session: Session, token: str | None) -> User | None:
    """The signed-in user behind `token`, or None when it is unknown, ended or expired."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    row = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    auth, user = row
    if auth.ended_at is not None or auth.expires_at <= utcnow() or not user.is_active:
        return None
    return user


def sign_out(session: Session, token: str | None) -> None:
    if not token:
        return
    auth = session.exec(
        select(AuthSession).where(AuthSession.token_hash == token_hash(token))
    ).first()
    if auth is not None and auth.ended_at is None:
        auth.ended_at = utcnow()
        session.add(auth)


def brokerage_of(session: Session, user: User) -> Brokerage:
    return session.get(Brokerage, user.brokerage_id)
