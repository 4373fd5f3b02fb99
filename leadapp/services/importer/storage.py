"""Uploaded import files, kept under PRIVATE_UPLOAD_DIR (never a publicly served folder)."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from leadapp import settings
from leadapp.services.errors import NotFound, ServiceError

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


def _dir() -> Path:
    d = Path(settings.PRIVATE_UPLOAD_DIR)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def save(user_id: int, data: bytes, max_bytes: int | None = None) -> str:
    """Store an upload; returns an opaque token naming it (only its owner can read it back)."""
    limit = settings.MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise ServiceError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{limit // (1024 * 1024)} MB. Split it into smaller files."
        )
    cleanup()
    token = secrets.token_urlsafe(24)
    path = _dir() / f"{int(user_id)}-{token}.csv"
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def load(user_id: int, token: str) -> bytes:
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        raise NotFound("That upload is gone; upload the file again.")
    path = _dir() / f"{int(user_id)}-{token}.csv"
    if not path.exists():
        raise NotFound("That upload is gone; upload the file again.")
    return path.read_bytes()


def discard(user_id: int, token: str) -> None:
    if isinstance(token, str) and _TOKEN_RE.match(token):
        (_dir() / f"{int(user_id)}-{token}.csv").unlink(missing_ok=True)


def cleanup(max_age: float = KEEP_SECONDS) -> None:
    """Forget uploads older than a day (abandoned previews)."""
    cutoff = time.time() - max_age
    for p in _dir().glob("*.csv"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass
