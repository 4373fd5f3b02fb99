"""The lead page's one-click actions (P1, P3, P4, P8, P10-P13, G2).

Each takes (session, user, lead_id, ...), reaches the lead through access.get_lead(write=True)
and writes a history entry naming the user (G4); the caller's session commits once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import Session

from leadapp.models import Brokerage, HistoryEntry, Lead, User, as_utc, utcnow
from leadapp.models.enums import DEFAULT_QUICK_EVENTS, HISTORY_KINDS
from leadapp.services import access, leads, people, tags
from leadapp.services.errors import PermissionDenied, ServiceError, ValidationFailed, get_owned
from leadapp.services.history import add_entry, audit, message_lead, remove_entry
from leadapp.services.rows import get_row, id_of
from leadapp.services.security import hash_password
from leadapp.services.validation import check_money, clean

from .types import QuickEventResult

UNDO_WINDOW = timedelta(minutes=10)


CONTACT_FORM_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "state",
    "postal_code",
    "birthday",
    "anniversary",
    "lead_type",
    "property_type_wanted",
    "price_min",
    "price_max",
    "move_timeframe",
    "closing_date",
    "ps_due_date",
)


def save_contact(session: Session, user: User, lead_id, form: dict) -> Lead:
    """P1/P13 "Edit info": every contact and sales field, with the shared validation."""
    if not isinstance(form, dict):
        raise ValidationFailed({"form": "Nothing to save."})
    data = {k: str(form.get(k) or "")[:400] for k in CONTACT_FORM_FIELDS if k in form}
    extras = {
        key: people.split_list(str(form.get(key) or "")[:2000])
        for key in ("extra_emails", "extra_phones")
        if key in form
    }
    errors = {}
    if "email" in data and not data["email"].strip():
        errors["email"] = "Email is required."
    lo, hi = form.get("price_min"), form.get("price_max")
    try:
        lo_v, hi_v = check_money(lo, "Minimum price"), check_money(hi, "Maximum price")
        if lo_v is not None and hi_v is not None and lo_v > hi_v:
            errors["price_max"] = "The maximum price is below the minimum."
    except ValueError:
        pass  # reported by update_lead with the field
    if errors:
        raise ValidationFailed(errors)
    try:
        return leads.update_lead(session, user, lead_id, {**data, **extras})
    except ValidationFailed as exc:
        # extra_emails.0 -> extra_emails so the form can show it under the field
        raise ValidationFailed({k.split(".")[0]: v for k, v in exc.errors.items()}) from None


def set_stage(session: Session, user: User, lead_id, stage: str) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.set_stage(session, user, [lead.id], str(stage)[:40])
    return lead


def set_status(session: Session, user: User, lead_id, status: str) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.set_status(session, user, [lead.id], str(status)[:40])
    return lead


def reactivate(session: Session, user: User, lead_id) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    if lead.status not in ("inactive", "deleted"):
        raise ServiceError("Only an inactive or deleted lead can be reactivated.")
    leads.reactivate(session, user, [lead.id])
    return lead


def set_priority(session: Session, user: User, lead_id, priority: str) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.set_priority(session, user, [lead.id], str(priority)[:40])
    return lead


def add_tag(session: Session, user: User, lead_id, name: str) -> list[str]:
    lead = access.get_lead(session, user, lead_id, write=True)
    try:
        tags.add_tags(session, user, [lead.id], str(name or "")[:200])
    except ValueError as exc:
        raise ValidationFailed({"tags": str(exc)}) from None
    return tags.lead_tags(session, id_of(lead))


def remove_tag(session: Session, user: User, lead_id, name: str) -> list[str]:
    lead = access.get_lead(session, user, lead_id, write=True)
    try:
        if not tags.remove_tags(session, user, [lead.id], str(name or "")[:200]):
            raise ServiceError("That tag is not on this lead.")
    except ValueError as exc:
        raise ValidationFailed({"tags": str(exc)}) from None
    return tags.lead_tags(session, id_of(lead))


def assign(session: Session, user: User, lead_id, agent_id) -> Lead:
    """G2: brokers only (services/leads.assign refuses agents)."""
    access.require_broker(user, "reassign leads")
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.assign(session, user, [lead.id], agent_id)
    return lead


def quick_event(session: Session, user: User, lead_id, label: str) -> QuickEventResult:
    """P10: one click records the event with the time and the user who clicked."""
    lead = access.get_lead(session, user, lead_id, write=True)
    label = clean(label)[:40]
    allowed = get_row(session, Brokerage, lead.brokerage_id).quick_events or DEFAULT_QUICK_EVENTS
    if label not in allowed:
        raise ValidationFailed(
            {"quick_event": f"'{label}' is not one of the brokerage's quick events."}
        )
    entry = add_entry(session, lead, user, "quick_event", title=label)
    lead.updated_at = utcnow()
    session.add(lead)
    session.flush()
    return {"id": id_of(entry), "title": label}


def undo_quick_event(session: Session, user: User, lead_id, entry_id) -> None:
    """Undo a quick event just recorded (its author, within ten minutes)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    entry = _entry(session, lead, entry_id)
    if entry.kind != "quick_event" or entry.actor_id != user.id:
        raise PermissionDenied("Only the quick event you just recorded can be undone.")
    if as_utc(entry.created_at) < utcnow() - UNDO_WINDOW:
        raise ServiceError("That quick event is too old to undo; add a note instead.")
    remove_entry(session, lead, entry)


def _entry(session: Session, lead: Lead, entry_id) -> HistoryEntry:
    return get_owned(
        session,
        HistoryEntry,
        entry_id,
        lambda e: e.lead_id == lead.id,
        "That history entry does not exist.",
    )


def set_entry_details(
    session: Session, user: User, lead_id, entry_id, details: str
) -> HistoryEntry:
    """P10/P8: what was said, added to a quick event, note or call (its author or a broker)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    entry = _entry(session, lead, entry_id)
    if entry.kind not in ("quick_event", "note", "call"):
        raise PermissionDenied("Only notes, calls and quick events take details.")
    if entry.actor_id != user.id and not access.is_broker(user):
        raise PermissionDenied("Only the person who recorded it can change its details.")
    text = clean(details)
    if len(text) > 20000:
        raise ValidationFailed({"details": "Details have at most 20,000 characters."})
    entry.body = text
    entry.updated_at = utcnow()
    session.add(entry)
    return entry


def _entry_errors(title: str, body: str, no_body: str, no_title: str = "") -> dict[str, str]:
    """A written entry's errors: the body is required (`no_body`), the title only with a
    `no_title` message; at most 200 characters of title and 20,000 of body."""
    errors = {}
    if no_title and not title:
        errors["title"] = no_title
    elif len(title) > 200:
        errors["title"] = "The title has at most 200 characters."
    if not body:
        errors["body"] = no_body
    elif len(body) > 20000:
        errors["body"] = "At most 20,000 characters."
    return errors


def add_note(
    session: Session, user: User, lead_id, kind: str, title: str, body: str
) -> HistoryEntry:
    """P8: History > Add new > Note or Phone call."""
    lead = access.get_lead(session, user, lead_id, write=True)
    if kind not in ("note", "call"):
        raise ValidationFailed({"kind": "Choose a note or a phone call."})
    title, body = clean(title), clean(body)
    errors = _entry_errors(title, body, "Write what the note or call was about.")
    if errors:
        raise ValidationFailed(errors)
    entry = add_entry(session, lead, user, kind, title=title or HISTORY_KINDS[kind], body=body)
    session.flush()
    return entry


def send_message(session: Session, user: User, lead_id, title: str, body: str) -> HistoryEntry:
    """P11: stored in the history and delivered through the outgoing-mail table."""
    lead = access.get_lead(session, user, lead_id, write=True)
    title, body = clean(title), clean(body)
    errors = _entry_errors(title, body, "Write the message.", "Give the message a title.")
    if lead.status == "deleted":
        errors["title"] = "This lead is deleted; reactivate it to send a message."
    if errors:
        raise ValidationFailed(errors)
    return message_lead(session, lead, user, title, body)


def reset_password(session: Session, user: User, lead_id) -> str:
    """P12/W2: a temporary website password, shown once; the lead is not told."""
    lead = access.get_lead(session, user, lead_id, write=True)
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    password = "".join(secrets.choice(alphabet) for _ in range(12))
    lead.website_password_hash = hash_password(password)
    lead.updated_at = utcnow()
    session.add(lead)
    audit(session, lead, user, "website_password", None, "reset", title="Website password reset")
    return password
