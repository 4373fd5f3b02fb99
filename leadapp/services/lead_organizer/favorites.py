"""A lead's favourites (P7): the saved listings, sorted; add and remove."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import Favorite, Lead, Listing, User

from .. import access
from ..errors import PermissionDenied, ServiceError, ValidationFailed, get_owned
from ..history import audit
from ..lead_page.format import fmt_dt
from ..lead_page.types import FavoriteRow
from ..rows import get_row, id_of
from .criteria import listing_row

FAVORITE_SORTS = {
    "newest": (col(Favorite.created_at).desc(),),
    "price_asc": (col(Listing.price).asc(),),
    "price_desc": (col(Listing.price).desc(),),
    "beds": (col(Listing.beds).desc(), col(Listing.price).asc()),
}


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
            **listing_row(listing),
            "fav_id": id_of(f),
            "by_lead": f.created_by == "lead",
            "added": fmt_dt(f.created_at, user),
            "can_delete": can and f.created_by != "lead",
        }
        for f, listing in rows
    ]


def add_favorite(session: Session, user: User, lead_id, listing_id) -> Favorite:
    lead = access.get_lead(session, user, lead_id, write=True)
    # listings are the shared feed: any stored one may be added
    listing = get_owned(
        session, Listing, listing_id, lambda _: True, "That listing does not exist."
    )
    if session.exec(
        select(Favorite).where(Favorite.lead_id == lead.id, Favorite.listing_id == listing.id)
    ).first():
        raise ServiceError("That listing is already a favourite.")
    f = Favorite(
        lead_id=id_of(lead),
        listing_id=id_of(listing),
        created_by="agent",
        created_by_user_id=user.id,
    )
    session.add(f)
    audit(
        session,
        lead,
        user,
        "favorite",
        None,
        _label(listing),
        title="Favourite added",
    )
    return f


def lead_favorite(session: Session, lead: Lead, fav_id) -> Favorite:
    """The lead's favourite `fav_id` (NotFound for a bad id or another lead's)."""
    return get_owned(
        session, Favorite, fav_id, lambda f: f.lead_id == lead.id, "That favourite does not exist."
    )


def delete_favorite(session: Session, user: User, lead_id, fav_id) -> None:
    lead = access.get_lead(session, user, lead_id, write=True)
    f = lead_favorite(session, lead, fav_id)
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
        _label(listing),
        None,
        title="Favourite removed",
    )
    session.delete(f)


def _label(listing: Listing) -> str:
    """A favourite's listing as its history entry names it."""
    return f"{listing.street}, {listing.city} (MLS {listing.mls_number})"
