"""Leads for integrations (W1): list with filters and cursor paging, create, update.

The acting user is the API key's broker-scoped user (services/activity.api_user); every
read and write goes through services/access.py and services/leads.py like the UI's.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from leadapp.models import Lead, User, as_utc, utcnow
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, PRIORITIES, STAGES

from . import access, distribute, lead_query, leads, rating, routing
from .activity import parse_time
from .errors import ValidationFailed
from .rows import id_of
from .validation import CONTACT_FIELD_CHECKS

EDITABLE = set(CONTACT_FIELD_CHECKS) | {
    "extra_emails",
    "extra_phones",
    "stage",
    "status",
    "priority",
    "assigned_agent_id",
}
READ_ONLY = {
    "id",
    "rating",
    "stars",
    "rating_score",
    "last_activity_at",
    "created_at",
    "updated_at",
    "has_website_account",
    "website_password_hash",
}
MAX_LIMIT = 200
_FAR = datetime(9000, 1, 1, tzinfo=UTC)


def _iso(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return as_utc(v).isoformat()
    return v.isoformat()


def lead_json(lead: Lead, cutoff, now: datetime) -> dict:
    return {
        "id": lead.id,
        "email": lead.email,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "phone": lead.phone,
        "extra_emails": list(lead.extra_emails or []),
        "extra_phones": list(lead.extra_phones or []),
        "street": lead.street,
        "city": lead.city,
        "state": lead.state,
        "postal_code": lead.postal_code,
        "birthday": _iso(lead.birthday),
        "anniversary": _iso(lead.anniversary),
        "lead_type": lead.lead_type,
        "status": lead.status,
        "stage": lead.stage,
        "priority": lead.priority,
        "source": lead.source,
        "assigned_agent_id": lead.assigned_agent_id,
        "stars": rating.stars(lead.rating_score or 0.0, lead.last_activity_at, cutoff, now),
        "last_activity_at": _iso(lead.last_activity_at),
        "has_website_account": bool(lead.website_password_hash),
        "created_at": _iso(lead.created_at),
        "updated_at": _iso(lead.updated_at),
    }


def _cursor_out(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def _cursor_in(text: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        kind, _, val = raw.partition(":")
        if kind != "id":
            raise ValueError
        n = int(val)
        if n < 0 or n > 2**62:
            raise ValueError
        return n
    except Exception:
        raise ValidationFailed({"cursor": "Not a cursor this API returned."}) from None


def list_leads(session: Session, user: User, params: dict, now: datetime | None = None) -> dict:
    """Filters: q, email, status, stage, lead_type, source, agent_id ('none' = pool),
    stars, created_since, updated_since; paging: limit (1-200), cursor."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    stmt = select(Lead).where(
        access.lead_visibility(user, include_pool=access.pool_enabled(session, user))
    )
    p = {k: v for k, v in params.items() if v not in (None, "")}
    unknown = sorted(
        set(p)
        - {
            "q",
            "email",
            "status",
            "stage",
            "lead_type",
            "source",
            "agent_id",
            "stars",
            "created_since",
            "updated_since",
            "limit",
            "cursor",
        }
    )
    for k in unknown:
        errors[k[:40]] = "Unknown filter."
    for field, allowed in (("status", LEAD_STATUSES), ("stage", STAGES), ("lead_type", LEAD_TYPES)):
        if field in p:
            if p[field] not in allowed:
                errors[field] = f"One of {', '.join(allowed)}."
            else:
                stmt = stmt.where(getattr(Lead, field) == p[field])
    if "source" in p:
        stmt = stmt.where(Lead.source == str(p["source"])[:60])
    if "email" in p:
        stmt = stmt.where(Lead.email == str(p["email"]).strip().lower()[:320])
    if "q" in p:
        clause = lead_query.search_clause(session, user.brokerage_id, str(p["q"])[:100])
        if clause is not None:
            stmt = stmt.where(clause)
    if "agent_id" in p:
        if str(p["agent_id"]) == "none":
            stmt = stmt.where(col(Lead.assigned_agent_id).is_(None))
        else:
            try:
                stmt = stmt.where(Lead.assigned_agent_id == int(p["agent_id"]))
            except (TypeError, ValueError):
                errors["agent_id"] = "An agent id, or 'none' for the unassigned pool."
    cutoff = rating.get_cutoff(session, user.brokerage_id)
    if "stars" in p:
        try:
            n = int(p["stars"])
            if not 0 <= n <= 3:
                raise ValueError
            stmt = stmt.where(rating.stars_expr(cutoff, now) == n)
        except (TypeError, ValueError):
            errors["stars"] = "0, 1, 2 or 3."
    for field, column in (("created_since", Lead.created_at), ("updated_since", Lead.updated_at)):
        if field in p:
            try:
                stmt = stmt.where(column >= parse_time(str(p[field]), _FAR))
            except ValueError as exc:
                errors[field] = str(exc).replace("occurred_at", field)
    limit = 50
    if "limit" in p:
        try:
            limit = int(p["limit"])
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError
        except (TypeError, ValueError):
            errors["limit"] = f"A number from 1 to {MAX_LIMIT}."
    if "cursor" in p:
        try:
            stmt = stmt.where(col(Lead.id) > _cursor_in(str(p["cursor"])))
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    rows = session.exec(stmt.order_by(col(Lead.id)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "data": [lead_json(r, cutoff, now) for r in rows],
        "next_cursor": _cursor_out(id_of(rows[-1])) if more and rows else None,
    }


def _check_body(data) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "The body must be a JSON object of lead fields."})
    errors = {}
    for k in data:
        if k in READ_ONLY:
            errors[str(k)] = (
                "Computed by leadapp; it cannot be set."
                if k in ("rating", "stars", "rating_score", "last_activity_at")
                else "Read-only."
            )
        elif k not in EDITABLE:
            errors[str(k)[:40]] = "Unknown field."
    for k in ("extra_emails", "extra_phones"):
        if k in data and (
            not isinstance(data[k], list)
            or len(data[k]) > 10
            or not all(isinstance(x, str) for x in data[k])
        ):
            errors[k] = "A list of at most 10 strings."
    for k, v in data.items():
        if k in CONTACT_FIELD_CHECKS and v is not None and not isinstance(v, (str, int, float)):
            errors[k] = "Must be text."
        if k in ("stage", "status", "priority") and v is not None and not isinstance(v, str):
            errors[k] = "Must be text."
    if (
        "assigned_agent_id" in data
        and data["assigned_agent_id"] is not None
        and (
            isinstance(data["assigned_agent_id"], bool)
            or not isinstance(data["assigned_agent_id"], int)
        )
    ):
        errors["assigned_agent_id"] = "An agent id, or null for the unassigned pool."
    if errors:
        raise ValidationFailed(errors)
    return data


def _choices(session, user, lead, data):
    for field, fn, allowed in (
        ("stage", leads.set_stage, STAGES),
        ("status", leads.set_status, LEAD_STATUSES),
        ("priority", leads.set_priority, PRIORITIES),
    ):
        if data.get(field) is not None:
            if data[field] not in allowed:
                raise ValidationFailed({field: f"One of {', '.join(allowed)}."})
            fn(session, user, [lead.id], data[field])


def _route(session: Session, user: User, data: dict):
    """The routing decision for a lead about to be created from `data` (raw API fields)."""
    from .validation import check_fields

    values, _errors = check_fields(dict(data, email=data.get("email") or "x@example.com"))
    facts = routing.Facts(
        source=str(data.get("source") or ""),
        lead_type=values.get("lead_type"),
        city=values.get("city") or "",
        postal_code=values.get("postal_code") or "",
        price_min=values.get("price_min"),
        price_max=values.get("price_max"),
    )
    router = routing.Router(session, user.brokerage_id, "api")
    return router, router.decide(facts)


def create(session: Session, user: User, data, now: datetime | None = None) -> dict:
    data = dict(_check_body(data))
    if data.get("assigned_agent_id") is not None:
        try:
            access.get_agent(session, user, data["assigned_agent_id"])
        except Exception as exc:
            raise ValidationFailed({"assigned_agent_id": str(exc)}) from None
    for field, allowed in (("stage", STAGES), ("status", LEAD_STATUSES), ("priority", PRIORITIES)):
        if data.get(field) is not None and data[field] not in allowed:
            raise ValidationFailed({field: f"One of {', '.join(allowed)}."})
    data.setdefault("source", "API")
    decided = None
    if data.get("assigned_agent_id") is None:  # G5: routed in this same transaction
        decided = _route(session, user, data)
        data["assigned_agent_id"] = decided[1].agent_id
    lead = leads.create_lead(
        session,
        user,
        {k: v for k, v in data.items() if k not in ("stage", "status", "priority")},
        history_title="Lead created through the API",
    )
    if decided is not None:
        distribute.record(session, decided[0], [(lead, decided[1])])
    _choices(session, user, lead, data)
    session.flush()
    return lead_json(lead, rating.get_cutoff(session, user.brokerage_id), now or utcnow())


def update(session: Session, user: User, lead_id, data, now: datetime | None = None) -> dict:
    data = _check_body(data)
    lead = access.get_lead(session, user, lead_id, write=True)
    contact = {
        k: v
        for k, v in data.items()
        if k in CONTACT_FIELD_CHECKS or k in ("extra_emails", "extra_phones")
    }
    if "email" in contact and contact["email"] in (None, ""):
        raise ValidationFailed({"email": "Email is required."})
    if contact:
        leads.update_lead(session, user, lead.id, contact)
    _choices(session, user, lead, data)
    if "assigned_agent_id" in data:
        try:
            leads.assign(session, user, [lead.id], data["assigned_agent_id"])
        except ValidationFailed:
            raise
        except Exception as exc:
            raise ValidationFailed({"assigned_agent_id": str(exc)}) from None
    session.flush()
    session.refresh(lead)
    return lead_json(lead, rating.get_cutoff(session, user.brokerage_id), now or utcnow())


def get_one(session: Session, user: User, lead_id, now: datetime | None = None) -> dict:
    lead = access.get_lead(session, user, lead_id)
    return lead_json(lead, rating.get_cutoff(session, user.brokerage_id), now or utcnow())
