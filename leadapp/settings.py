"""Process-wide settings, read from the environment (REFLEX_* names only) in one place.

`settings()` is the one object every module reads. It is built again only when a REFLEX_*
variable changed (building it takes milliseconds, and every database session asks for the
URL), so a test or a command that changes a variable still sees the change.
README's configuration table lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class Settings(BaseSettings):
    """Each field `name` is read from the variable REFLEX_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="REFLEX_", extra="ignore")

    db_url: str = ""  # database URL; empty: the SQLite file in the data directory
    redis_url: str = ""  # Redis, for several backend workers; empty: one worker
    leadapp_data_dir: Path = PROJECT_ROOT / "data"
    leadapp_session_hours: int = 12  # sign-in session lifetime
    # outgoing mail; without a host, mail stays queued in the outbox
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "leadapp@localhost"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    # website API rate limit per key: requests per second and burst
    leadapp_api_rate: float = 20.0
    leadapp_api_burst: float = 40.0
    # seconds between a live dashboard's heartbeats and between reminder polls
    leadapp_live_heartbeat: float = 20.0
    leadapp_reminder_poll: float = 15.0
    # other origins allowed to call the backend with credentials, comma separated
    leadapp_origins: str = ""
    # reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma separated
    # addresses, e.g. "127.0.0.1"); empty: the socket peer is the client
    leadapp_trusted_proxies: str = ""
    # where users reach leadapp: links the command line prints and links in email
    leadapp_public_url: str = "http://localhost:3000"


_built: tuple[tuple, Settings] | None = None


def settings() -> Settings:
    """The settings for the current REFLEX_* environment (names read case-insensitively)."""
    global _built
    key = tuple(sorted((k, v) for k, v in os.environ.items() if k[:7].upper() == "REFLEX_"))
    built = _built
    if built is None or built[0] != key:
        built = _built = (key, Settings())
    return built[1]


DATA_DIR = settings().leadapp_data_dir
# Uploaded import files are kept here, outside any publicly served folder.
PRIVATE_UPLOAD_DIR = DATA_DIR / "private-uploads"
SESSION_TTL_HOURS = settings().leadapp_session_hours


def database_url() -> str:
    """The database URL: REFLEX_DB_URL, else the embedded SQLite file in the data directory."""
    url = settings().db_url
    if url:
        return url
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'leadapp.db'}"


def redis_url() -> str | None:
    return settings().redis_url or None


def allowed_origins() -> tuple[str, ...]:
    """Other origins allowed to call the backend with credentials (REFLEX_LEADAPP_ORIGINS,
    comma separated, e.g. "https://crm.example.com"). The app's own host is always allowed;
    "*" is ignored (it would let any site act with a signed-in user's cookies)."""
    raw = settings().leadapp_origins
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip() not in ("", "*"))


def trusted_proxies() -> tuple[str, ...]:
    """Addresses of the reverse proxies in front of the app (REFLEX_LEADAPP_TRUSTED_PROXIES):
    only a request arriving from one of them has its client address and scheme taken from
    X-Forwarded-For / X-Forwarded-Proto."""
    raw = settings().leadapp_trusted_proxies
    return tuple(a.strip() for a in raw.split(",") if a.strip())


def smtp_settings() -> dict:
    """Outgoing mail server; without REFLEX_SMTP_HOST mail stays queued in the outbox."""
    s = settings()
    return {
        "host": s.smtp_host,
        "port": s.smtp_port,
        "user": s.smtp_user,
        "password": s.smtp_password,
        "sender": s.smtp_from,
        "starttls": s.smtp_starttls,
        # SMTPS (implicit TLS): REFLEX_SMTP_SSL=1, or port 465
        "ssl": s.smtp_ssl,
    }


def public_url() -> str:
    """Where users reach leadapp, for links in emails sent outside a browser request (CLI)."""
    return settings().leadapp_public_url.rstrip("/")
