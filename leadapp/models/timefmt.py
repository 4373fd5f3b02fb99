"""Time zones and time labels, beside utcnow / as_utc: one rule for every page.

Stored timestamps are UTC (see _base); what a user reads is in their own zone (User.timezone,
UTC when unset or unknown).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._base import as_utc


def zone(name: str | None) -> ZoneInfo:
    """The zone called `name`; UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def user_zone(user) -> ZoneInfo:
    """The user's time zone (any object with a `timezone` attribute)."""
    return zone(getattr(user, "timezone", None))


def local(ts: datetime, tz: ZoneInfo) -> datetime:
    """A stored (naive or aware UTC) timestamp in the zone `tz`."""
    return as_utc(ts).astimezone(tz)  # type: ignore[union-attr]


def clock(value: datetime) -> str:
    """ "9:05 AM"."""
    return value.strftime("%I:%M %p").lstrip("0")


def day_label(value: date | datetime | None) -> str:
    """ "Mar 4, 2026" ('' for None)."""
    return f"{value.strftime('%b')} {value.day}, {value.year}" if value else ""


def relative_label(ts: datetime, tz: ZoneInfo, now: datetime) -> str:
    """ "Today 9:05 AM", "Yesterday 9:05 AM", "Mar 4, 9:05 AM" this year, else "Mar 4, 2025"."""
    v = local(ts, tz)
    today = local(now, tz).date()
    if v.date() == today:
        return f"Today {clock(v)}"
    if v.date() == today - timedelta(days=1):
        return f"Yesterday {clock(v)}"
    if v.year == today.year:
        return f"{v.strftime('%b')} {v.day}, {clock(v)}"
    return day_label(v)


def db_text(ts: datetime) -> str:
    """A timestamp as SQLite stores a DateTime column ("2026-03-04 09:05:00.000000", UTC), for
    bulk writes that bypass the ORM."""
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
