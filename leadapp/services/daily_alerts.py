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

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

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
from .bulk import chunked, insert_rows
from .rows import id_of, table_of

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
        sa.select(
            col(lc.listing_id).label("listing_id"), sa.func.max(col(lc.id)).label("change_id")
        )
        .where(
            col(lc.changed_at) > since, col(lc.changed_at) <= until, col(lc.kind).in_(ALERT_CHANGES)
        )
        .group_by(col(lc.listing_id))
        .subquery()
    )
    cand = (
        sa.select(
            col(Listing.id).label("listing_id"),
            col(Listing.transaction).label("tr"),
            sa.func.lower(col(Listing.city)).label("city"),
            col(Listing.property_type).label("ptype"),
            col(Listing.price).label("price"),
            col(Listing.beds).label("beds"),
            col(Listing.baths).label("baths"),
            latest.c.change_id,
        )
        .join(latest, latest.c.listing_id == col(Listing.id))
        .where(col(Listing.status) == "active")
        .cte("alert_cand")
        .prefix_with("MATERIALIZED")
    )
    crit = table_of(SavedSearch).c.criteria
    sc = (
        sa.select(
            col(SavedSearch.id).label("search_id"),
            col(SavedSearch.lead_id).label("lead_id"),
            col(SavedSearch.transaction).label("tr"),
            sa.func.lower(crit["city"].as_string()).label("city"),
            crit["property_type"].as_string().label("ptype"),
            crit["min_price"].as_integer().label("lo"),
            crit["max_price"].as_integer().label("hi"),
            crit["min_beds"].as_float().label("beds"),
            crit["min_baths"].as_float().label("baths"),
        )
        .join(Lead, col(Lead.id) == col(SavedSearch.lead_id))
        .where(
            col(SavedSearch.alerts_enabled),
            col(Lead.brokerage_id) == brokerage_id,
            col(Lead.status).in_(SENDABLE),
            col(Lead.email) != "",
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
        sa.select(*cols)
        .select_from(cand)
        .join(sc, sa.and_(sc.c.tr == cand.c.tr, sc.c.city == cand.c.city))
        .where(*rest),
        sa.select(*cols)
        .select_from(cand)
        .join(sc, sa.and_(sc.c.tr == cand.c.tr, sc.c.city.is_(None)))
        .where(*rest),
    ).subquery()
    ranked = (
        sa.select(
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
                col(AlertItem.saved_search_id) == pairs.c.search_id,
                col(AlertItem.listing_id) == pairs.c.listing_id,
            ),
        )
        .where(sa.or_(col(AlertItem.id).is_(None), col(AlertItem.change_id) < pairs.c.change_id))
        .subquery()
    )
    return sa.select(
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


# One run's matches and the groups it sends, as temporary tables of the run's connection:
# the email rows and their links, Listings sent and alert items are written from them by
# INSERT ... SELECT, not row by row from Python.
_TEMP = sa.MetaData()
_MATCH = sa.Table(
    "alert_match",
    _TEMP,
    sa.Column("search_id", sa.Integer),
    sa.Column("lead_id", sa.Integer),
    sa.Column("tr", sa.String(4)),
    sa.Column("listing_id", sa.Integer),
    sa.Column("change_id", sa.Integer),
    prefixes=["TEMPORARY"],
)
_SENT = sa.Table(
    "alert_sent",
    _TEMP,
    sa.Column("lead_id", sa.Integer),
    sa.Column("tr", sa.String(4)),
    sa.Column("email_id", sa.Integer),
    sa.Index("ix_alert_sent_group", "lead_id", "tr", unique=True),
    prefixes=["TEMPORARY"],
)


def _ids(text: str | None) -> list[int]:
    return sorted({int(i) for i in (text or "").split(",") if i})


def send_for_brokerage(session: Session, b: Brokerage, now: datetime, period: str) -> int:
    """Match, claim and queue one brokerage's alerts for `period` (its local date).

    Set-based: the match goes into a temporary table, one row per (lead, sale|rent) comes
    back with its listing and search ids, the claims go in one executemany, each listing's
    card is built once and each distinct set of cards joined once, the emails go in one
    multi-row INSERT (mail.queue_many), and their links, Listings sent rows, alert items and
    the searches' last-alert time are each one INSERT ... SELECT (or UPDATE) from the tables.
    """
    conn = session.connection()
    for t in (_MATCH, _SENT):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t.name}")
        t.create(conn)
    try:
        return _send(session, conn, b, now, period)
    finally:
        for t in (_MATCH, _SENT):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t.name}")


def _send(session: Session, conn, b: Brokerage, now: datetime, period: str) -> int:
    m = _MATCH.c
    conn.execute(
        _MATCH.insert().from_select(
            ["search_id", "lead_id", "tr", "listing_id", "change_id"],
            match_statement(id_of(b), now - WINDOW, now),
        )
    )
    as_text = sa.func.aggregate_strings
    groups = {
        (lead_id, tr or "sale"): (_ids(lids), _ids(sids))
        for lead_id, tr, lids, sids in conn.execute(
            sa.select(
                m.lead_id,
                m.tr,
                as_text(sa.cast(m.listing_id, sa.String), ","),
                as_text(sa.cast(m.search_id, sa.String), ","),
            ).group_by(m.lead_id, m.tr)
        )
    }
    if not groups:
        return 0
    keys = {f"alert:{lead}:{tr}:{period}": (lead, tr) for lead, tr in groups}
    taken = send_claims.claim(session, keys, "alert")
    if not taken:
        return 0
    chosen = {lt: groups[lt] for lt in sorted(keys[k] for k in taken)}
    lead_ids = sorted({lead for lead, _ in chosen})
    leads = _rows_by_id(
        session,
        lambda part: (
            sa.select(col(Lead.id), col(Lead.first_name), col(Lead.email), col(User.name))
            .outerjoin(User, col(User.id) == col(Lead.assigned_agent_id))
            .where(col(Lead.id).in_(part))
        ),
        lead_ids,
    )
    listing_ids = sorted({lid for lids, _ in chosen.values() for lid in lids})
    listings = _rows_by_id(
        session,
        lambda part: sa.select(
            col(Listing.id),
            col(Listing.street),
            col(Listing.city),
            col(Listing.price),
            col(Listing.transaction),
            col(Listing.beds),
            col(Listing.baths),
            col(Listing.mls_number),
        ).where(col(Listing.id).in_(part)),
        listing_ids,
    )
    search_ids = sorted({sid for _, sids in chosen.values() for sid in sids})
    names = {
        sid: row[1] or "your search"
        for sid, row in _rows_by_id(
            session,
            lambda part: sa.select(col(SavedSearch.id), col(SavedSearch.name)).where(
                col(SavedSearch.id).in_(part)
            ),
            search_ids,
        ).items()
    }
    cards = {lid: _card(row) for lid, row in listings.items()}
    card_sets: dict[tuple[int, ...], str] = {}  # many leads get the same listings
    queued = []
    for (lead_id, tr), (lids, sids) in chosen.items():
        sent = tuple(lids)
        text = card_sets.get(sent)
        if text is None:
            text = card_sets[sent] = "\n".join(cards[lid] for lid in sent)
        _, first_name, email, agent = leads[lead_id]
        label = "Rentals" if tr == "rent" else "Homes for sale"
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
    insert_rows(
        conn,
        _SENT.name,
        ("lead_id", "tr", "email_id"),
        [(lead, tr, eid) for (lead, tr), eid in email_ids.items()],
    )
    t = _SENT.c
    sent = (
        sa.select(m.search_id, m.lead_id, m.listing_id, m.change_id, t.email_id)
        .select_from(_MATCH)
        .join(_SENT, sa.and_(t.lead_id == m.lead_id, t.tr == sa.func.coalesce(m.tr, "sale")))
        .subquery()
    )
    at = sa.literal(now, table_of(ListingSent).c.created_at.type)
    conn.execute(
        table_of(AlertEmailSearch)
        .insert()
        .from_select(
            ["email_id", "saved_search_id"],
            sa.select(sent.c.email_id, sent.c.search_id).distinct(),
        )
    )
    conn.execute(
        table_of(ListingSent)
        .insert()
        .from_select(
            ["lead_id", "listing_id", "via", "created_at"],
            sa.select(sent.c.lead_id, sent.c.listing_id, sa.literal("email"), at).distinct(),
        )
    )
    # a (search, listing) sent before moves forward to the change sent now; the WHERE
    # keeps SQLite from reading ON CONFLICT as a join's ON
    mod = postgresql if conn.dialect.name == "postgresql" else sqlite
    items = mod.insert(table_of(AlertItem)).from_select(
        ["saved_search_id", "listing_id", "change_id", "sent_at"],
        sa.select(sent.c.search_id, sent.c.listing_id, sent.c.change_id, at).where(sa.true()),
    )
    conn.execute(
        items.on_conflict_do_update(
            index_elements=["saved_search_id", "listing_id"],
            set_={"change_id": items.excluded.change_id, "sent_at": items.excluded.sent_at},
        )
    )
    ss = table_of(SavedSearch)
    conn.execute(
        ss.update()
        .where(ss.c.id.in_(sa.select(sent.c.search_id).scalar_subquery()))
        .values(last_alert_at=now)
    )
    send_claims.note_emails(session, {k: email_ids[keys[k]] for k in taken})
    return len(email_ids)


def send_daily(session: Session, now: datetime) -> int:
    """The job: every brokerage whose local alert hour has come and that has not run today."""
    total = 0
    for b in session.exec(select(Brokerage).order_by(col(Brokerage.id))).all():
        local = now.astimezone(ZoneInfo(b.timezone))
        if local.hour < settings_of(session, id_of(b)).alert_hour:
            continue
        period = local.date().isoformat()
        if not send_claims.claim(session, [f"alert-run:{b.id}:{period}"], "alert_run"):
            continue
        total += send_for_brokerage(session, b, now, period)
    return total
