"""Texting consent (TCPA): given or withdrawn, each change recorded with who, when and how.

Campaign text steps read `Lead.texting_consent` when they are due (services/campaigns.py),
so a withdrawal stops texts from that moment. Every change is an audit history entry
(field `texting_consent`) whose title says how consent was given or withdrawn.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TypedDict

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import ApiKey, HistoryEntry, Lead, User, as_utc, utcnow
from leadapp.models.timefmt import local, user_zone

from . import access
from .errors import ServiceError, ValidationFailed
from .history import audit
from .rows import read, table_of

GIVEN_BY = {
    "written": "in writing (signed form or email)",
    "web_form": "on a website form",
    "text_reply": "by replying YES to a text",
    "verbal": "verbally (phone or in person), noted by the agent",
}
WITHDRAWN_BY = {
    "stop": "by replying STOP",
    "asked": "by asking the agent",
    "written": "in writing",
}
FIELD = "texting_consent"


class ConsentChange(TypedDict):
    given: bool
    how: str  # "Texting consent given verbally (phone or in person), noted by the agent"
    note: str
    who: str
    at: str  # in the viewer's time zone


class ConsentView(TypedDict, total=False):
    """The lead page's consent editor: the state, its last change and the next choice.

    The service fills every key; the page state holds {} until the editor opens."""

    given: bool
    status: str  # "Given" | "Not given"
    line: str  # the last change: "Given verbally (...) — Dec 1, 2026 9:05 AM, recorded by Al"
    action: str  # what the editor records next: "give" | "withdraw"
    methods: list[dict[str, str]]  # [{code, label}] of that action
    changes: list[ConsentChange]  # newest first


def _apply(session: Session, user: User | None, lead: Lead, consent, method, note="") -> None:
    consent = (
        str(consent).strip().lower() in ("1", "true", "yes", "on")
        if not isinstance(consent, bool)
        else consent
    )
    methods = GIVEN_BY if consent else WITHDRAWN_BY
    method = str(method or "").strip()
    if method not in methods:
        raise ValidationFailed(
            {"consent_method": "Say how consent was " + ("given." if consent else "withdrawn.")}
        )
    if bool(lead.texting_consent) == consent:
        raise ServiceError(
            f"Texting consent is already {'given' if consent else 'not given'} for this lead."
        )
    note = str(note or "").strip()[:500]
    lead.texting_consent = consent
    lead.updated_at = utcnow()
    session.add(lead)
    entry = audit(
        session,
        lead,
        user,
        FIELD,
        "Yes" if not consent else "No",
        "Yes" if consent else "No",
        title=("Texting consent given " if consent else "Texting consent withdrawn ")
        + methods[method],
    )
    entry.body = note
    session.add(entry)


def set_consent(session: Session, user: User, lead_id, consent, method, note: str = "") -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    _apply(session, user, lead, consent, method, note)


def _at(value: datetime, user: User) -> str:
    """The lead page's clock format in the viewer's time zone (lead_page.format.fmt_dt)."""
    return local(value, user_zone(user)).strftime("%b %-d, %Y %-I:%M %p")


@cache
def _changes_read(limited: bool) -> sa.Select:
    """The consent changes of lead :lead_id, newest first, with who made them (the first
    :limit when `limited`); built once."""
    h, u, k = table_of(HistoryEntry), table_of(User), table_of(ApiKey)
    stmt = (
        sa.select(h.c.new_value, h.c.title, h.c.body, h.c.created_at, u.c.name, k.c.name)
        .join(u, u.c.id == h.c.actor_id, isouter=True)
        .join(k, k.c.id == h.c.api_key_id, isouter=True)
        .where(h.c.lead_id == sa.bindparam("lead_id"), h.c.kind == "audit", h.c.field == FIELD)
        .order_by(h.c.created_at.desc(), h.c.id.desc())
    )
    return stmt.limit(sa.bindparam("limit", type_=sa.Integer)) if limited else stmt


def _changes(
    session: Session, user: User, lead: Lead, limit: int | None = None
) -> list[tuple[ConsentChange, datetime]]:
    """The changes, each with the time it was recorded."""
    rows = read(session, _changes_read(bool(limit)), {"lead_id": lead.id, "limit": limit})
    return [
        (
            {
                "given": new_value == "Yes",
                "how": title,
                "note": body or "",
                "who": name or (f"API key {key_name}" if key_name else "Website"),
                "at": _at(created_at, user),
            },
            created_at,
        )
        for new_value, title, body, created_at, name, key_name in rows
    ]


def history(session: Session, user: User, lead_id) -> list[ConsentChange]:
    """The consent changes of a lead, newest first (who, when, how)."""
    lead = access.get_lead(session, user, lead_id)
    return [c for c, _ in _changes(session, user, lead)]


def _line(lead: Lead, last: ConsentChange | None) -> str:
    if last is None:
        return (
            "Recorded before changes were tracked."
            if lead.texting_consent
            else "Never given: campaigns send this lead no texts."
        )
    how = (
        last["how"]
        .removeprefix("Texting consent given ")
        .removeprefix("Texting consent withdrawn ")
    )
    verb = "Given" if last["given"] else "Withdrawn"
    return f"{verb} {how} — {last['at']}, recorded by {last['who']}."


def latest_line(session: Session, user: User, lead: Lead) -> str:
    """The contact box's words for the last change (one indexed read)."""
    last = _changes(session, user, lead, limit=1)
    return _line(lead, last[0][0] if last else None)


def view(session: Session, user: User, lead_id) -> ConsentView:
    lead = access.get_lead(session, user, lead_id)
    changes = [c for c, _ in _changes(session, user, lead, limit=50)]
    given = bool(lead.texting_consent)
    methods = WITHDRAWN_BY if given else GIVEN_BY
    return {
        "given": given,
        "status": "Given" if given else "Not given",
        "line": _line(lead, changes[0] if changes else None),
        "action": "withdraw" if given else "give",
        "methods": [{"code": k, "label": v} for k, v in methods.items()],
        "changes": changes,
    }


def _method_of(given: bool, how: str) -> str | None:
    """The method code a change's title was written from."""
    prefix = "Texting consent given " if given else "Texting consent withdrawn "
    methods = GIVEN_BY if given else WITHDRAWN_BY
    return next((k for k, v in methods.items() if how == prefix + v), None)


def api_get(session: Session, user: User, lead_id) -> dict:
    """GET /leads/{id}/texting-consent: the state and every change (newest first)."""
    lead = access.get_lead(session, user, lead_id)
    return {
        "lead_id": lead.id,
        "given": bool(lead.texting_consent),
        "changes": [
            {
                "given": c["given"],
                "method": _method_of(c["given"], c["how"]),
                "how": c["how"],
                "note": c["note"],
                "by": c["who"],
                "at": (as_utc(at) or utcnow()).isoformat(),
            }
            for c, at in _changes(session, user, lead)
        ],
    }


API_FIELDS = ("given", "method", "note")


def api_put(session: Session, user: User, lead_id, body) -> dict:
    """PUT /leads/{id}/texting-consent {given, method, note}: record a change with how.

    Idempotent: asking for the state the lead is already in records nothing."""
    lead = access.get_lead(session, user, lead_id, write=True)
    if not isinstance(body, dict):
        raise ValidationFailed({"body": "Send an object: {given, method, note}."})
    errors = {k: "Unknown field." for k in body if k not in API_FIELDS}
    given, method, note = body.get("given"), body.get("method"), body.get("note")
    if not isinstance(given, bool):
        errors["given"] = "true (consent given) or false (withdrawn)."
    if not isinstance(method, str):
        errors["method"] = "Say how consent was given or withdrawn."
    if note is not None and (not isinstance(note, str) or len(note) > 500):
        errors["note"] = "A text of at most 500 characters."
    if errors:
        raise ValidationFailed(errors)
    if bool(lead.texting_consent) != bool(given):
        try:
            _apply(session, user, lead, bool(given), method, note or "")
        except ValidationFailed as exc:
            raise ValidationFailed({"method": exc.errors.get("consent_method", "")}) from None
        session.flush()
    return api_get(session, user, lead.id)
