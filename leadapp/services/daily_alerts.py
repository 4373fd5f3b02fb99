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
from sqlmodel import Session, col, select

from leadapp.models import (
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
from .bulk import chunked, db_value, insert_rows

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


def price_text(li) -> str:
    """A listing's price as shown ("$1,200,000", "$3,500/month"); any object with `price`
    and `transaction` (a Listing or a row)."""
    return f"${li.price:,}" + ("/month" if li.transaction == "rent" else "")


def _card(li) -> str:
    """One listing's line in an alert email (built once per listing per run)."""
    return (
        f"- {li.street}, {li.city} — {price_text(li)}, {li.beds} bd / {li.baths:g} ba"
        f" (MLS {li.mls_number})"
    )


def _body(first_name: str, agent_name: str, label: str, cards: str, names) -> str:
    return (
        f"Hi {first_name or 'there'},\n\n{label} new or updated in the last day that match"
        f" your saved searches ({', '.join(names)}):\n\n" + cards + f"\n\n— {agent_name}"
    )


def _rows_by_id(session: Session, stmt_of, ids: list[int]) -> dict:
    """{id: row} of `stmt_of(part)` over `ids` in IN-lists of 500."""
    out = {}
    for part in chunked(ids, 500):
        for row in session.execute(stmt_of(part)):
            out[row[0]] = row
    return out


def send_for_brokerage(session: Session, b: Brokerage, now: datetime, period: str) -> int:
    """Match, claim and queue one brokerage's alerts for `period` (its local date).

    Set-based after the match: the claims in one executemany, the leads, listings and
    search names read in IN-lists, each listing's card built once and each distinct set of
    cards joined once, the emails in one multi-row INSERT (mail.queue_many), their links,
    Listings sent rows and alert items in one driver-level executemany each.
    """
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
    order = sorted(keys[k] for k in taken)
    chosen = {lt: groups[lt] for lt in order}
    lead_ids = sorted({lead for lead, _ in chosen})
    leads = _rows_by_id(
        session,
        lambda part: (
            sa.select(Lead.id, Lead.first_name, Lead.email, User.name)
            .outerjoin(User, col(User.id) == Lead.assigned_agent_id)
            .where(col(Lead.id).in_(part))
        ),
        lead_ids,
    )
    listing_ids = sorted({lid for g in chosen.values() for lid in g["listings"]})
    listings = _rows_by_id(
        session,
        lambda part: sa.select(
            Listing.id,
            Listing.street,
            Listing.city,
            Listing.price,
            Listing.transaction,
            Listing.beds,
            Listing.baths,
            Listing.mls_number,
        ).where(col(Listing.id).in_(part)),
        listing_ids,
    )
    search_ids = sorted({sid for g in chosen.values() for sid in g["searches"]})
    names = {
        sid: row[1] or "your search"
        for sid, row in _rows_by_id(
            session,
            lambda part: sa.select(SavedSearch.id, SavedSearch.name).where(
                col(SavedSearch.id).in_(part)
            ),
            search_ids,
        ).items()
    }
    cards = {lid: _card(row) for lid, row in listings.items()}
    card_sets: dict[tuple[int, ...], str] = {}  # many leads get the same listings
    queued = []
    for (lead_id, tr), g in chosen.items():
        sent = tuple(sorted(g["listings"]))
        text = card_sets.get(sent)
        if text is None:
            text = card_sets[sent] = "\n".join(cards[lid] for lid in sent)
        _, first_name, email, agent = leads[lead_id]
        label = "Rentals" if tr == "rent" else "Homes for sale"
        sids = sorted(g["searches"])
        queued.append(
            {
                "brokerage_id": b.id,
                "lead_id": lead_id,
                "to_address": email,
                "subject": f"{label}: {len(sent)} new or updated listing"
                + ("s" if len(sent) != 1 else ""),
                "body": _body(first_name, agent or b.name, label, text, [names[s] for s in sids]),
                "kind": "alert",
                "saved_search_id": sids[0],
            }
        )
    email_ids = dict(zip(chosen, mail.queue_many(session, queued), strict=True))
    links, sent_rows, items = [], [], []
    conn = session.connection()
    at = db_value(conn, ListingSent.__table__.c.created_at, now)
    for (lead_id, tr), g in chosen.items():
        eid = email_ids[(lead_id, tr)]
        links += [(eid, s) for s in sorted(g["searches"])]
        for lid in sorted(g["listings"]):
            sent_rows.append((lead_id, lid, "email", at))
            items += [(sid, lid, cid, at) for sid, cid in g["listings"][lid]]
    insert_rows(conn, "alert_email_search", ("email_id", "saved_search_id"), links)
    insert_rows(conn, "listing_sent", ("lead_id", "listing_id", "via", "created_at"), sent_rows)
    # a (search, listing) sent before moves forward to the change sent now
    insert_rows(
        conn,
        "alert_item",
        ("saved_search_id", "listing_id", "change_id", "sent_at"),
        items,
        on_conflict="ON CONFLICT (saved_search_id, listing_id) DO UPDATE"
        " SET change_id = excluded.change_id, sent_at = excluded.sent_at",
    )
    ss = SavedSearch.__table__
    for part in chunked(search_ids, 500):
        session.execute(ss.update().where(ss.c.id.in_(part)).values(last_alert_at=now))
    send_claims.note_emails(session, {k: email_ids[keys[k]] for k in taken})
    return len(email_ids)


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
