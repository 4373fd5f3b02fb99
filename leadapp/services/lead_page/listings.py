"""The Listings sent (P18) and Tool use (P15) tabs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, HistoryEntry, Listing, ListingSent, Task, User, as_utc
from leadapp.models.enums import ACTIVITY_KINDS, CONTACT_KINDS
from leadapp.services import access
from leadapp.services.rows import count_rows, id_of

from .format import PAGE_SIZE, _page, _user_names, fmt_dt, money, pages_of
from .types import ListingsSentPage, ToolUse

FORM_KINDS = ("info_request", "valuation_request", "contact_request", "showing_request")


def listings_sent_page(session: Session, user: User, lead_id, page=0) -> ListingsSentPage:
    """P18: listings emailed to the lead or put on a showing sheet."""
    lead = access.get_lead(session, user, lead_id)
    page = _page(page)
    total = count_rows(session, ListingSent, col(ListingSent.lead_id) == lead.id)
    rows = session.exec(
        select(ListingSent, Listing)
        .join(Listing, col(Listing.id) == ListingSent.listing_id)
        .where(ListingSent.lead_id == lead.id)
        .order_by(col(ListingSent.created_at).desc(), col(ListingSent.id).desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    names = _user_names(session, {s.user_id for s, _ in rows})
    return {
        "rows": [
            {
                "id": id_of(s),
                "listing_id": s.listing_id,
                "when": fmt_dt(s.created_at, user),
                "address": f"{listing.street}, {listing.city}",
                "price": money(listing.price),
                "mls": listing.mls_number,
                "beds": listing.beds,
                "baths": f"{listing.baths:g}",
                "via": "Showing sheet" if s.via == "showing_sheet" else "Emailed",
                "who": names.get(s.user_id or 0, "System"),
            }
            for s, listing in rows
        ],
        "total": total,
        "page": page,
        "pages": pages_of(total),
    }


def tool_use(session: Session, user: User, lead_id) -> ToolUse:
    """P15: agent contacts, scheduled showings, emailed listings, form submissions."""
    lead = access.get_lead(session, user, lead_id)

    def one(q):
        n, last = session.exec(q).one()
        return int(n or 0), fmt_dt(as_utc(last), user)

    contacts = one(
        select(sa.func.count(), sa.func.max(HistoryEntry.created_at)).where(
            HistoryEntry.lead_id == lead.id, col(HistoryEntry.kind).in_(CONTACT_KINDS)
        )
    )
    showings = one(
        select(sa.func.count(), sa.func.max(Task.due_at)).where(
            Task.lead_id == lead.id, Task.kind == "showing"
        )
    )
    showing_req = one(
        select(sa.func.count(), sa.func.max(Activity.occurred_at)).where(
            Activity.lead_id == lead.id, Activity.kind == "showing_request"
        )
    )
    emailed = one(
        select(sa.func.count(), sa.func.max(ListingSent.created_at)).where(
            ListingSent.lead_id == lead.id, ListingSent.via == "email"
        )
    )
    forms = one(
        select(sa.func.count(), sa.func.max(Activity.occurred_at)).where(
            Activity.lead_id == lead.id, col(Activity.kind).in_(FORM_KINDS)
        )
    )
    recent_forms = session.exec(
        select(Activity)
        .where(Activity.lead_id == lead.id, col(Activity.kind).in_(FORM_KINDS))
        .order_by(col(Activity.occurred_at).desc())
        .limit(10)
    ).all()
    return {
        "rows": [
            {
                "key": "contacts",
                "label": "Agent contacts (calls, quick events, messages)",
                "count": contacts[0],
                "last": contacts[1],
            },
            {
                "key": "showings",
                "label": "Scheduled showings",
                "count": showings[0],
                "last": showings[1],
            },
            {
                "key": "showing_requests",
                "label": "Showing requests from the website",
                "count": showing_req[0],
                "last": showing_req[1],
            },
            {
                "key": "emailed",
                "label": "Emailed listings",
                "count": emailed[0],
                "last": emailed[1],
            },
            {"key": "forms", "label": "Form submissions", "count": forms[0], "last": forms[1]},
        ],
        "forms": [
            {
                "when": fmt_dt(a.occurred_at, user),
                "kind_text": ACTIVITY_KINDS.get(a.kind, a.kind),
                "details": a.details or (f"MLS {a.mls_number}" if a.mls_number else ""),
            }
            for a in recent_forms
        ],
    }
