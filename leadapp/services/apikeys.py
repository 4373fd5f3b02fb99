"""API keys for the website integration (W1): brokers create, list and revoke them.

A key is `lk_<prefix>_<secret>`; only its SHA-256 is stored (the key is 256 random bits, so
a fast hash is safe), the prefix is kept in clear to tell keys apart. The full key is
returned once, by `create_key`, and never again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from leadapp.models import ApiKey, User, utcnow

from . import access, audit_log
from .errors import ValidationFailed, get_in_brokerage
from .security import token_hash

KEY_PREFIX = "lk_"
TOUCH_EVERY = timedelta(minutes=1)


def create_key(session: Session, user: User, name) -> tuple[ApiKey, str]:
    """A new key for the user's brokerage: (row, the full key to show once)."""
    access.require_broker(user, "manage API keys")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed({"name": "Give the key a name, e.g. the website it is for."})
    if len(name) > 100:
        raise ValidationFailed({"name": "A key name has at most 100 characters."})
    prefix = secrets.token_hex(4)
    full = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        brokerage_id=user.brokerage_id,
        name=name,
        prefix=prefix,
        key_hash=token_hash(full),
        created_by_id=user.id,
        created_at=utcnow(),
    )
    session.add(key)
    session.flush()
    audit_log.record(
        session, user.brokerage_id, "api_key_created", actor=user, detail=f"{name} ({prefix})"
    )
    return key, full


def list_keys(session: Session, user: User) -> list[dict]:
    access.require_broker(user, "manage API keys")
    rows = session.exec(
        select(ApiKey)
        .where(ApiKey.brokerage_id == user.brokerage_id)
        .order_by(col(ApiKey.revoked_at).is_not(None), col(ApiKey.created_at).desc())
    ).all()
    names = {
        u.id: u.name
        for u in session.exec(select(User).where(User.brokerage_id == user.brokerage_id)).all()
    }
    return [
        {
            "id": k.id,
            "name": k.name,
            "prefix": f"{KEY_PREFIX}{k.prefix}_…",
            "created_at": k.created_at,
            "created_by": names.get(k.created_by_id, ""),
            "last_used_at": k.last_used_at,
            "revoked_at": k.revoked_at,
            "active": k.revoked_at is None,
        }
        for k in rows
    ]


def revoke_key(session: Session, user: User, key_id) -> ApiKey:
    access.require_broker(user, "manage API keys")
    key = get_in_brokerage(
        session, ApiKey, key_id, user.brokerage_id, "That API key does not exist."
    )
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        audit_log.record(
            session,
            user.brokerage_id,
            "api_key_revoked",
            actor=user,
            detail=f"{key.name} ({key.prefix})",
        )
    return key


def authenticate(
    session: Session, presented: str | None, now: datetime | None = None
) -> ApiKey | None:
    """The active key matching `presented`, else None. Notes its last use (once a minute)."""
    if not presented or not presented.startswith(KEY_PREFIX) or len(presented) > 200:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == token_hash(presented))).first()
    if key is None or key.revoked_at is not None:
        return None
    now = now or utcnow()
    last = key.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or last < now - TOUCH_EVERY:
        key.last_used_at = now
        session.add(key)
    return key
