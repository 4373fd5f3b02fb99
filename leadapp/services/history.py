"""Writing a lead's history (P8, G4): every entry names the acting user."""

from __future__ import annotations

from contextvars import ContextVar

import sqlalchemy as sa
from sqlmodel import Session, col

from leadapp.models import HistoryEntry, Lead, User, as_utc, utcnow
from leadapp.models.enums import CONTACT_KINDS

from . import live, mail, rollups, speed
from .rows import id_of, table_of

# The website API key a request acts through: the API sets it for the request's work, so
# the entries it writes (which have no acting user) name the key.
acting_api_key: ContextVar[int | None] = ContextVar("acting_api_key", default=None)


def _api_key_id(actor: User | None) -> int | None:
    return acting_api_key.get() if actor is None or actor.id is None else None


def add_entry(
    session: Session,
    lead: Lead,
    actor: User | None,
    kind: str,
    title: str = "",
    body: str = "",
    **extra,
) -> HistoryEntry:
    entry = HistoryEntry(
        brokerage_id=lead.brokerage_id,
        lead_id=id_of(lead),
        actor_id=actor.id if actor else None,
        api_key_id=_api_key_id(actor),
        kind=kind,
        title=title,
        body=body,
        created_at=extra.pop("created_at", None) or utcnow(),
        **extra,
    )
    session.add(entry)
    if kind in CONTACT_KINDS and (
        lead.last_contacted_at is None or as_utc(lead.last_contacted_at) < as_utc(entry.created_at)
    ):
        lead.last_contacted_at = entry.created_at
        session.add(lead)
    if kind in CONTACT_KINDS:  # N2: the first contact after the assignment
        speed.contacted(session, id_of(lead), entry.created_at)
    if actor is not None:  # D4 counts what users did; the open dashboards refresh (D10)
        rollups.history_done(
            session, lead.brokerage_id, actor.id, entry.created_at, kind, entry.field
        )
        live.note(session, lead.brokerage_id, lead.assigned_agent_id, "history", lead.id)
    return entry


def message_lead(
    session: Session, lead: Lead, user: User, subject: str, body: str, title: str = ""
) -> HistoryEntry:
    """Email the lead a message from `user`: the history entry `title` (default: the
    subject) and the queued email that points at it."""
    entry = add_entry(session, lead, user, "message", title=title or subject, body=body)
    session.flush()
    mail.queue(
        session,
        brokerage_id=lead.brokerage_id,
        lead_id=lead.id,
        to=lead.email,
        subject=subject,
        body=body,
        kind="message",
        created_by_id=user.id,
        history_entry_id=entry.id,
    )
    return entry


def remove_entry(session: Session, lead: Lead, entry: HistoryEntry) -> None:
    """Take an entry back (undo): the D4 day counts and the lead's last contact follow."""
    session.delete(entry)
    if entry.actor_id is not None:
        rollups.history_done(
            session,
            entry.brokerage_id,
            entry.actor_id,
            entry.created_at,
            entry.kind,
            entry.field,
            n=-1,
        )
        live.note(session, lead.brokerage_id, lead.assigned_agent_id, "history", lead.id)
    if entry.kind in CONTACT_KINDS:
        session.flush()
        lead.last_contacted_at = session.execute(
            sa.select(sa.func.max(col(HistoryEntry.created_at))).where(
                col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.kind).in_(CONTACT_KINDS)
            )
        ).scalar()
        session.add(lead)


def _value(v) -> str | None:
    """An audited old/new value as stored (text, at most 400 characters)."""
    return None if v is None else str(v)[:400]


def audit(
    session: Session, lead: Lead, actor: User | None, field: str, old, new, title: str = ""
) -> HistoryEntry:
    """An audit record of one field change (status, stage, priority, assignment, ...)."""
    return add_entry(
        session,
        lead,
        actor,
        "audit",
        title=title or f"{field.replace('_', ' ').capitalize()} changed",
        field=field,
        old_value=_value(old),
        new_value=_value(new),
    )


def _entries_brokerage(brokerage_id: int | None, actor: User | None) -> int:
    """The brokerage of audit rows: the one given, else the actor's (one of them is needed)."""
    if brokerage_id:
        return brokerage_id
    if actor is None:
        raise ValueError("audit rows without an actor need a brokerage_id")
    return actor.brokerage_id


def add_audit_rows(
    session: Session,
    actor: User | None,
    changes,
    field: str,
    title: str,
    now=None,
    brokerage_id: int | None = None,
) -> int:
    """Audit records for many leads in one statement: `changes` = [(lead_id, old, new), ...].

    Used by set-based bulk changes (services/lead_bulk.py); each lead gets its own entry
    naming `actor`, exactly like `audit()`.
    """
    at = now or utcnow()
    rows = [
        {
            "brokerage_id": _entries_brokerage(brokerage_id, actor),
            "lead_id": lead_id,
            "actor_id": actor.id if actor else None,
            "api_key_id": _api_key_id(actor),
            "kind": "audit",
            "title": title[:200],
            "body": "",
            "field": field,
            "old_value": _value(old),
            "new_value": _value(new),
            "created_at": at,
        }
        for lead_id, old, new in changes
    ]
    if rows:
        session.execute(table_of(HistoryEntry).insert(), rows)  # Core: no ORM bookkeeping per row
        if actor is not None:
            rollups.history_done(
                session, rows[0]["brokerage_id"], actor.id, at, "audit", field, n=len(rows)
            )
    return len(rows)
