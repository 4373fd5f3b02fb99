"""The website's side of a lead's property organizer (P7, P14), through the API.

The website acts for the lead: it reads the organizer (saved searches with criteria and
alert switch, favourites, who made each), changes a search's criteria or alert switch, and
deletes a search or a favourite. The organizer is the lead's own, so the website may change
what the agent added too (the CRM side is the one restricted: agents cannot change what the
lead saved). Criteria are checked by the same rules as the lead page's dialog
(`lead_organizer.check_criteria`); every change writes a history entry on the lead (actor:
the website) and keeps Lead.active_subscriptions and the roll-ups exact (`recount`).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import Favorite, Lead, Listing, SavedSearch, User

from . import access
from .errors import NotFound, ValidationFailed
from .history import audit
from .lead_organizer import (
    CRITERIA_KEYS,
    check_criteria,
    lead_favorite,
    lead_search,
    remove_search,
)
from .lead_page import criteria_text
from .lead_subscriptions import recount
from .validation import clean


def _lead(session: Session, user: User, lead_id) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    if lead.status == "deleted":
        raise NotFound("That lead does not exist.")
    return lead


def _iso(ts) -> str | None:
    return ts.isoformat() if ts else None


def read(session: Session, user: User, lead_id) -> dict:
    lead = _lead(session, user, lead_id)
    searches = session.exec(
        select(SavedSearch)
        .where(SavedSearch.lead_id == lead.id)
        .order_by(col(SavedSearch.created_at), col(SavedSearch.id))
    ).all()
    favs = session.exec(
        select(Favorite, Listing)
        .join(Listing, col(Listing.id) == Favorite.listing_id)
        .where(Favorite.lead_id == lead.id)
        .order_by(col(Favorite.created_at), col(Favorite.id))
    ).all()
    return {
        "lead_id": lead.id,
        "saved_searches": [
            {
                "id": s.id,
                "name": s.name,
                "criteria": {k: v for k, v in (s.criteria or {}).items() if k in CRITERIA_KEYS},
                "alerts_enabled": s.alerts_enabled,
                "created_by": s.created_by,
                "created_at": _iso(s.created_at),
                "last_alert_at": _iso(s.last_alert_at),
            }
            for s in searches
        ],
        "favorites": [
            {
                "id": f.id,
                "listing_id": li.id,
                "mls_number": li.mls_number,
                "address": f"{li.street}, {li.city}, {li.state} {li.postal_code}",
                "price": li.price,
                "status": li.status,
                "created_by": f.created_by,
                "created_at": _iso(f.created_at),
            }
            for f, li in favs
        ],
    }


def update_search(session: Session, user: User, lead_id, search_id, body) -> dict:
    """PATCH: {"criteria": {...}} and/or {"alerts_enabled": bool} and/or {"name": str}."""
    lead = _lead(session, user, lead_id)
    s = lead_search(session, lead, search_id)
    if not isinstance(body, dict) or not body:
        raise ValidationFailed({"body": "Send criteria, alerts_enabled or name."})
    extra = sorted(set(body) - {"criteria", "alerts_enabled", "name"})
    if extra:
        raise ValidationFailed({str(extra[0])[:40]: "Unknown field."})
    if "alerts_enabled" in body and not isinstance(body["alerts_enabled"], bool):
        raise ValidationFailed({"alerts_enabled": "true or false."})
    name = None
    if "name" in body:
        name = clean(body["name"]) if isinstance(body["name"], str) else None
        if name is None or len(name) > 200:
            raise ValidationFailed({"name": "A name of at most 200 characters."})
    c = None
    if "criteria" in body:
        if not isinstance(body["criteria"], dict):
            raise ValidationFailed({"criteria": "An object of search criteria."})
        unknown = sorted(set(body["criteria"]) - set(CRITERIA_KEYS))
        if unknown:
            raise ValidationFailed({f"criteria.{str(unknown[0])[:40]}": "Unknown criterion."})
        c = check_criteria({k: str(v) for k, v in body["criteria"].items() if v is not None})
    old = f"{s.name}: {criteria_text(s.criteria)}" + (" (alerts on)" if s.alerts_enabled else "")
    if c is not None:
        s.criteria, s.transaction = c, c["transaction"]
    if name is not None:
        s.name = name or criteria_text(s.criteria)
    if "alerts_enabled" in body:
        s.alerts_enabled = body["alerts_enabled"]
    new = f"{s.name}: {criteria_text(s.criteria)}" + (" (alerts on)" if s.alerts_enabled else "")
    session.add(s)
    if new != old:
        audit(
            session,
            lead,
            None,
            "saved_search",
            old,
            new,
            title="Saved search updated on the website",
        )
    recount(session, lead)
    return next(x for x in read(session, user, lead.id)["saved_searches"] if x["id"] == s.id)


def delete_search(session: Session, user: User, lead_id, search_id) -> None:
    lead = _lead(session, user, lead_id)
    s = lead_search(session, lead, search_id)
    remove_search(session, lead, None, s, "Saved search deleted on the website")


def delete_favorite(session: Session, user: User, lead_id, fav_id) -> None:
    lead = _lead(session, user, lead_id)
    f = lead_favorite(session, lead, fav_id)
    li = session.get(Listing, f.listing_id)
    audit(
        session,
        lead,
        None,
        "favorite",
        f"{li.street}, {li.city} (MLS {li.mls_number})" if li else str(f.listing_id),
        None,
        title="Favourite removed on the website",
    )
    session.delete(f)
