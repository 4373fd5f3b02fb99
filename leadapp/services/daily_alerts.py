"""Daily email alerts from saved searches (P14, C3).

Once a day, at the brokerage's alert hour in its time zone, every saved search with alerts
on gets the active listings that are new or changed (new, price change, status change,
back on market) in the 24 hours before the run and match its criteria. The matching is one
SQL statement per brokerage (the criteria are read from the saved search's JSON in the
database); a listing already sent for that search is left out unless it changed since.
Each lead gets at most two emails a day, one for sales and one for rentals, each claimed
under `alert:<lead>:<sale|rent>:<local date>` before it is queued (services/send_claims),
so a second run, a restart or a second worker never sends again. Every listing sent is
recorded in the lead's Listings sent (P18); the email is linked to each search it answers
(the Subscriptions tab's "emails in the last 30 days").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from leadapp.models import (
    AlertEmailSearch,
    AlertItem,
    Brokerage,
    CommSettings,
    Lead,
    Listing,
    ListingChange,
    ListingSent,
    SavedSearch,
    User,
)

from . import mail, send_claims

WINDOW = timedelta(hours=24)
ALERT_CHANGES = ("new", "price", "status", "back_on_market")
MAX_PER_EMAIL = 50
SENDABLE = ("new", "active")
DEFAULT_ALERT_HOUR = 7


def settings_of(session: Session, brokerage_id: int) -> CommSettings:
    row = session.get(CommSettings, brokerage_id)
    return row or CommSettings(brokerage_id=brokerage_id, greetings={})


def match_statement(brokerage_id: int, since: datetime, until: datetime):
    """(search id, lead id, transaction, listing id, change id) for every alerts-on search of the
    brokerage and every active listing changed in (since, until] that matches it and was not
    sent for it at that change or later; at most MAX_PER_EMAIL listings per lead and
    transaction.

    Both sides are materialised first (the searches with their criteria read out of the JSON
    once, the changed listings with their latest change), then joined on transaction and city
    (an equality join the database can hash or index), plus the searches without a city."""
    lc = ListingChange
    latest = (
        select(lc.listing_id.label("listing_id"), sa.func.max(lc.id).label("change_id"))
        .where(lc.changed_at > since, lc.changed_at <= until, lc.kind.in_(ALERT_CHANGES))
        .group_by(lc.listing_id)
        .subquery()
    )
    cand = (
        select(
            Listing.id.label("listing_id"),
            Listing.transaction.label("tr"),
            sa.func.lower(Listing.city).label("city"),
            Listing.property_type.label("ptype"),
            Listing.price.label("price"),
            Listing.beds.label("beds"),
            Listing.baths.label("baths"),
            latest.c.change_id,
        )
        .join(latest, latest.c.listing_id == Listing.id)
        .where(Listing.status == "active")
        .cte("alert_cand")
        .prefix_with("MATERIALIZED")
    )
    crit = SavedSearch.__table__.c.criteria
    sc = (
        select(
            SavedSearch.id.label("search_id"),
            SavedSearch.lead_id.label("lead_id"),
            SavedSearch.transaction.label("tr"),
            sa.func.lower(crit["city"].as_string()).label("city"),
            crit["property_type"].as_string().label("ptype"),
            crit["min_price"].as_integer().label("lo"),
            crit["max_price"].as_integer().label("hi"),
            crit["min_beds"].as_float().label("beds"),
            crit["min_baths"].as_float().label("baths"),
        )
        .join(Lead, Lead.id == SavedSearch.lead_id)
        .where(
            SavedSearch.alerts_enabled,
            Lead.brokerage_id == brokerage_id,
            Lead.status.in_(SENDABLE),
            Lead.email != "",
        )
        .cte("alert_sc")
        .prefix_with("MATERIALIZED")
    )
    rest = (
        sa.or_(sc.c.ptype.is_(None), cand.c.ptype == sc.c.ptype),
        sa.or_(sc.c.lo.is_(None), cand.c.price >= sc.c.lo),
        sa.or_(sc.c.hi.is_(None), cand.c.price <= sc.c.hi),
        sa.or_(sc.c.beds.is_(None), cand.c.beds >= sc.c.beds),
        sa.or_(sc.c.baths.is_(None), cand.c.baths >= sc.c.baths),
    )
    cols = (sc.c.search_id, sc.c.lead_id, sc.c.tr, cand.c.listing_id, cand.c.change_id)
    pairs = sa.union_all(
        select(*cols)
        .select_from(cand)
        .join(sc, sa.and_(sc.c.tr == cand.c.tr, sc.c.city == cand.c.city))
        .where(*rest),
        select(*cols)
        .select_from(cand)
        .join(sc, sa.and_(sc.c.tr == cand.c.tr, sc.c.city.is_(None)))
        .where(*rest),
    ).subquery()
    ranked = (
        select(
            pairs.c.search_id,
            pairs.c.lead_id,
            pairs.c.tr,
            pairs.c.listing_id,
            pairs.c.change_id,
            sa.func.dense_rank()
            .over(partition_by=(pairs.c.lead_id, pairs.c.tr), order_by=pairs.c.listing_id)
            .label("rank"),
        )
        .outerjoin(
            AlertItem,
            sa.and_(
                AlertItem.saved_search_id == pairs.c.search_id,
                AlertItem.listing_id == pairs.c.listing_id,
            ),
        )
        .where(sa.or_(AlertItem.id.is_(None), AlertItem.change_id < pairs.c.change_id))
        .subquery()
    )
    return select(
        ranked.c.search_id, ranked.c.lead_id, ranked.c.tr, ranked.c.listing_id, ranked.c.change_id
    ).where(ranked.c.rank <= MAX_PER_EMAIL)


def price_text(li: Listing) -> str:
    return f"${li.price:,}" + ("/month" if li.transaction == "rent" else "")


def _body(lead: Lead, agent_name: str, label: str, listings: list[Listing], names) -> str:
    lines = [
        f"- {li.street}, {li.city} — {price_text(li)}, {li.beds} bd / {li.baths:g} ba"
        f" (MLS {li.mls_number})"
        for li in listings
    ]
    return (
        f"Hi {lead.first_name or 'there'},\n\n{label} new or updated in the last day that match"
        f" your saved searches ({', '.join(names)}):\n\n" + "\n".join(lines) + f"\n\n— {agent_name}"
    )


def _upsert_items(session: Session, rows: list[dict]) -> None:
    """Insert or move forward (search, listing) -> change rows: one executemany."""
    if not rows:
        return
    mod = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = mod.insert(AlertItem.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["saved_search_id", "listing_id"],
        set_={"change_id": stmt.excluded.change_id, "sent_at": stmt.excluded.sent_at},
    )
    session.execute(stmt, rows)


def send_for_brokerage(session: Session, b: Brokerage, now: datetime, period: str) -> int:
    """Match, claim and queue one brokerage's alerts for `period` (its local date)."""
    rows = session.execute(match_statement(b.id, now - WINDOW, now)).all()
    if not rows:
        return 0
    groups: dict[tuple[int, str], dict] = defaultdict(lambda: {"listings": {}, "searches": {}})
    for sid, lead_id, tr, listing_id, change_id in rows:
        g = groups[(lead_id, tr or "sale")]
        g["listings"].setdefault(listing_id, []).append((sid, change_id))
        g["searches"][sid] = True
    keys = {f"alert:{lead}:{tr}:{period}": (lead, tr) for lead, tr in groups}
    taken = send_claims.claim(session, keys, "alert")
    if not taken:
        return 0
    chosen = {keys[k]: groups[keys[k]] for k in taken}
    lead_ids = sorted({lead for lead, _ in chosen})
    leads, agents, listings, searches = {}, {}, {}, {}
    for i in range(0, len(lead_ids), 500):
        part = lead_ids[i : i + 500]
        for lead, agent in session.execute(
            select(Lead, User.name)
            .outerjoin(User, User.id == Lead.assigned_agent_id)
            .where(Lead.id.in_(part))
        ).all():
            leads[lead.id], agents[lead.id] = lead, agent or b.name
    for g in chosen.values():
        g["sent"] = sorted(g["listings"])
    listing_ids = sorted({lid for g in chosen.values() for lid in g["sent"]})
    for i in range(0, len(listing_ids), 500):
        for li in session.exec(select(Listing).where(Listing.id.in_(listing_ids[i : i + 500]))):
            listings[li.id] = li
    search_ids = sorted({sid for g in chosen.values() for sid in g["searches"]})
    for i in range(0, len(search_ids), 500):
        for sid, name in session.execute(
            select(SavedSearch.id, SavedSearch.name).where(
                SavedSearch.id.in_(search_ids[i : i + 500])
            )
        ).all():
            searches[sid] = name
    emails = {}
    for (lead_id, tr), g in chosen.items():
        lead = leads[lead_id]
        label = "Rentals" if tr == "rent" else "Homes for sale"
        sent = [listings[lid] for lid in g["sent"]]
        sids = sorted(g["searches"])
        emails[(lead_id, tr)] = mail.queue(
            session,
            brokerage_id=b.id,
            lead_id=lead_id,
            to=lead.email,
            subject=f"{label}: {len(sent)} new or updated listing{'s' if len(sent) != 1 else ''}",
            body=_body(
                lead, agents[lead_id], label, sent, [searches[s] or "your search" for s in sids]
            ),
            kind="alert",
            saved_search_id=sids[0],
        )
    session.flush()
    links, sent_rows, items = [], [], []
    for (lead_id, tr), g in chosen.items():
        eid = emails[(lead_id, tr)].id
        links += [{"email_id": eid, "saved_search_id": s} for s in sorted(g["searches"])]
        for lid in g["sent"]:
            sent_rows.append(
                {"lead_id": lead_id, "listing_id": lid, "via": "email", "created_at": now}
            )
            items += [
                {"saved_search_id": sid, "listing_id": lid, "change_id": cid, "sent_at": now}
                for sid, cid in g["listings"][lid]
            ]
    session.execute(AlertEmailSearch.__table__.insert(), links)
    session.execute(ListingSent.__table__.insert(), sent_rows)
    _upsert_items(session, items)
    ss = SavedSearch.__table__
    for i in range(0, len(search_ids), 500):
        session.execute(
            ss.update().where(ss.c.id.in_(search_ids[i : i + 500])).values(last_alert_at=now)
        )
    send_claims.note_emails(session, {k: emails[keys[k]].id for k in taken})
    return len(emails)


def send_daily(session: Session, now: datetime) -> int:
    """The job: every brokerage whose local alert hour has come and that has not run today."""
    total = 0
    for b in session.exec(select(Brokerage).order_by(Brokerage.id)).all():
        local = now.astimezone(ZoneInfo(b.timezone))
        if local.hour < settings_of(session, b.id).alert_hour:
            continue
        period = local.date().isoformat()
        if not send_claims.claim(session, [f"alert-run:{b.id}:{period}"], "alert_run"):
            continue
        total += send_for_brokerage(session, b, now, period)
    return total
