"""Brokerage settings (G3, P10, T4) and a user's own preferences."""

from __future__ import annotations

from typing import NotRequired, TypedDict
from zoneinfo import available_timezones

from sqlmodel import Session, col, select

from leadapp.models import Brokerage, User

from . import access, audit_log
from .errors import ValidationFailed
from .rows import get_row
from .validation import check_email

TIMEZONES = sorted(
    tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "SystemV/"))
)


class UserRow(TypedDict):
    id: int
    name: str
    email: str
    role: str
    agent_code: str
    active: bool


class BrokerageSettings(TypedDict):
    """The Settings page; an agent gets only `name` and `users`."""

    name: str
    primary_email: NotRequired[str]
    unassigned_pool_enabled: NotRequired[bool]
    default_agent_id: NotRequired[str]
    quick_events: NotRequired[str]
    reminder_minutes: NotRequired[int]
    users: list[UserRow]


def brokerage_settings(session: Session, user: User) -> BrokerageSettings:
    b = get_row(session, Brokerage, user.brokerage_id)
    users = session.exec(
        select(User).where(col(User.brokerage_id) == user.brokerage_id).order_by(col(User.name))
    ).all()
    team: list[UserRow] = [
        {
            "id": u.id or 0,  # a stored user: its id is never None
            "name": u.name,
            "email": u.email,
            "role": u.role,
            "agent_code": u.agent_code,
            "active": u.is_active,
        }
        for u in users
    ]
    if not access.is_broker(user):
        # An agent's page shows the team, not the brokerage's settings: send only that.
        return {"name": b.name, "users": team}
    return {
        "name": b.name,
        "primary_email": b.primary_email,
        "unassigned_pool_enabled": b.unassigned_pool_enabled,
        "default_agent_id": str(b.default_agent_id or ""),
        "quick_events": "\n".join(b.quick_events or []),
        "reminder_minutes": b.reminder_minutes,
        "users": team,
    }


def update_brokerage(session: Session, user: User, form: dict) -> Brokerage:
    """Brokers change the brokerage's settings; bad values change nothing."""
    access.require_broker(user, "change brokerage settings")
    b = get_row(session, Brokerage, user.brokerage_id)
    errors: dict[str, str] = {}
    values: dict = {}
    if "name" in form:
        name = str(form["name"]).strip()
        if not name or len(name) > 200:
            errors["name"] = "The brokerage needs a name (at most 200 characters)."
        values["name"] = name
    if "primary_email" in form:
        try:
            values["primary_email"] = check_email(form["primary_email"])
        except ValueError as exc:
            errors["primary_email"] = str(exc)
    if "unassigned_pool_enabled" in form:
        values["unassigned_pool_enabled"] = form["unassigned_pool_enabled"] in (
            True,
            "on",
            "true",
            "1",
            1,
        )
    if "default_agent_id" in form:
        raw = form["default_agent_id"]
        if raw in (None, "", "0", 0, "none"):
            values["default_agent_id"] = None
        else:
            try:
                values["default_agent_id"] = access.get_agent(session, user, raw).id
            except Exception as exc:  # NotFound
                errors["default_agent_id"] = str(exc)
    if "quick_events" in form:
        raw = form["quick_events"]
        items = raw if isinstance(raw, list) else str(raw).splitlines()
        labels = []
        for item in items:
            label = str(item).strip()
            if label and label.lower() not in {x.lower() for x in labels}:
                labels.append(label)
        if not labels or len(labels) > 12 or any(len(x) > 40 for x in labels):
            errors["quick_events"] = (
                "Give 1 to 12 quick-event names of at most 40 characters, one per line."
            )
        values["quick_events"] = labels
    if "reminder_minutes" in form:
        try:
            minutes = int(form["reminder_minutes"])
            if not 0 <= minutes <= 1440:
                raise ValueError
            values["reminder_minutes"] = minutes
        except (TypeError, ValueError):
            errors["reminder_minutes"] = "Reminder lead time is a number of minutes from 0 to 1440."
    if errors:
        raise ValidationFailed(errors)
    changed = sorted(k for k, v in values.items() if getattr(b, k) != v)
    for k, v in values.items():
        setattr(b, k, v)
    session.add(b)
    if changed:
        audit_log.record(
            session, b.id, "settings_changed", actor=user, detail=", ".join(changed)[:500]
        )
    return b


def set_timezone(session: Session, user: User, tz: str) -> User:
    if tz not in TIMEZONES and tz != "UTC":
        raise ValidationFailed({"timezone": f"'{tz}' is not a known time zone."})
    me = get_row(session, User, user.id)
    me.timezone = tz
    session.add(me)
    return me
