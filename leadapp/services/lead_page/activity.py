"""The Activity (P5) and Site activity (P16) tabs: the lead's website activity, paged."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, Listing, User
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.services import access
from leadapp.services.errors import ValidationFailed

from .format import PAGE_SIZE, _page, criteria_text, fmt_dt, money, pages_of
from .types import ActivityPage, ActivityRow

SITE_KINDS = ("search", "listing_view")


def activity_page(
    session: Session, user: User, lead_id, kind: str = "", page=0, kinds=None
) -> ActivityPage:
    """P5 / P16: the lead's website activity, newest first, filtered by kind, paged."""
    lead = access.get_lead(session, user, lead_id)
    page = _page(page)
    # Columns, not entities: the page shows 20 rows of a few fields each.
    q = (
        sa.select(
            col(Activity.id),
            col(Activity.occurred_at),
            col(Activity.kind),
            col(Activity.details),
            col(Activity.mls_number),
            col(Activity.criteria),
            col(Listing.id).label("listing_id"),
            col(Listing.street),
            col(Listing.city),
            col(Listing.price),
            col(Listing.mls_number).label("listing_mls"),
        )
        .join(Listing, col(Listing.id) == col(Activity.listing_id), isouter=True)
        .where(col(Activity.lead_id) == lead.id)
    )
    cq = select(sa.func.count()).select_from(Activity).where(Activity.lead_id == lead.id)
    if kind:
        if kind not in ACTIVITY_KINDS:
            raise ValidationFailed({"kind": f"'{kind}' is not an activity type."})
        q, cq = q.where(col(Activity.kind) == kind), cq.where(Activity.kind == kind)
    elif kinds:
        q, cq = q.where(col(Activity.kind).in_(kinds)), cq.where(col(Activity.kind).in_(kinds))
    total = int(session.exec(cq).one())
    rows = session.execute(
        q.order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
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
