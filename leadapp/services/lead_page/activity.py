"""The Activity (P5) and Site activity (P16) tabs: the lead's website activity, paged."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import Activity, Listing, User
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.services import access
from leadapp.services.errors import ValidationFailed
from leadapp.services.rows import read, table_of

from .format import PAGE_SIZE, _page, criteria_text, fmt_dt, money, pages_of
from .types import ActivityPage, ActivityRow

SITE_KINDS = ("search", "listing_view")


@cache
def _page_statements(filtered_by: str) -> tuple[sa.Select, sa.Select]:
    """The tab's rows (columns, not entities: 20 rows of a few fields each) and count of lead
    :lead_id, for every kind (""), one :kind ("kind") or the :kinds ("kinds"); built once."""
    a, listing = table_of(Activity), table_of(Listing)
    where = [a.c.lead_id == sa.bindparam("lead_id")]
    if filtered_by == "kind":
        where.append(a.c.kind == sa.bindparam("kind"))
    elif filtered_by == "kinds":
        where.append(a.c.kind.in_(sa.bindparam("kinds", expanding=True)))
    rows = (
        sa.select(
            a.c.id,
            a.c.occurred_at,
            a.c.kind,
            a.c.details,
            a.c.mls_number,
            a.c.criteria,
            listing.c.id.label("listing_id"),
            listing.c.street,
            listing.c.city,
            listing.c.price,
            listing.c.mls_number.label("listing_mls"),
        )
        .join(listing, listing.c.id == a.c.listing_id, isouter=True)
        .where(*where)
        .order_by(a.c.occurred_at.desc(), a.c.id.desc())
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .limit(PAGE_SIZE)
    )
    return rows, sa.select(sa.func.count()).select_from(a).where(*where)


def activity_page(
    session: Session, user: User, lead_id, kind: str = "", page=0, kinds=None
) -> ActivityPage:
    """P5 / P16: the lead's website activity, newest first, filtered by kind, paged."""
    lead = access.get_lead(session, user, lead_id)
    page = _page(page)
    params: dict = {"lead_id": lead.id, "offset": page * PAGE_SIZE}
    if kind:
        if kind not in ACTIVITY_KINDS:
            raise ValidationFailed({"kind": f"'{kind}' is not an activity type."})
        q, cq = _page_statements("kind")
        params["kind"] = kind
    elif kinds:
        q, cq = _page_statements("kinds")
        params["kinds"] = list(kinds)
    else:
        q, cq = _page_statements("")
    total = int(read(session, cq, params).scalar_one())
    rows = read(session, q, params).all()
    out: list[ActivityRow] = []
    for act in rows:
        what = act.details or ""
        if act.listing_id is not None:
            what = f"{act.street}, {act.city} · {money(act.price)} · MLS {act.listing_mls}"
        elif act.mls_number:
            what = f"MLS {act.mls_number}" + (f" · {what}" if what else "")
        if act.criteria:
            what = criteria_text(act.criteria) + (f" · {act.details}" if act.details else "")
        out.append(
            {
                "id": act.id,
                "when": fmt_dt(act.occurred_at, user),
                "kind": str(act.kind),
                "kind_text": ACTIVITY_KINDS.get(act.kind, str(act.kind)),
                "what": what,
            }
        )
    return {"rows": out, "total": total, "page": page, "pages": pages_of(total)}


def site_activity_page(
    session: Session, user: User, lead_id, kind: str = "", page=0
) -> ActivityPage:
    """P16: searches the lead ran and listings they viewed."""
    if kind and kind not in SITE_KINDS:
        raise ValidationFailed({"kind": "Site activity is searches or listing views."})
    return activity_page(session, user, lead_id, kind, page, kinds=SITE_KINDS)
