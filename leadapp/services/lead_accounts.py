"""W2: what a lead's own website account needs beyond signing up.

- `login`: the website signs a lead in; throttled per (brokerage + email, client address)
  exactly like users' sign-in (throttle.py, shared by all workers).
- `change_password`: the current password and a new one under the one password rule.
- `request_reset` / `reset`: a one-time link (256-bit token, stored hashed, 1 hour, single
  use) emailed to the lead through the outgoing-mail queue; the answer is the same whether
  or not the email has an account. The link points at the website's own reset page
  (`reset_url`, given by the website), which sends the token back with the new password.
An agent's reset from the lead page (P12) stays as it is.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Lead, LeadAccountToken, as_utc, utcnow

from . import mail, passwords, throttle
from .errors import ServiceError, ValidationFailed
from .rows import count_rows, get_row, id_of, spend_link
from .security import hash_password, new_token, token_hash, verify_password
from .validation import check_email

log = logging.getLogger("leadapp.lead_accounts")

TTL = timedelta(hours=1)
RESETS_PER_HOUR = 3
BAD_LINK = "This link is invalid, has expired or was already used."
WRONG = "Wrong email or password."


def account_key(brokerage_id: int, email: str) -> str:
    return f"lead:{brokerage_id}:{(email or '').strip().lower()[:320]}"


def _email(value) -> str:
    try:
        return check_email(value if isinstance(value, str) else "")
    except ValueError:
        return ""


def _lead(session: Session, brokerage_id: int, email: str) -> Lead | None:
    if not email:
        return None
    lead = session.exec(
        select(Lead).where(col(Lead.brokerage_id) == brokerage_id, col(Lead.email) == email)
    ).first()
    return lead if lead is not None and lead.status != "deleted" else None


def login(session: Session, brokerage_id: int, email, password, address: str = "") -> Lead:
    """The lead whose website password matches; a refusal is committed, then raised."""
    email = _email(email)
    key = account_key(brokerage_id, email)
    throttle.check(session, key, address)
    lead = _lead(session, brokerage_id, email)
    ok = verify_password(
        lead.website_password_hash if lead else None, password if isinstance(password, str) else ""
    )
    if not ok or lead is None:
        locked = throttle.record_failure(session, key, address)
        session.commit()
        if locked:
            throttle.check(session, key, address)
        raise ServiceError(WRONG)
    throttle.clear(session, key, address)
    return lead


def change_password(
    session: Session, brokerage_id: int, email, current, new, address: str = ""
) -> Lead:
    lead = login(session, brokerage_id, email, current, address)
    passwords.check(new, lead.email)
    lead.website_password_hash = hash_password(new)
    session.add(lead)
    return lead


def request_reset(session: Session, brokerage_id: int, email, reset_url: str) -> None:
    """Email a one-time link when the email has a website account; silent otherwise."""
    if not isinstance(reset_url, str) or not reset_url.startswith(("https://", "http://")):
        raise ValidationFailed({"reset_url": "Give the website's reset page, https://…"})
    if len(reset_url) > 500:
        raise ValidationFailed({"reset_url": "The reset page address is too long."})
    lead = _lead(session, brokerage_id, _email(email))
    if lead is None or not lead.website_password_hash:
        return
    recent = count_rows(
        session,
        LeadAccountToken,
        col(LeadAccountToken.lead_id) == lead.id,
        col(LeadAccountToken.created_at) > utcnow() - timedelta(hours=1),
    )
    if recent >= RESETS_PER_HOUR:
        log.warning("website reset for lead %s refused: %d in the last hour", lead.id, recent)
        return
    now = utcnow()
    session.execute(
        sa.update(LeadAccountToken)
        .where(col(LeadAccountToken.lead_id) == lead.id, col(LeadAccountToken.used_at).is_(None))
        .values(used_at=now)
    )
    token = new_token()
    session.add(
        LeadAccountToken(
            lead_id=id_of(lead), token_hash=token_hash(token), created_at=now, expires_at=now + TTL
        )
    )
    b = get_row(session, Brokerage, brokerage_id)
    sep = "&" if "?" in reset_url else "?"
    mail.queue(
        session,
        brokerage_id=brokerage_id,
        lead_id=lead.id,
        to=lead.email,
        subject=f"Reset your {b.name} website password",
        body=(
            "Someone (hopefully you) asked to reset your password. Choose a new one here "
            f"(the link works once, for 1 hour):\n\n{reset_url}{sep}token={token}\n\n"
            "If you did not ask, ignore this email.\n"
        ),
        kind="account",
    )


def reset(session: Session, brokerage_id: int, token, new) -> Lead:
    if not isinstance(token, str) or not 20 <= len(token) <= 200:
        raise ServiceError(BAD_LINK)
    row = session.exec(
        select(LeadAccountToken, Lead)
        .join(Lead, col(Lead.id) == col(LeadAccountToken.lead_id))
        .where(
            col(LeadAccountToken.token_hash) == token_hash(token),
            col(Lead.brokerage_id) == brokerage_id,
        )
    ).first()
    if row is None:
        raise ServiceError(BAD_LINK)
    tok, lead = row
    if tok.used_at is not None or as_utc(tok.expires_at) <= utcnow():
        raise ServiceError(BAD_LINK)
    passwords.check(new, lead.email)
    if not spend_link(session, LeadAccountToken, tok.id):
        raise ServiceError(BAD_LINK)
    lead.website_password_hash = hash_password(new)
    session.add(lead)
    return lead
