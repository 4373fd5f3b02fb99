"""One-time links for users (G1): invitations (7 days) and password resets (1 hour).

A link carries a 256-bit random token; only its sha256 is stored, it works once, and
issuing a new one of the same purpose voids the older ones. Redeeming one sets the
password under the one rule (passwords.py) and ends every session of the user. The emails
go through the outgoing-mail queue (kind "account"); `deliver_now()` runs the queue's
account job at once after commit (claimed in the database, so never sent twice).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import AccountToken, Brokerage, User, as_utc, utcnow

from . import audit_log, auth, mail, scheduled
from .errors import ServiceError
from .rows import count_rows, get_row, id_of, spend_link
from .security import new_token, token_hash

log = logging.getLogger("leadapp.accounts")

TTL = {"invite": timedelta(days=7), "reset": timedelta(hours=1)}
RESETS_PER_HOUR = 3
BAD_LINK = "This link is invalid, has expired or was already used. Ask for a new one."
PATH = "/set-password"


def link(base_url: str, token: str) -> str:
    return f"{(base_url or '').rstrip('/')}{PATH}?token={token}"


def issue(session: Session, user: User, purpose: str) -> str:
    """A new one-time token for `user`; older unused ones of that purpose stop working."""
    if purpose not in TTL:
        raise ValueError(purpose)
    now = utcnow()
    session.execute(
        sa.update(AccountToken)
        .where(
            col(AccountToken.user_id) == user.id,
            col(AccountToken.purpose) == purpose,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    token = new_token()
    session.add(
        AccountToken(
            user_id=id_of(user),
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + TTL[purpose],
        )
    )
    session.flush()
    return token


def _valid(session: Session, token) -> tuple[AccountToken, User]:
    if not isinstance(token, str) or not 20 <= len(token) <= 200:
        raise ServiceError(BAD_LINK)
    row = auth.token_and_user(session, AccountToken, token)
    if row is None:
        log.warning("unknown account link presented")
        raise ServiceError(BAD_LINK)
    tok, user = row
    if tok.used_at is not None or as_utc(tok.expires_at) <= utcnow() or not user.is_active:
        log.warning("used, expired or inactive account link %s presented", tok.id)
        raise ServiceError(BAD_LINK)
    return tok, user


def describe(session: Session, token) -> dict:
    """What the set-password page shows before the password is chosen."""
    tok, user = _valid(session, token)
    return {"purpose": tok.purpose, "name": user.name, "email": user.email}


def redeem(session: Session, token, new_password, address: str = "") -> User:
    """Set the password through a link; the link is spent and every session ends."""
    tok, user = _valid(session, token)
    auth.set_password(session, user, str(new_password or "")[:300])
    if not spend_link(session, AccountToken, tok.id):
        raise ServiceError(BAD_LINK)
    auth.end_sessions(session, id_of(user))
    action = "invite_accepted" if tok.purpose == "invite" else "password_reset"
    audit_log.record(session, user.brokerage_id, action, actor=user, address=address)
    return user


def queue_invitation(session: Session, user: User, invited_by: User | None, url: str) -> None:
    b = get_row(session, Brokerage, user.brokerage_id)
    who = f"{invited_by.name} invited you" if invited_by else "You are invited"
    mail.queue(
        session,
        brokerage_id=user.brokerage_id,
        to=user.email,
        subject=f"Your leadapp account at {b.name}",
        body=(
            f"Hello {user.name},\n\n{who} to {b.name}'s leadapp.\n"
            f"Choose your password here (the link works once, for 7 days):\n\n{url}\n\n"
            "Your sign-in is this email address.\n"
        ),
        kind="account",
        created_by_id=invited_by.id if invited_by else None,
    )


def request_reset(session: Session, email, base_url: str, address: str = "") -> None:
    """Forgot password: email a one-hour link when the email belongs to an active user.

    The caller answers the same whatever happens here, so the page tells nobody whether
    an email has an account.
    """
    email = str(email or "").strip().lower()[:320]
    user = session.exec(select(User).where(col(User.email) == email)).first() if email else None
    if user is None or not user.is_active:
        log.info("password reset asked for unknown or inactive %r", email)
        return
    recent = count_rows(
        session,
        AccountToken,
        col(AccountToken.user_id) == user.id,
        col(AccountToken.purpose) == "reset",
        col(AccountToken.created_at) > utcnow() - timedelta(hours=1),
    )
    if recent >= RESETS_PER_HOUR:
        log.warning("password reset for user %s refused: %d in the last hour", user.id, recent)
        return
    token = issue(session, user, "reset")
    mail.queue(
        session,
        brokerage_id=user.brokerage_id,
        to=user.email,
        subject="Reset your leadapp password",
        body=(
            f"Hello {user.name},\n\nSomeone (hopefully you) asked to reset your leadapp "
            f"password. Choose a new one here (the link works once, for 1 hour):\n\n"
            f"{link(base_url, token)}\n\n"
            "If you did not ask, ignore this email; your password stays as it is.\n"
        ),
        kind="account",
    )
    audit_log.record(session, user.brokerage_id, "reset_requested", actor=user, address=address)


def deliver_now() -> None:
    """Send queued account emails now (after the caller's commit)."""
    from leadapp.db import get_engine

    try:
        scheduled.run_due(get_engine(), only="deliver-account-mail")
    except Exception:  # the minute job delivers them anyway
        log.exception("immediate delivery of account mail failed")
