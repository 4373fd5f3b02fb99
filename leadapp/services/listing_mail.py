"""From the lead page (P18): "Email this listing" and the showing sheet.

- `email_listings`: one email to the lead with one or several listings and a personal
  note; each listing recorded in Listings sent (via "email") and one history entry.
- `showing_sheet`: the printable sheet for a date (the listings in the order given, with
  address, price, beds/baths, MLS number and the lead's details); each listing recorded in
  Listings sent (via "showing_sheet").
Both reach the lead through access.get_lead(write=True) and refuse deleted leads.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from leadapp.models import Listing, ListingSent, User, utcnow

from . import access, mail
from .daily_alerts import price_text
from .errors import NotFound, ServiceError, ValidationFailed
from .history import add_entry

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
    found = {li.id: li for li in session.exec(select(Listing).where(Listing.id.in_(ids))).all()}
    if len(found) != len(ids):
        raise NotFound("That listing does not exist.")
    return [found[i] for i in ids]


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
    entry = add_entry(
        session, lead, user, "message", title=f"Listings emailed: {subject}", body=body
    )
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
    for li in listings:
        session.add(
            ListingSent(
                lead_id=lead.id, listing_id=li.id, via="email", user_id=user.id, created_at=now
            )
        )
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
    now = utcnow()
    for li in listings:
        session.add(
            ListingSent(
                lead_id=lead.id,
                listing_id=li.id,
                via="showing_sheet",
                user_id=user.id,
                created_at=now,
            )
        )
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
