"""Creating and changing leads (L8, P1, P2, P13, G2, G4).

All lead changes go through here so that validation, authorization, the audit trail
and the dashboard roll-ups stay in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, func, select

from leadapp.models import Lead, User, utcnow
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, PRIORITIES, STAGES

from . import access, people, rollups, speed
from .errors import NotFound, ValidationFailed
from .history import add_entry, audit
from .validation import check_fields, check_optional_email, check_phone, phone_digits

# Fields a change records in the audit trail, with how to show their values.
AUDITED = {
    "status": LEAD_STATUSES,
    "stage": STAGES,
    "priority": PRIORITIES,
    "lead_type": LEAD_TYPES,
}


def email_taken(
    session: Session, brokerage_id: int, email: str, exclude_id: int | None = None
) -> bool:
    q = select(Lead.id).where(
        Lead.brokerage_id == brokerage_id, func.lower(Lead.email) == email.lower()
    )
    if exclude_id:
        q = q.where(Lead.id != exclude_id)
    return session.exec(q).first() is not None


def _derived(lead: Lead) -> None:
    lead.phone_digits = phone_digits(lead.phone)[:20]
    lead.birthday_md = lead.birthday.month * 100 + lead.birthday.day if lead.birthday else None
    lead.anniversary_md = (
        lead.anniversary.month * 100 + lead.anniversary.day if lead.anniversary else None
    )


def _check_extra(data: dict, errors: dict) -> dict:
    out = {}
    for key, check in (("extra_emails", check_optional_email), ("extra_phones", check_phone)):
        if key in data:
            out[key] = _checked_list(data.get(key), key, check, errors)
    return out


def _checked_list(raws, key: str, check: Callable[[Any], str], errors: dict) -> list[str]:
    """The first 10 non-empty values of the list field `key` as `check` cleans them; a bad
    value's message goes to errors["<key>.<index>"]."""
    values = []
    for i, raw in enumerate(raws or []):
        try:
            if value := check(raw):
                values.append(value)
        except ValueError as exc:
            errors[f"{key}.{i}"] = str(exc)
    return values[:10]


def create_lead(
    session: Session,
    user: User,
    data: dict,
    *,
    history_kind: str = "created",
    history_title: str = "Lead created",
) -> Lead:
    """Add one lead (L8). `data` holds raw form values; email is the only required field.

    Agents' new leads are theirs; brokers may name an agent (`assigned_agent_id`) or leave
    the lead unassigned.
    """
    data = dict(data)
    data.setdefault("email", "")
    values, errors = check_fields(data)
    values.update(_check_extra(data, errors))
    agent_id = None
    if access.is_broker(user):
        raw_agent = data.get("assigned_agent_id")
        if raw_agent not in (None, "", 0, "0"):
            try:
                agent_id = access.get_agent(session, user, raw_agent).id
            except NotFound as exc:
                errors["assigned_agent_id"] = str(exc)
    else:
        agent_id = user.id
    if "email" not in errors and email_taken(session, user.brokerage_id, values["email"]):
        errors["email"] = f"{values['email']} is already a lead."
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    # the checked fields (validation.py gives each its model type); None leaves the default
    fields: dict[str, Any] = {
        k: v for k, v in values.items() if v is not None or k in ("lead_type",)
    }
    source = fields.pop("source", "") or "Manual entry"
    lead = Lead(
        brokerage_id=user.brokerage_id,
        assigned_agent_id=agent_id,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
        stage_entered_at=now,
        source=source,
        **fields,
    )
    _derived(lead)
    session.add(lead)
    session.flush()
    add_entry(session, lead, user, history_kind, title=history_title)
    if agent_id:
        speed.assigned(session, lead.brokerage_id, [(lead.id, agent_id)], now)
    rollups.lead_created(session, [lead])
    return lead


def update_lead(session: Session, user: User, lead_id, data: dict) -> Lead:
    """Edit contact and sales fields (P1, P13); status, stage and agent have their own calls."""
    lead = access.get_lead(session, user, lead_id, write=True)
    values, errors = check_fields(data)
    values.update(_check_extra(data, errors))
    if "email" in values and email_taken(
        session, lead.brokerage_id, values["email"], exclude_id=lead.id
    ):
        errors["email"] = f"{values['email']} is already a lead."
    if errors:
        raise ValidationFailed(errors)
    tracker = rollups.LeadRollupTracker([lead])
    changed = []
    for field, value in values.items():
        old = getattr(lead, field)
        if old != value:
            setattr(lead, field, value)
            changed.append(field)
            if field in AUDITED:
                labels = AUDITED[field]
                audit(session, lead, user, field, labels.get(old, old), labels.get(value, value))
    if changed:
        lead.updated_at = utcnow()
        _derived(lead)
        others = [f for f in changed if f not in AUDITED]
        if others:
            audit(
                session,
                lead,
                user,
                "contact",
                None,
                ", ".join(f.replace("_", " ") for f in others),
                title="Contact information edited",
            )
        session.add(lead)
        tracker.apply(session)
    return lead


def _locked(session: Session, ids: list[int]) -> list[Lead]:
    """The leads, row-locked and re-read, so roll-up snapshots match what the UPDATE changes."""
    if not ids:
        return []
    return list(
        session.exec(
            select(Lead)
            .where(col(Lead.id).in_(ids))
            .order_by(col(Lead.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    )


def _set_choice(
    session: Session, user: User, lead_ids, field: str, value: str, allowed: dict
) -> list[Lead]:
    if value not in allowed:
        raise ValidationFailed({field: f"'{value}' is not a valid {field.replace('_', ' ')}."})
    ids = access.visible_lead_ids(session, user, lead_ids, write=True)
    leads = _locked(session, ids)
    tracker = rollups.LeadRollupTracker(leads)
    now = utcnow()
    for lead in leads:
        old = getattr(lead, field)
        if old == value:
            continue
        setattr(lead, field, value)
        if field == "stage":
            lead.stage_entered_at = now
        lead.updated_at = now
        audit(session, lead, user, field, allowed.get(old, old), allowed[value])
        session.add(lead)
    tracker.apply(session)
    return leads


def set_stage(session: Session, user: User, lead_ids, stage: str) -> list[Lead]:
    """P2 / L7: move leads to a pipeline stage; each change is written to history."""
    return _set_choice(session, user, lead_ids, "stage", stage, STAGES)


def set_status(session: Session, user: User, lead_ids, status: str) -> list[Lead]:
    """L6 / L9 / P1: New, Active, Inactive or Deleted (deleted leads keep their data)."""
    return _set_choice(session, user, lead_ids, "status", status, LEAD_STATUSES)


def set_priority(session: Session, user: User, lead_ids, priority: str) -> list[Lead]:
    return _set_choice(session, user, lead_ids, "priority", priority, PRIORITIES)


def set_type(session: Session, user: User, lead_ids, lead_type: str) -> list[Lead]:
    return _set_choice(session, user, lead_ids, "lead_type", lead_type, LEAD_TYPES)


def reactivate(session: Session, user: User, lead_ids) -> list[Lead]:
    """L9: bring inactive or deleted leads back as Active."""
    return set_status(session, user, lead_ids, "active")


def assign(session: Session, user: User, lead_ids, agent_id) -> list[Lead]:
    """G2: brokers (only) assign leads to an agent, or to nobody (None) = the pool."""
    access.require_broker(user, "reassign leads")
    agent = None if agent_id in (None, "", 0, "0") else access.get_agent(session, user, agent_id)
    ids = access.visible_lead_ids(session, user, lead_ids, write=True)
    leads = _locked(session, ids)
    return _reassign(session, user, leads, agent)


def _reassign(
    session: Session,
    actor: User,
    leads: list[Lead],
    agent: User | None,
    title: str = "Assigned agent changed",
) -> list[Lead]:
    names = _agent_names(
        session, {lead.assigned_agent_id for lead in leads} | {agent.id if agent else None}
    )
    tracker = rollups.LeadRollupTracker(leads)
    now = utcnow()
    moved = []
    for lead in leads:
        new_id = agent.id if agent else None
        if lead.assigned_agent_id == new_id:
            continue
        audit(
            session,
            lead,
            actor,
            "assigned_agent",
            names.get(lead.assigned_agent_id, "Unassigned"),
            names.get(new_id, "Unassigned"),
            title=title,
        )
        lead.assigned_agent_id = new_id
        lead.updated_at = now
        session.add(lead)
        moved.append((lead.id, new_id))
    speed.assigned(session, actor.brokerage_id, moved, now)
    tracker.apply(session)
    return leads


def _agent_names(session: Session, ids: set) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}


def agents_of(session: Session, user: User) -> list[User]:
    """The active users of the brokerage who can hold leads, by name."""
    return people.active_users(session, user.brokerage_id)


display_name = people.display_name
