"""Website events as the API receives them (W1): their kinds, times and fields, checked.

`validate_event(raw, now)` turns one raw item into a clean event dict, or reports a message
per field; `parse_kind` and `parse_time` are shared with the lead API (services/api_leads.py).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from leadapp.models.enums import ACTIVITY_KINDS

from .. import passwords
from ..validation import check_email, check_phone, check_text, split_name

MAX_BATCH = 500
MAX_CRITERIA_BYTES = 4000
FUTURE_SLACK = timedelta(minutes=10)
OLDEST = datetime(2000, 1, 1, tzinfo=UTC)
_KIND_ALIASES = (
    {re.sub(r"[^a-z]", "", k): k for k in ACTIVITY_KINDS}
    | {re.sub(r"[^a-z]", "", v.lower()): k for k, v in ACTIVITY_KINDS.items()}
    | {
        "favorite": "saved_listing",
        "favourite": "saved_listing",
        "emailclick": "email_click",
        "clickthrough": "email_click",
    }
)
EVENT_FIELDS = {
    "kind",
    "email",
    "name",
    "first_name",
    "last_name",
    "phone",
    "password",
    "source",
    "mls_number",
    "criteria",
    "occurred_at",
    "idempotency_key",
    "details",
}
SIGNUP_ONLY = ("name", "first_name", "last_name", "phone", "password", "source")


def parse_kind(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Kind is required: one of {', '.join(ACTIVITY_KINDS)}.")
    kind = _KIND_ALIASES.get(re.sub(r"[^a-z]", "", value.lower()))
    if kind is None:
        raise ValueError(
            f"'{value[:40]}' is not an activity kind (one of {', '.join(ACTIVITY_KINDS)})."
        )
    return kind


def parse_time(value, now: datetime) -> datetime:
    """An ISO 8601 time with a time zone (or a bare time taken as UTC), not in the future."""
    if value is None or value == "":
        return now
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("occurred_at must be an ISO 8601 date-time, e.g. 2026-05-01T14:30:00Z.")
    try:
        ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{value}' is not an ISO 8601 date-time, e.g. 2026-05-01T14:30:00Z."
        ) from None
    try:
        ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset: out of datetime's range in UTC
        ts = (
            OLDEST - timedelta(days=1)
            if ts.year < OLDEST.year
            else datetime.max.replace(tzinfo=UTC)
        )
    if ts > now + FUTURE_SLACK:
        raise ValueError("occurred_at is in the future.")
    if ts < OLDEST:
        raise ValueError("occurred_at is before the year 2000.")
    return ts


def _text(item: dict, field: str, max_len: int, label: str) -> str:
    value = item.get(field)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f"{label} must be text.")
    return check_text(value, max_len, label)


def validate_event(raw, now: datetime) -> tuple[dict | None, dict[str, str]]:
    """(clean event, errors by field) for one raw item."""
    if not isinstance(raw, dict):
        return None, {"event": "Each event must be a JSON object."}
    errors: dict[str, str] = {}
    ev: dict = {}
    unknown = sorted(k for k in raw if k not in EVENT_FIELDS)
    if unknown:
        errors[str(unknown[0])[:40]] = "Unknown field."
    try:
        ev["kind"] = parse_kind(raw.get("kind"))
    except ValueError as exc:
        errors["kind"] = str(exc)
    try:
        email = raw.get("email")
        if email is not None and not isinstance(email, str):
            raise ValueError("email must be text.")
        ev["email"] = check_email(email)
    except ValueError as exc:
        errors["email"] = str(exc)
    try:
        ev["occurred_at"] = parse_time(raw.get("occurred_at"), now)
    except ValueError as exc:
        errors["occurred_at"] = str(exc)
    for field, max_len, label in (
        ("mls_number", 32, "MLS number"),
        ("details", 2000, "Details"),
        ("idempotency_key", 128, "Idempotency key"),
        ("source", 60, "Source"),
        ("first_name", 100, "First name"),
        ("last_name", 100, "Last name"),
        ("name", 200, "Name"),
    ):
        if raw.get(field) is None:
            ev[field] = ""
            continue
        try:
            ev[field] = _text(raw, field, max_len, label)
        except ValueError as exc:
            errors[field] = str(exc)
    crit = raw.get("criteria")
    if crit is not None:
        if not isinstance(crit, dict):
            errors["criteria"] = "Search criteria must be a JSON object."
        elif len(json.dumps(crit, default=str)) > MAX_CRITERIA_BYTES:
            errors["criteria"] = f"Search criteria are limited to {MAX_CRITERIA_BYTES} bytes."
        else:
            ev["criteria"] = crit
    phone = raw.get("phone")
    ev["phone"] = ""
    if phone is not None:
        try:
            if not isinstance(phone, str):
                raise ValueError("phone must be text.")
            ev["phone"] = check_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    pw = raw.get("password")
    if pw is not None:
        reason = passwords.problem(pw, ev.get("email") or str(raw.get("email") or ""))
        if reason:
            errors["password"] = reason
        else:
            ev["password"] = pw
    if ev.get("kind") and ev["kind"] != "signup":
        for field in SIGNUP_ONLY:
            if raw.get(field) not in (None, ""):
                errors.setdefault(field, "Only a sign-up event carries this field.")
    if ev.get("name") and not (ev.get("first_name") or ev.get("last_name")):
        ev["first_name"], ev["last_name"] = split_name(ev["name"])
    return (None if errors else ev), errors
