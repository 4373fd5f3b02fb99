"""A lead's saved searches (P7) and their email updates (P14): add, change, delete, send now."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import Lead, Listing, SavedSearch, User, utcnow

from .. import access, mail
from ..errors import PermissionDenied, ServiceError, ValidationFailed, get_owned
from ..history import audit
from ..lead_page.format import criteria_text, fmt_dt, money
from ..lead_page.types import EmailUpdates, SavedSearchRow
from ..lead_subscriptions import recount
from ..listing_mail import record_sent
from ..rows import count_rows, id_of
from ..validation import clean
from .criteria import CRITERIA_KEYS, check_criteria, listing_query

MAX_SEND = 200  # listings per email of "send all now"


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
            "id": id_of(s),
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


def _name(form) -> str:
    """A saved search's name from the dialog (empty: named after its criteria)."""
    name = clean((form or {}).get("name"))
    if len(name) > 200:
        raise ValidationFailed({"name": "The name has at most 200 characters."})
    return name


def lead_search(session: Session, lead: Lead, search_id) -> SavedSearch:
    """The lead's saved search `search_id` (NotFound for a bad id or another lead's)."""
    return get_owned(
        session,
        SavedSearch,
        search_id,
        lambda s: s.lead_id == lead.id,
        "That saved search does not exist.",
    )


def _agents_search(
    session: Session, user: User, lead_id, search_id, action: str
) -> tuple[Lead, SavedSearch]:
    """The lead (to change) and its saved search, refused when the lead made it on the website."""
    lead = access.get_lead(session, user, lead_id, write=True)
    s = lead_search(session, lead, search_id)
    if s.created_by == "lead":
        raise PermissionDenied(
            f"The lead saved this search on the website; only they can {action}."
        )
    return lead, s


def _saved(
    session: Session, lead: Lead, user: User, s: SavedSearch, old: str | None, new: str, title: str
) -> SavedSearch:
    """The saved search `s` added or changed: its history entry `title`, then the lead's counts."""
    audit(session, lead, user, "saved_search", old, new, title=title)
    recount(session, lead)
    return s


def add_saved_search(
    session: Session, user: User, lead_id, form: dict, alerts: bool = True
) -> SavedSearch:
    """Save the dialog's criteria for the lead (shown to them in their organizer)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    c = check_criteria(form)
    name = _name(form)
    n = count_rows(session, SavedSearch, col(SavedSearch.lead_id) == lead.id)
    if n >= 50:
        raise ServiceError("A lead can have at most 50 saved searches.")
    s = SavedSearch(
        lead_id=id_of(lead),
        name=name or criteria_text(c),
        criteria=c,
        transaction=c["transaction"],
        alerts_enabled=bool(alerts),
        created_by="agent",
        created_by_user_id=user.id,
        created_at=utcnow(),
    )
    session.add(s)
    return _saved(
        session,
        lead,
        user,
        s,
        None,
        s.name + (" (alerts on)" if alerts else ""),
        "Saved search added",
    )


def update_saved_search(
    session: Session, user: User, lead_id, search_id, form: dict, alerts: bool
) -> SavedSearch:
    """P14 "Update this search criteria": new criteria, name and the daily-update box.

    Only searches an agent made can be updated.
    """
    lead, s = _agents_search(session, user, lead_id, search_id, "change its criteria")
    c = check_criteria(form)
    name = _name(form)
    old = f"{s.name}: {criteria_text(s.criteria)}"
    s.criteria, s.transaction, s.name = c, c["transaction"], name or criteria_text(c)
    s.alerts_enabled = bool(alerts)
    session.add(s)
    new = f"{s.name}: {criteria_text(c)}" + (" (alerts on)" if alerts else "")
    return _saved(session, lead, user, s, old, new, "Saved search updated")


def set_alerts(session: Session, user: User, lead_id, search_id, on: bool) -> SavedSearch:
    """Email alerts / daily updates on or off, without deleting the search."""
    lead = access.get_lead(session, user, lead_id, write=True)
    s = lead_search(session, lead, search_id)
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
    lead, s = _agents_search(session, user, lead_id, search_id, "delete it")
    remove_search(session, lead, user, s, "Saved search deleted")


def remove_search(
    session: Session, lead: Lead, actor: User | None, s: SavedSearch, title: str
) -> None:
    """Delete the lead's saved search `s`: its history entry `title`, then the lead's counts."""
    audit(
        session,
        lead,
        actor,
        "saved_search",
        s.name or criteria_text(s.criteria),
        None,
        title=title,
    )
    session.delete(s)
    recount(session, lead)


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
                listing_query(c).order_by(col(Listing.updated_at).desc()).limit(MAX_SEND)
            ).all():
                listings.setdefault(id_of(listing), listing)
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
        record_sent(
            session, lead, user, [li for li in chosen if li.id not in sent_ids], "email", now
        )
        sent_ids.update(id_of(li) for li in chosen)
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
