"""Process-wide settings read from the environment (REFLEX_* names only)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("REFLEX_LEADAPP_DATA_DIR", PROJECT_ROOT / "data"))
# Uploaded import files are kept here, outside any publicly served folder.
PRIVATE_UPLOAD_DIR = DATA_DIR / "private-uploads"
MAX_IMPORT_BYTES = 50 * 1024 * 1024

SESSION_TTL_HOURS = int(os.environ.get("REFLEX_LEADAPP_SESSION_HOURS", "12"))


def database_url() -> str:
    """The database URL: REFLEX_DB_URL, else the embedded SQLite file in ./data."""
    url = os.environ.get("REFLEX_DB_URL")
    if url:
        return url
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'leadapp.db'}"


def redis_url() -> str | None:
    return os.environ.get("REFLEX_REDIS_URL") or None


def public_url() -> str:
    """The address leads reach leadapp at (links in email); REFLEX_LEADAPP_PUBLIC_URL."""
    return os.environ.get("REFLEX_LEADAPP_PUBLIC_URL", "http://localhost:3000").rstrip("/")


def smtp_settings() -> dict:
    """Outgoing mail server; without REFLEX_SMTP_HOST mail stays queued in the outbox."""
    return {
        "host": os.environ.get("REFLEX_SMTP_HOST", ""),
        "port": int(os.environ.get("REFLEX_SMTP_PORT", "25")),
        "user": os.environ.get("REFLEX_SMTP_USER", ""),
        "password": os.environ.get("REFLEX_SMTP_PASSWORD", ""),
        "sender": os.environ.get("REFLEX_SMTP_FROM", "leadapp@localhost"),
        "starttls": os.environ.get("REFLEX_SMTP_STARTTLS", "0") == "1",
        # SMTPS (implicit TLS): REFLEX_SMTP_SSL=1, or port 465
        "ssl": os.environ.get("REFLEX_SMTP_SSL", "0") == "1",
    }
