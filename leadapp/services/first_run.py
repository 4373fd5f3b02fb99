"""First-run setup (G1): an empty database gets its brokerage and first broker once.

`set_up` refuses as soon as any user exists, and re-checks after its own inserts, so two
set-ups racing each other cannot both win; a refused call changes nothing.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import Brokerage, User
from leadapp.models.enums import DEFAULT_QUICK_EVENTS

from . import audit_log, passwords, team
from .errors import Conflict, ValidationFailed
from .rows import id_of
from .security import hash_password
from .settings import TIMEZONES
from .validation import check_email

log = logging.getLogger("leadapp.setup")

DONE = "This leadapp is already set up; sign in instead."


def needs_setup(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is None


def create_brokerage(
    session: Session,
    name: str,
    primary_email: str,
    timezone: str = "America/Los_Angeles",
    postal_address: str = "",
) -> Brokerage:
    b = Brokerage(
        name=name,
        primary_email=primary_email,
        timezone=timezone,
        postal_address=postal_address,
        quick_events=list(DEFAULT_QUICK_EVENTS),
    )
    session.add(b)
    session.flush()
    return b


def set_up(session: Session, form: dict, address: str = "") -> User:
    """Create the brokerage and its first broker (with a password); returns the broker."""
    if not needs_setup(session):
        log.warning("first-run setup refused from %s: users exist", address)
        raise Conflict(DONE)
    if not isinstance(form, dict):
        raise ValidationFailed({"name": "Fill in the form."})
    get = lambda k, n: str(form.get(k) or "").strip()[: n + 1]  # noqa: E731
    errors: dict[str, str] = {}
    bname = get("brokerage_name", 200)
    if not bname or len(bname) > 200:
        errors["brokerage_name"] = "The brokerage needs a name (at most 200 characters)."
    tz = get("timezone", 64)
    if tz not in TIMEZONES and tz != "UTC":
        errors["timezone"] = "Choose a time zone."
    try:
        primary = check_email(get("primary_email", 320))
    except ValueError as exc:
        errors["primary_email"] = str(exc)
        primary = ""
    postal = get("postal_address", 500)
    if not postal or len(postal) > 500:
        errors["postal_address"] = (
            "A postal address is required (marketing email footers show it), "
            "at most 500 characters."
        )
    try:
        values = team.check_user_form(
            session, {"name": form.get("name"), "email": form.get("email"), "role": "broker"}
        )
    except ValidationFailed as exc:
        errors.update(exc.errors)
        values = {}
    reason = passwords.problem(form.get("password"), str(form.get("email") or ""))
    if reason:
        errors["password"] = reason
    if errors:
        raise ValidationFailed(errors)
    b = create_brokerage(session, bname, primary, tz, postal)
    broker = team.create_user(session, id_of(b), values, hash_password(form["password"]))
    if session.exec(select(sa.func.count()).select_from(User)).one() != 1:
        raise Conflict(DONE)  # another set-up won the race; the caller rolls back
    audit_log.record(session, b.id, "setup", actor=broker, detail=bname, address=address)
    log.info("first-run setup: brokerage %s, broker %s", b.id, broker.id)
    return broker
