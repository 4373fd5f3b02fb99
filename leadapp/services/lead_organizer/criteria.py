"""Property-search criteria (the dialog's form, checked) and the listings they match."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Favorite, Listing, User
from leadapp.models.enums import PROPERTY_TYPES

from .. import access
from ..errors import ValidationFailed
from ..lead_page.format import _page, criteria_text, money
from ..lead_page.types import FoundListing, ListingRow, ListingSearch
from ..rows import id_of
from ..validation import check_money, clean

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


def listing_query(c: dict):
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


def listing_row(listing: Listing) -> ListingRow:
    return {
        "id": id_of(listing),
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
    q = listing_query(c)
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
        {**listing_row(listing), "favorite": listing.id in faved} for listing in rows
    ]
    return {
        "rows": found,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // SEARCH_PAGE)),
        "criteria": criteria_text(c),
    }
