"""The property organizer (P7) and email updates (P14, C3) of one lead.

- Saved searches: criteria, created date, email-alert / daily-update switch, delete, add
  through the property-search dialog. Favourites: address, price, beds, baths, MLS number,
  sort, delete, add through the same dialog.
- What the lead saved on the website (created_by == "lead") is marked as theirs and is
  read-only for CRM users (the agent-CRM guide: "editable only by leads"); the alert switch
  stays available on every search, because P14 lets the agent stop or start daily updates
  without deleting the search.
- "Send all searches now" queues one email for sales and one for rentals holding every
  listing that matches the lead's searches with updates on, and records each listing as
  emailed (P18).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Favorite, Lead, Listing, ListingSent, SavedSearch, User, utcnow
from leadapp.models.enums import PROPERTY_TYPES

from . import access, mail
from .errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from .history import audit
from .lead_page.format import _page, criteria_text, fmt_dt, money
from .lead_page.types import (
    EmailUpdates,
    FavoriteRow,
    FoundListing,
    ListingRow,
    ListingSearch,
    SavedSearchRow,
)
from .lead_subscriptions import recount
from .rows import get_row
from .validation import check_money, clean

SEARCH_PAGE = 12
CRITERIA_KEYS = (
    "city",
    "property_type",
    "transaction",
    "min_price",
    "max_price",
    "min_beds",
    "min_baths",
)
MAX_SEND = 200  # listings per email of "send all now"
FAVORITE_SORTS = {
    "newest": (col(Favorite.created_at).desc(),),
    "price_asc": (col(Listing.price).asc(),),
    "price_desc": (col(Listing.price).desc(),),
    "beds": (col(Listing.beds).desc(), col(Listing.price).asc()),
}


def check_criteria(form: dict) -> dict:
    """Property-search criteria from the dialog.

    {city, property_type, min/max price, beds, baths, transaction}.
    """
    if not isinstance(form, dict):
        raise ValidationFailed({"criteria": "No search criteria."})
    errors: dict[str, str] = {}
    c: dict = {}
    city = clean(form.get("city"))[:100]
    if city:
        c["city"] = city
    pt = clean(form.get("property_type"))
    if pt and pt not in ("any", ""):
        if pt not in PROPERTY_TYPES:
            errors["property_type"] = "Unknown property type."
        else:
            c["property_type"] = pt
    tr = clean(form.get("transaction")) or "sale"
    if tr not in ("sale", "rent"):
        errors["transaction"] = "Choose sale or rent."
    c["transaction"] = tr
    for key, label in (("min_price", "Minimum price"), ("max_price", "Maximum price")):
        try:
            v = check_money(form.get(key), label)
            if v:
                c[key] = v
        except ValueError as exc:
            errors[key] = str(exc)
    for key, label in (("min_beds", "Bedrooms"), ("min_baths", "Bathrooms")):
        raw = clean(form.get(key))
        if raw and raw != "any":
            try:
                v = float(raw)
                if not 0 <= v <= 20:
                    raise ValueError
                if v:
                    c[key] = int(v) if key == "min_beds" else v
            except ValueError:
                errors[key] = f"{label}: a number from 0 to 20."
    if c.get("min_price") and c.get("max_price") and c["min_price"] > c["max_price"]:
        errors["max_price"] = "The maximum price is below the minimum."
    if errors:
        raise ValidationFailed(errors)
    return c


def _listing_query(c: dict):
    q = select(Listing).where(
        Listing.transaction == c.get("transaction", "sale"), Listing.status == "active"
    )
    if c.get("city"):
        q = q.where(sa.func.lower(Listing.city) == c["city"].lower())
    if c.get("property_type"):
        q = q.where(Listing.property_type == c["property_type"])
    if c.get("min_price"):
        q = q.where(Listing.price >= c["min_price"])
    if c.get("max_price"):
        q = q.where(Listing.price <= c["max_price"])
    if c.get("min_beds"):
        q = q.where(Listing.beds >= c["min_beds"])
    if c.get("min_baths"):
        q = q.where(Listing.baths >= c["min_baths"])
    return q


def _listing_row(listing: Listing) -> ListingRow:
    return {
        "id": listing.id,
        "address": f"{listing.street}, {listing.city}, {listing.state} {listing.postal_code}",
        "price": money(listing.price),
        "price_value": listing.price,
        "beds": listing.beds,
        "baths": f"{listing.baths:g}",
        "mls": listing.mls_number,
        "type": PROPERTY_TYPES.get(listing.property_type, listing.property_type),
        "transaction": "Rent" if listing.transaction == "rent" else "Sale",
    }


def search_listings(session: Session, user: User, lead_id, form: dict, page=0) -> ListingSearch:
    """The property-search dialog over the listings table (one page of matches)."""
    lead = access.get_lead(session, user, lead_id)
    c = check_criteria(form)
    page = _page(page)
    q = _listing_query(c)
    total = int(session.exec(select(sa.func.count()).select_from(q.subquery())).one())
    rows = session.exec(
        q.order_by(col(Listing.updated_at).desc(), col(Listing.id).desc())
        .offset(page * SEARCH_PAGE)
        .limit(SEARCH_PAGE)
    ).all()
    faved = (
        set(
            session.exec(
                select(Favorite.listing_id).where(
                    Favorite.lead_id == lead.id,
                    col(Favorite.listing_id).in_([listing.id for listing in rows]),
                )
            ).all()
        )
        if rows
        else set()
    )
    found: list[FoundListing] = [
        {**_listing_row(listing), "favorite": listing.id in faved} for listing in rows
    ]
    return {
        "rows": found,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // SEARCH_PAGE)),
        "criteria": criteria_text(c),
    }


# ---------------------------------------------------------------- saved searches


def saved_searches(session: Session, user: User, lead_id) -> list[SavedSearchRow]:
    lead = access.get_lead(session, user, lead_id)
    rows = session.exec(
        select(SavedSearch)
        .where(SavedSearch.lead_id == lead.id)
        .order_by(col(SavedSearch.created_at).desc(), col(SavedSearch.id).desc())
        .limit(200)
    ).all()
    can = access.can_change_lead(user, lead)
    return [
        {
            "id": s.id,
            "name": s.name or criteria_text(s.criteria),
            "criteria": criteria_text(s.criteria),
            "created": fmt_dt(s.created_at, user),
            "alerts": s.alerts_enabled,
            "by_lead": s.created_by == "lead",
            "transaction": s.transaction,
            "last_sent": fmt_dt(s.last_alert_at, user) or "never",
            "raw_name": s.name,
            "form": {k: str(v) for k, v in (s.criteria or {}).items() if k in CRITERIA_KEYS},
            "can_delete": can and s.created_by != "lead",
            "can_toggle": can,
        }
        for s in rows
    ]


def _search(session: Session, lead: Lead, search_id) -> SavedSearch:
    try:
        sid = int(search_id)
    except (TypeError, ValueError):
        raise NotFound("That saved search does not exist.") from None
    s = session.get(SavedSearch, sid)
    if s is None or s.lead_id != lead.id:
        raise NotFound("That saved search does not exist.")
    return s


def add_saved_search(
    session: Session, user: User, lead_id, form: dict, alerts: bool = True
) -> SavedSearch:
    """Save the dialog's criteria for the lead (shown to them in their organizer)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    c = check_criteria(form)
    name = clean((form or {}).get("name"))
    if len(name) > 200:
        raise ValidationFailed({"name": "The name has at most 200 characters."})
    n = session.exec(
        select(sa.func.count()).select_from(SavedSearch).where(SavedSearch.lead_id == lead.id)
    ).one()
    if n >= 50:
        raise ServiceError("A lead can have at most 50 saved searches.")
    s = SavedSearch(
        lead_id=lead.id,
        name=name or criteria_text(c),
        criteria=c,
        transaction=c["transaction"],
        alerts_enabled=bool(alerts),
        created_by="agent",
        created_by_user_id=user.id,
        created_at=utcnow(),
    )
    session.add(s)
    audit(
        session,
        lead,
        user,
        "saved_search",
        None,
        s.name + (" (alerts on)" if alerts else ""),
        title="Saved search added",
    )
    recount(session, lead)
    return s


def update_saved_search(
    session: Session, user: User, lead_id, search_id, form: dict, alerts: bool
) -> SavedSearch:
    """P14 "Update this search criteria": new criteria, name and the daily-update box.

    Only searches an agent made can be updated.
    """
    lead = access.get_lead(session, user, lead_id, write=True)
    s = _search(session, lead, search_id)
    if s.created_by == "lead":
        raise PermissionDenied(
            "The lead saved this search on the website; only they can change its criteria."
        )
    c = check_criteria(form)
    name = clean((form or {}).get("name"))
    if len(name) > 200:
        raise ValidationFailed({"name": "The name has at most 200 characters."})
    old = f"{s.name}: {criteria_text(s.criteria)}"
    s.criteria, s.transaction, s.name = c, c["transaction"], name or criteria_text(c)
    s.alerts_enabled = bool(alerts)
    session.add(s)
    audit(
        session,
        lead,
        user,
        "saved_search",
        old,
        f"{s.name}: {criteria_text(c)}" + (" (alerts on)" if alerts else ""),
        title="Saved search updated",
    )
    recount(session, lead)
    return s


def set_alerts(session: Session, user: User, lead_id, search_id, on: bool) -> SavedSearch:
    """Email alerts / daily updates on or off, without deleting the search."""
    lead = access.get_lead(session, user, lead_id, write=True)
    s = _search(session, lead, search_id)
    on = bool(on)
    if s.alerts_enabled == on:
        return s
    s.alerts_enabled = on
    session.add(s)
    audit(
        session,
        lead,
        user,
        "email_alerts",
        "on" if not on else "off",
        "on" if on else "off",
        title=f"Email updates {'on' if on else 'off'}: {s.name or criteria_text(s.criteria)}",
    )
    recount(session, lead)
    return s


def delete_saved_search(session: Session, user: User, lead_id, search_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    s = _search(session, lead, search_id)
    if s.created_by == "lead":
        raise PermissionDenied(
            "The lead saved this search on the website; only they can delete it."
        )
    audit(
        session,
        lead,
        user,
        "saved_search",
        s.name or criteria_text(s.criteria),
        None,
        title="Saved search deleted",
    )
    session.delete(s)
    recount(session, lead)


# ---------------------------------------------------------------- favourites


def favorites(session: Session, user: User, lead_id, sort: str = "newest") -> list[FavoriteRow]:
    lead = access.get_lead(session, user, lead_id)
    order = FAVORITE_SORTS.get(sort)
    if order is None:
        raise ValidationFailed({"sort": "Unknown sort."})
    rows = session.exec(
        select(Favorite, Listing)
        .join(Listing, col(Listing.id) == Favorite.listing_id)
        .where(Favorite.lead_id == lead.id)
        .order_by(*order, col(Favorite.id).desc())
        .limit(200)
    ).all()
    can = access.can_change_lead(user, lead)
    return [
        {
            **_listing_row(listing),
            "fav_id": f.id,
            "by_lead": f.created_by == "lead",
            "added": fmt_dt(f.created_at, user),
            "can_delete": can and f.created_by != "lead",
        }
        for f, listing in rows
    ]


def add_favorite(session: Session, user: User, lead_id, listing_id) -> Favorite:
    lead = access.get_lead(session, user, lead_id, write=True)
    try:
        listing = session.get(Listing, int(listing_id))
    except (TypeError, ValueError):
        listing = None
    if listing is None:
        raise NotFound("That listing does not exist.")
    if session.exec(
        select(Favorite).where(Favorite.lead_id == lead.id, Favorite.listing_id == listing.id)
    ).first():
        raise ServiceError("That listing is already a favourite.")
    f = Favorite(
        lead_id=lead.id, listing_id=listing.id, created_by="agent", created_by_user_id=user.id
    )
    session.add(f)
    audit(
        session,
        lead,
        user,
        "favorite",
        None,
        f"{listing.street}, {listing.city} (MLS {listing.mls_number})",
        title="Favourite added",
    )
    return f


def delete_favorite(session: Session, user: User, lead_id, fav_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    try:
        f = session.get(Favorite, int(fav_id))
    except (TypeError, ValueError):
        f = None
    if f is None or f.lead_id != lead.id:
        raise NotFound("That favourite does not exist.")
    if f.created_by == "lead":
        raise PermissionDenied(
            "The lead saved this listing on the website; only they can remove it."
        )
    listing = get_row(session, Listing, f.listing_id)
    audit(
        session,
        lead,
        user,
        "favorite",
        f"{listing.street}, {listing.city} (MLS {listing.mls_number})",
        None,
        title="Favourite removed",
    )
    session.delete(f)


# ---------------------------------------------------------------- email updates (P14)


def email_updates(session: Session, user: User, lead_id) -> EmailUpdates:
    rows = saved_searches(session, user, lead_id)
    return {
        "sales": [r for r in rows if r["transaction"] != "rent"],
        "rentals": [r for r in rows if r["transaction"] == "rent"],
    }


def send_all_now(session: Session, user: User, lead_id) -> dict:
    """P14 "Send all searches now": every match (not only new ones).

    One email for sales, one for rentals.
    """
    lead = access.get_lead(session, user, lead_id, write=True)
    if lead.status == "deleted":
        raise ServiceError("This lead is deleted; reactivate it to send listings.")
    searches = session.exec(
        select(SavedSearch)
        .where(SavedSearch.lead_id == lead.id, SavedSearch.alerts_enabled)
        .order_by(col(SavedSearch.id))
    ).all()
    if not searches:
        raise ServiceError("No saved search has daily email updates on.")
    now = utcnow()
    result = {"emails": 0, "listings": 0}
    sent_ids: set[int] = set()
    for tr, label in (("sale", "Homes for sale"), ("rent", "Rentals")):
        group = [s for s in searches if (s.transaction or "sale") == tr]
        if not group:
            continue
        listings: dict[int, Listing] = {}
        for s in group:
            c = dict(s.criteria or {})
            c["transaction"] = tr
            for listing in session.exec(
                _listing_query(c).order_by(col(Listing.updated_at).desc()).limit(MAX_SEND)
            ).all():
                listings.setdefault(listing.id, listing)
        if not listings:
            continue
        chosen = list(listings.values())[:MAX_SEND]
        lines = [
            f"- {listing.street}, {listing.city} — {money(listing.price)}, "
            f"{listing.beds} bd / {listing.baths:g} ba (MLS {listing.mls_number})"
            for listing in chosen
        ]
        body = (
            f"Hi {lead.first_name or 'there'},\n\n"
            "Here are all the listings matching your saved searches "
            f"({', '.join(s.name or criteria_text(s.criteria) for s in group)}):\n\n"
            + "\n".join(lines)
        )
        mail.queue(
            session,
            brokerage_id=lead.brokerage_id,
            lead_id=lead.id,
            to=lead.email,
            subject=f"{label}: {len(chosen)} listings matching your searches",
            body=body,
            kind="daily_update",
            created_by_id=user.id,
            saved_search_id=group[0].id if len(group) == 1 else None,
        )
        for s in group:
            s.last_alert_at = now
            session.add(s)
        for listing in chosen:
            if listing.id not in sent_ids:
                sent_ids.add(listing.id)
                session.add(
                    ListingSent(
                        lead_id=lead.id,
                        listing_id=listing.id,
                        via="email",
                        user_id=user.id,
                        created_at=now,
                    )
                )
        result["emails"] += 1
        result["listings"] += len(chosen)
    if not result["emails"]:
        raise ServiceError("No listing matches the lead's searches right now; nothing was sent.")
    audit(
        session,
        lead,
        user,
        "email_updates",
        None,
        f"{result['emails']} email(s), {result['listings']} listings",
        title="All searches sent now",
    )
    return result
