"""Texting consent (TCPA): given or withdrawn, each change recorded with who, when and how.

Campaign text steps read `Lead.texting_consent` when they are due (services/campaigns.py),
so a withdrawal stops texts from that moment. Every change is an audit history entry
(field `texting_consent`) whose title says how consent was given or withdrawn.
"""

from __future__ import annotations

from sqlmodel import Session, select

from leadapp.models import HistoryEntry, Lead, User, utcnow

from . import access
from .errors import ServiceError, ValidationFailed
from .history import audit

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


def history(session: Session, user: User, lead_id) -> list[dict]:
    """The consent changes of a lead, newest first (who, when, how)."""
    lead = access.get_lead(session, user, lead_id)
    rows = session.exec(
        select(HistoryEntry, User.name)
        .join(User, User.id == HistoryEntry.actor_id, isouter=True)
        .where(
            HistoryEntry.lead_id == lead.id,
            HistoryEntry.kind == "audit",
            HistoryEntry.field == FIELD,
        )
        .order_by(HistoryEntry.created_at.desc(), HistoryEntry.id.desc())
    ).all()
    return [
        {
            "given": e.new_value == "Yes",
            "how": e.title,
            "note": e.body,
            "who": name or "Website",
            "at": e.created_at,
        }
        for e, name in rows
    ]
