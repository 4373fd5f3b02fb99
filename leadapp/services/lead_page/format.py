"""How the lead page writes times, dates, prices, pages and search criteria."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from leadapp.models import User, as_utc
from leadapp.models.enums import PROPERTY_TYPES
from leadapp.services.rows import id_of

PAGE_SIZE = 20


def _tz(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except Exception:  # an unknown zone name stored earlier
        return ZoneInfo("UTC")


def fmt_dt(value: datetime | None, user: User) -> str:
    if value is None:
        return ""
    return as_utc(value).astimezone(_tz(user)).strftime("%b %-d, %Y %-I:%M %p")


def fmt_date(value: date | None) -> str:
    return value.strftime("%b %-d, %Y") if value else ""


def money(value: int | None) -> str:
    if value is None:
        return ""
    if value >= 1_000_000:
        return f"${value / 1_000_000:.2f}M".replace(".00M", "M")
    if value >= 10_000:
        return f"${value / 1000:.0f}K"
    return f"${value:,}"


def pages_of(total: int) -> int:
    """How many pages of PAGE_SIZE rows `total` rows fill (at least one, shown empty)."""
    return max(1, -(-total // PAGE_SIZE))


def _page(page) -> int:
    try:
        return max(0, min(int(page), 100_000))
    except (TypeError, ValueError):
        return 0


def _user_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {id_of(u): u.name for u in users}


def criteria_text(c: dict | None) -> str:
    if not c:
        return "Any listing"
    parts = []
    if c.get("city"):
        parts.append(str(c["city"]))
    if c.get("property_type"):
        parts.append(PROPERTY_TYPES.get(c["property_type"], str(c["property_type"])))
    lo, hi = c.get("min_price"), c.get("max_price")
    if lo or hi:
        parts.append(f"{money(lo) if lo else 'any'} – {money(hi) if hi else 'any'}")
    if c.get("min_beds"):
        parts.append(f"{c['min_beds']}+ beds")
    if c.get("min_baths"):
        parts.append(f"{c['min_baths']}+ baths")
    if c.get("transaction"):
        parts.append("Rentals" if c["transaction"] == "rent" else "For sale")
    return " · ".join(parts) or "Any listing"
