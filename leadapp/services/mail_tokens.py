"""Signed tokens for the links in an email (C5, C6): open pixel, click redirect, unsubscribe.

A token is base64url(email id, purpose, link number) followed by a truncated HMAC-SHA256
of those bytes under a random key kept in the `app_secret` table, so tokens survive
restarts and are the same on every worker. The token names only the email row; the lead,
the address and the URL are read from that row, never from the link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct

from sqlmodel import Session

from leadapp.models import AppSecret, utcnow
from leadapp.settings import public_url

from .bulk import insert_ignore
from .rows import table_of

KEY_NAME = "mail_links"
PURPOSES = {"open": 1, "click": 2, "unsubscribe": 3}
_PACK = struct.Struct(">QBH")  # email id, purpose, link number
_SIG = 12
_keys: dict[str, bytes] = {}


def _key(session: Session) -> bytes:
    bind = session.get_bind()
    cache_key = str(bind.engine.url) if hasattr(bind, "engine") else str(bind)
    key = _keys.get(cache_key)
    if key:
        return key
    row = session.get(AppSecret, KEY_NAME)
    if row is None:
        # Two processes may create it at once: the second insert does nothing, both read one.
        insert_ignore(
            session,
            table_of(AppSecret),
            name=KEY_NAME,
            value=secrets.token_urlsafe(48),
            created_at=utcnow(),
        )
        row = session.get(AppSecret, KEY_NAME)
        assert row is not None, "this insert or a concurrent one stored the key"
    key = row.value.encode()
    _keys[cache_key] = key
    return key


def make(session: Session, email_id: int, purpose: str, link: int = 0) -> str:
    payload = _PACK.pack(email_id, PURPOSES[purpose], link)
    sig = hmac.new(_key(session), payload, hashlib.sha256).digest()[:_SIG]
    return base64.urlsafe_b64encode(payload + sig).rstrip(b"=").decode()


def read(session: Session, token: str, purpose: str) -> tuple[int, int] | None:
    """(email id, link number) of a valid token for `purpose`, else None."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != _PACK.size + _SIG:
        return None
    payload, sig = raw[: _PACK.size], raw[_PACK.size :]
    good = hmac.new(_key(session), payload, hashlib.sha256).digest()[:_SIG]
    if not hmac.compare_digest(sig, good):
        return None
    email_id, code, link = _PACK.unpack(payload)
    if code != PURPOSES[purpose]:
        return None
    return email_id, link


def url(session: Session, email_id: int, purpose: str, link: int = 0) -> str:
    path = {"open": "o", "click": "c", "unsubscribe": "u"}[purpose]
    suffix = ".gif" if purpose == "open" else ""
    return f"{public_url()}/api/v1/mail/{path}/{make(session, email_id, purpose, link)}{suffix}"
