"""From the lead page (P18): "Email this listing" and the showing sheet.

- `email_listings`: one email to the lead with one or several listings and a personal
  note; each listing recorded in Listings sent (via "email") and one history entry.
- `showing_sheet`: the printable sheet for a date (the listings in the order given, with
  address, price, beds/baths, MLS number and the lead's details); each listing recorded in
  Listings sent (via "showing_sheet").
Both reach the lead through access.get_lead(write=True) and refuse deleted leads.
The lead page's buttons use `listing_brief` (the "Email this listing" dialog's heading),
`listing_briefs` (the same for several listings picked in the property search),
`sheet_page` (the printable page at /leads/<id>/listing/<mls>/sheet, or for several
listings /leads/<id>/sheet?mls=A,B: read only, any user who may see the lead) and
`print_sheet` (its Print button: records each listing once, as showing_sheet).
Listings come from the shared MLS feed (no brokerage owns one); the lead is what access
checks, the listings only have to exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Lead, Listing, ListingSent, User, utcnow
from leadapp.models.enums import LISTING_STATUSES, PROPERTY_TYPES
from leadapp.models.timefmt import local, zone

from . import access, mail_render
from .daily_alerts import price_text
from .errors import NotFound, ServiceError, ValidationFailed
from .history import add_entry, message_lead
from .lead_page.types import ListingBrief, SheetListing, SheetPage
from .rows import id_of

MAX_LISTINGS = 20


def _listings(session: Session, listing_ids) -> list[Listing]:
    if not isinstance(listing_ids, list | tuple) or not listing_ids:
        raise ValidationFailed({"listings": "Choose at least one listing."})
    if len(listing_ids) > MAX_LISTINGS:
        raise ValidationFailed({"listings": f"At most {MAX_LISTINGS} listings at a time."})
    try:
        ids = list(dict.fromkeys(int(i) for i in listing_ids))
    except (TypeError, ValueError):
        raise NotFound("That listing does not exist.") from None
    found = {
        li.id: li for li in session.exec(select(Listing).where(col(Listing.id).in_(ids))).all()
    }
    if len(found) != len(ids):
        raise NotFound("That listing does not exist.")
    return [found[i] for i in ids]


def record_sent(
    session: Session, lead: Lead, user: User, listings: Iterable[Listing], via: str, now: datetime
) -> None:
    """Records each listing in the lead's Listings sent (P18), given `via` by the user at `now`."""
    for li in listings:
        session.add(
            ListingSent(
                lead_id=id_of(lead),
                listing_id=id_of(li),
                via=via,
                user_id=user.id,
                created_at=now,
            )
        )


def _line(li: Listing) -> str:
    return (
        f"- {li.street}, {li.city}, {li.state} {li.postal_code} — {price_text(li)},"
        f" {li.beds} bd / {li.baths:g} ba (MLS {li.mls_number})"
    )


def email_listings(session: Session, user: User, lead_id, listing_ids, note: str = "") -> dict:
    lead = access.get_lead(session, user, lead_id, write=True)
    if lead.status == "deleted":
        raise ServiceError("This lead is deleted; reactivate it to send listings.")
    note = str(note or "").strip()
    if len(note) > 5000:
        raise ValidationFailed({"note": "The note has at most 5,000 characters."})
    listings = _listings(session, listing_ids)
    now = utcnow()
    body = (
        f"Hi {lead.first_name or 'there'},\n\n"
        + (note + "\n\n" if note else "")
        + "\n".join(_line(li) for li in listings)
        + f"\n\n— {user.name}"
    )
    subject = (
        f"{listings[0].street}, {listings[0].city}"
        if len(listings) == 1
        else f"{len(listings)} listings for you"
    )
    message_lead(session, lead, user, subject, body, title=f"Listings emailed: {subject}")
    record_sent(session, lead, user, listings, "email", now)
    return {"listings": len(listings), "subject": subject}


def showing_sheet(session: Session, user: User, lead_id, listing_ids, day) -> dict:
    """The printable sheet's content; records each listing as shown (P18)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    if lead.status == "deleted":
        raise ServiceError("This lead is deleted; reactivate it to plan showings.")
    try:
        when = day if isinstance(day, date) else date.fromisoformat(str(day))
    except ValueError:
        raise ValidationFailed({"date": "A date (YYYY-MM-DD)."}) from None
    listings = _listings(session, listing_ids)
    record_sent(session, lead, user, listings, "showing_sheet", utcnow())
    add_entry(
        session,
        lead,
        user,
        "note",
        title=f"Showing sheet for {when:%b %-d, %Y}",
        body="\n".join(_line(li) for li in listings),
    )
    return {
        "lead": f"{lead.first_name} {lead.last_name}".strip() or lead.email,
        "phone": lead.phone,
        "email": lead.email,
        "agent": user.name,
        "date": when.strftime("%A, %B %-d, %Y"),
        "listings": [
            {
                "n": i + 1,
                "address": f"{li.street}, {li.city}, {li.state} {li.postal_code}",
                "price": price_text(li),
                "beds_baths": f"{li.beds} bd / {li.baths:g} ba",
                "sqft": f"{li.sqft:,} sq ft" if li.sqft else "",
                "mls": li.mls_number,
            }
            for i, li in enumerate(listings)
        ],
    }


def mls_list(mls) -> list[str]:
    """MLS numbers from "A,B" or a list: trimmed, without repeats, in the order given."""
    items = mls if isinstance(mls, list | tuple) else str(mls or "").split(",")
    return list(dict.fromkeys(m for m in (str(i or "").strip()[:32] for i in items) if m))


def _by_mls(session: Session, mls) -> list[Listing]:
    """The listings of one or several MLS numbers (at most MAX_LISTINGS), in that order."""
    numbers = mls_list(mls)
    if len(numbers) > MAX_LISTINGS:
        raise ValidationFailed({"listings": f"At most {MAX_LISTINGS} listings at a time."})
    found = (
        {
            li.mls_number: li
            for li in session.exec(
                select(Listing).where(col(Listing.mls_number).in_(numbers))
            ).all()
        }
        if numbers
        else {}
    )
    if not numbers or len(found) != len(numbers):
        raise NotFound("That listing does not exist.")
    return [found[m] for m in numbers]


def _day(day) -> date:
    if day in (None, ""):
        return utcnow().date()
    try:
        return day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    except ValueError:
        raise ValidationFailed({"date": "A date (YYYY-MM-DD)."}) from None


def listing_brief(session: Session, user: User, lead_id, listing_id) -> ListingBrief:
    """What the "Email this listing" dialog names (the lead must be one the user may change)."""
    return listing_briefs(session, user, lead_id, [listing_id])[0]


def listing_briefs(session: Session, user: User, lead_id, listing_ids) -> list[ListingBrief]:
    """What the dialog names for several listings (at most MAX_LISTINGS), in that order."""
    access.get_lead(session, user, lead_id, write=True)
    return [
        {
            "id": li.id or 0,
            "address": f"{li.street}, {li.city}",
            "price": price_text(li),
            "mls": li.mls_number,
        }
        for li in _listings(session, listing_ids)
    ]


def _sheet_listing(li: Listing, tz: ZoneInfo) -> SheetListing:
    oh = ""
    if li.open_house_start is not None:
        # in the brokerage's zone, where the house is, with the zone's name
        oh = f"{local(li.open_house_start, tz):%a %b %-d, %-I:%M %p %Z}"
    return {
        "address": li.street,
        "place": f"{li.city}, {li.state} {li.postal_code}",
        "price": price_text(li),
        "beds": str(li.beds),
        "baths": f"{li.baths:g}",
        "sqft": f"{li.sqft:,}" if li.sqft else "",
        "type": PROPERTY_TYPES.get(li.property_type, li.property_type),
        "status": LISTING_STATUSES.get(li.status, li.status),
        "listed": f"{li.list_date:%b %-d, %Y}",
        "mls": li.mls_number,
        "photo_url": li.photo_url or "",
        "open_house": oh,
    }


def sheet_page(session: Session, user: User, lead_id, mls, day=None) -> SheetPage:
    """The printable showing sheet (P18) of one or several listings (MLS numbers, "A,B" or
    a list) for a lead and a date; reads only."""
    lead = access.get_lead(session, user, lead_id)
    when = _day(day)
    listings = _by_mls(session, mls)
    brokerage = session.get(Brokerage, lead.brokerage_id)
    ident = mail_render.identity(session, lead.brokerage_id)
    return {
        "brokerage": brokerage.name if brokerage else "",
        "logo_url": ident.logo_url,
        "postal_address": ident.postal_address,
        "agent": user.name,
        "agent_phone": user.phone,
        "agent_email": user.email,
        "signature": user.email_signature,
        "lead": f"{lead.first_name} {lead.last_name}".strip() or lead.email,
        "lead_phone": lead.phone,
        "lead_email": lead.email,
        "day": when.isoformat(),
        "date": when.strftime("%A, %B %-d, %Y"),
        "listings": [
            _sheet_listing(li, zone(brokerage.timezone if brokerage else None)) for li in listings
        ],
    }


def print_sheet(session: Session, user: User, lead_id, mls, day) -> dict:
    """The sheet's Print button: records each listing as shown on that date (P18)."""
    listings = _by_mls(session, mls)
    return showing_sheet(session, user, lead_id, [li.id for li in listings], _day(day))
