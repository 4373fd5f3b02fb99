"""Automatic greetings (C4): birthdays and home anniversaries.

Each kind is on or off and has an editable subject and body (merge fields as campaigns)
in Settings, per brokerage (`comm_settings.greetings`). They go out once the brokerage's
greeting hour (9:00 by default) has come in its time zone, to new and active leads whose
day it is, each claimed under `greeting:<lead>:<kind>:<year>`: once per lead and occasion
a year, whatever the number of runs or workers.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from leadapp.models import Brokerage, CommSettings, Lead, User

from . import access, mail, send_claims
from .campaigns import MERGE_FIELDS, _render, unknown_merge_fields
from .daily_alerts import SENDABLE, settings_of
from .errors import ValidationFailed
from .rows import id_of
from .validation import clean

KINDS = {
    "birthday": ("birthday_md", "Birthday"),
    "anniversary": ("anniversary_md", "Home anniversary"),
}
DEFAULTS = {
    "birthday": {
        "on": True,
        "subject": "Happy birthday, {first_name}!",
        "body": "Hi {first_name},\n\nWishing you a wonderful day!\n\n— {agent_name}",
    },
    "anniversary": {
        "on": True,
        "subject": "Happy home anniversary, {first_name}!",
        "body": "Hi {first_name},\n\nHappy anniversary in your home!\n\n— {agent_name}",
    },
}


def templates(cs: CommSettings) -> dict[str, dict]:
    saved = cs.greetings or {}
    return {k: DEFAULTS[k] | (saved.get(k) or {}) for k in KINDS}


def greeting_settings(session: Session, user: User) -> dict:
    cs = settings_of(session, user.brokerage_id)
    return {"hour": cs.greeting_hour, "alert_hour": cs.alert_hour, "kinds": templates(cs)}


def save_greeting_settings(session: Session, user: User, form: dict) -> None:
    """Settings: the greeting and alert hours, each kind's switch and template."""
    access.require_broker(user, "change greetings")
    form = form if isinstance(form, dict) else {}
    errors: dict[str, str] = {}
    hours = {}
    for key in ("hour", "alert_hour"):
        try:
            hours[key] = int(clean(form.get(key)))
            if not 0 <= hours[key] <= 23:
                raise ValueError
        except ValueError:
            errors[key] = "An hour from 0 to 23."
    kinds = {}
    known = ", ".join("{" + k + "}" for k in MERGE_FIELDS)
    for k, (_, label) in KINDS.items():
        given = form.get(k)
        raw = given if isinstance(given, dict) else {}
        subject, body = clean(raw.get("subject")), str(raw.get("body") or "").strip()
        if not subject or not body:
            errors[k] = f"{label}: the subject and the message are required."
        elif len(subject) > 200 or len(body) > 5000:
            errors[k] = f"{label}: the subject or the message is too long."
        elif bad := unknown_merge_fields(subject + " " + body):
            names = ", ".join("{" + b + "}" for b in bad)
            errors[k] = f"{label}: unknown merge field {names}; use {known}."
        kinds[k] = {"on": bool(raw.get("on")), "subject": subject, "body": body}
    if errors:
        raise ValidationFailed(errors)
    cs = session.get(CommSettings, user.brokerage_id) or CommSettings(
        brokerage_id=user.brokerage_id, greetings={}
    )
    cs.greeting_hour, cs.alert_hour, cs.greetings = hours["hour"], hours["alert_hour"], kinds
    session.add(cs)


def send_greetings(session: Session, now: datetime) -> int:
    queued = 0
    for b in session.exec(select(Brokerage).order_by(col(Brokerage.id))).all():
        cs = settings_of(session, id_of(b))
        local = now.astimezone(ZoneInfo(b.timezone))
        if local.hour < cs.greeting_hour:
            continue
        md = local.month * 100 + local.day
        for kind, tpl in templates(cs).items():
            if not tpl.get("on"):
                continue
            day_col = getattr(Lead, KINDS[kind][0])
            rows = session.exec(
                select(Lead, User)
                .outerjoin(User, col(User.id) == col(Lead.assigned_agent_id))
                .where(
                    col(Lead.brokerage_id) == b.id,
                    day_col == md,
                    col(Lead.status).in_(SENDABLE),
                    col(Lead.email) != "",
                )
            ).all()
            keys = {
                f"greeting:{lead.id}:{kind}:{local.year}": (lead, agent) for lead, agent in rows
            }
            for key in sorted(send_claims.claim(session, keys, "greeting")):
                lead, agent = keys[key]
                mail.queue(
                    session,
                    brokerage_id=id_of(b),
                    lead_id=lead.id,
                    to=lead.email,
                    subject=_render(tpl["subject"], lead, agent, b),
                    body=_render(tpl["body"], lead, agent, b),
                    kind="greeting",
                )
                queued += 1
    return queued
