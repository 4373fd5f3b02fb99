"""Your profile (G1): name, phone, email signature, time zone of the signed-in user."""

from __future__ import annotations

from sqlmodel import Session

from leadapp.models import User

from . import audit_log
from .errors import ValidationFailed
from .rows import get_row
from .settings import TIMEZONES
from .validation import check_phone


def my_profile(session: Session, user: User) -> dict:
    me = get_row(session, User, user.id)
    return {
        "name": me.name,
        "email": me.email,
        "phone": me.phone,
        "email_signature": me.email_signature,
        "timezone": me.timezone,
    }


def update_profile(session: Session, user: User, form: dict, address: str = "") -> User:
    if not isinstance(form, dict):
        raise ValidationFailed({"name": "Fill in the form."})
    me = get_row(session, User, user.id)
    errors: dict[str, str] = {}
    name = str(form.get("name") or "").strip()
    if not name or len(name) > 200:
        errors["name"] = "Your name is required (at most 200 characters)."
    phone = str(form.get("phone") or "").strip()[:41]
    try:
        phone = check_phone(phone) if phone else ""
    except ValueError as exc:
        errors["phone"] = str(exc)
    signature = str(form.get("email_signature") or "")
    if len(signature) > 2000:
        errors["email_signature"] = "An email signature has at most 2,000 characters."
    tz = str(form.get("timezone") or me.timezone)[:64]
    if tz not in TIMEZONES and tz != "UTC":
        errors["timezone"] = f"'{tz}' is not a known time zone."
    if errors:
        raise ValidationFailed(errors)
    changed = [k for k, v in (("name", name), ("phone", phone)) if getattr(me, k) != v]
    me.name, me.phone, me.email_signature, me.timezone = name, phone, signature, tz
    session.add(me)
    if changed:
        audit_log.record(
            session,
            me.brokerage_id,
            "user_changed",
            actor=me,
            detail=f"own profile: {', '.join(changed)}",
            address=address,
        )
    return me
