"""Market reports (C1): what each of a market's three reports holds, and the job sending them.

- Listing report: active listings that came on the market (new or back on market) since
  the previous report period began.
- Open-house report: active listings with an open house in the next 7 days.
- Market report: sold listings of the last 30 days (number sold, median sale price, median
  days on market, sale-to-list ratio) against the 30 days before.

The listings are read with the market's criteria in SQL, once per market (not per lead);
each active subscription of a type then gets the same report, claimed under
`report:<subscription>:<period>` so a second run or worker never sends it again. A period
is `report_every_days` long (weekly by default), counted in the brokerage's local days;
reports go out at its alert hour on the period's first day.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Brokerage,
    Lead,
    Listing,
    ListingChange,
    Market,
    MarketSubscription,
    User,
)
from leadapp.models.enums import MARKET_REPORT_TYPES

from . import mail, send_claims
from .daily_alerts import SENDABLE, price_text, settings_of
from .rows import id_of

MAX_LISTINGS = 50


def listing_filters(c: dict) -> list:
    """The market's criteria as WHERE clauses on Listing (status left to the caller)."""
    out = [col(Listing.transaction) == (c.get("transaction") or "sale")]
    if c.get("city"):
        out.append(sa.func.lower(col(Listing.city)) == str(c["city"]).lower())
    if c.get("postal_code"):
        out.append(col(Listing.postal_code) == str(c["postal_code"]))
    if c.get("property_type"):
        out.append(col(Listing.property_type) == c["property_type"])
    if c.get("min_price"):
        out.append(col(Listing.price) >= c["min_price"])
    if c.get("max_price"):
        out.append(col(Listing.price) <= c["max_price"])
    if c.get("min_beds"):
        out.append(col(Listing.beds) >= c["min_beds"])
    if c.get("min_baths"):
        out.append(col(Listing.baths) >= c["min_baths"])
    return out


def _line(li: Listing, extra: str = "") -> str:
    return (
        f"- {li.street}, {li.city} — {price_text(li)}, {li.beds} bd / {li.baths:g} ba"
        f" (MLS {li.mls_number}){extra}"
    )


def new_listings(session: Session, market: Market, since: datetime, until: datetime) -> list:
    came = (
        select(col(ListingChange.listing_id))
        .where(
            col(ListingChange.changed_at) > since,
            col(ListingChange.changed_at) <= until,
            col(ListingChange.kind).in_(("new", "back_on_market")),
        )
        .distinct()
    )
    return list(
        session.exec(
            select(Listing)
            .where(
                col(Listing.id).in_(came),
                col(Listing.status) == "active",
                *listing_filters(market.criteria),
            )
            .order_by(col(Listing.price))
            .limit(MAX_LISTINGS)
        ).all()
    )


def open_houses(session: Session, market: Market, now: datetime) -> list:
    return list(
        session.exec(
            select(Listing)
            .where(
                col(Listing.status) == "active",
                col(Listing.open_house_start) >= now,
                col(Listing.open_house_start) < now + timedelta(days=7),
                *listing_filters(market.criteria),
            )
            .order_by(col(Listing.open_house_start))
            .limit(MAX_LISTINGS)
        ).all()
    )


def sold_stats(session: Session, market: Market, today: date) -> dict:
    """Last 30 days against the 30 before: count, median price, median days, sale-to-list."""
    rows = session.execute(
        select(
            col(Listing.sold_date),
            col(Listing.sold_price),
            col(Listing.price),
            col(Listing.list_date),
        ).where(
            col(Listing.status) == "sold",
            col(Listing.sold_date) > today - timedelta(days=60),
            col(Listing.sold_date) <= today,
            col(Listing.sold_price).is_not(None),
            *listing_filters(market.criteria),
        )
    ).all()

    def stats(lo: date, hi: date) -> dict:
        part = [r for r in rows if lo < r[0] <= hi]
        if not part:
            return {"sold": 0, "median_price": None, "median_days": None, "sale_to_list": None}
        return {
            "sold": len(part),
            "median_price": int(statistics.median(r[1] for r in part)),
            "median_days": int(statistics.median(max(0, (r[0] - r[3]).days) for r in part)),
            "sale_to_list": round(statistics.median(r[1] / r[2] for r in part if r[2]) * 100, 1),
        }

    return {
        "current": stats(today - timedelta(days=30), today),
        "prior": stats(today - timedelta(days=60), today - timedelta(days=30)),
    }


def _vs(cur, prior, fmt) -> str:
    if cur is None:
        return "no sales"
    if prior in (None, 0):
        return fmt(cur)
    change = (cur - prior) / prior * 100
    return f"{fmt(cur)} ({'+' if change >= 0 else ''}{change:.0f}% vs the 30 days before)"


def render(
    session: Session, market: Market, report_type: str, now: datetime, since: datetime, tz: str
) -> tuple[str, str] | None:
    """(subject, body) of one report, or None when it has nothing to say."""
    if report_type == "listing":
        rows = new_listings(session, market, since, now)
        if not rows:
            return None
        return (
            f"{market.name}: {len(rows)} new listing{'s' if len(rows) != 1 else ''}",
            "New on the market since the last report:\n\n" + "\n".join(_line(li) for li in rows),
        )
    if report_type == "open_house":
        rows = open_houses(session, market, now)
        if not rows:
            return None
        zone = ZoneInfo(tz)

        def when(li):
            start = li.open_house_start
            start = start if start.tzinfo else start.replace(tzinfo=ZoneInfo("UTC"))
            return start.astimezone(zone).strftime(" — open %a %b %-d, %-I:%M %p")

        return (
            f"{market.name}: {len(rows)} open house{'s' if len(rows) != 1 else ''} this week",
            "Open houses in the next 7 days:\n\n" + "\n".join(_line(li, when(li)) for li in rows),
        )
    s = sold_stats(session, market, now.astimezone(ZoneInfo(tz)).date())
    cur, prior = s["current"], s["prior"]
    money = lambda v: f"${v:,}"  # noqa: E731
    pct = lambda v: f"{v}%"  # noqa: E731
    return (
        f"{market.name}: market report",
        "Sold in the last 30 days:\n\n"
        f"- Homes sold: {_vs(cur['sold'] or None, prior['sold'], str)}\n"
        f"- Median sale price: {_vs(cur['median_price'], prior['median_price'], money)}\n"
        f"- Median days on market: {_vs(cur['median_days'], prior['median_days'], str)}\n"
        f"- Sale-to-list price: {_vs(cur['sale_to_list'], prior['sale_to_list'], pct)}",
    )


def period_of(market: Market, local_day: date) -> tuple[int, date]:
    every = max(1, market.report_every_days or 7)
    n = local_day.toordinal() // every
    return n, date.fromordinal(n * every)


def send_reports(session: Session, now: datetime) -> int:
    """The job: each live market's reports on the first day of its period, once."""
    queued = 0
    for b in session.exec(select(Brokerage).order_by(col(Brokerage.id))).all():
        zone = ZoneInfo(b.timezone)
        local = now.astimezone(zone)
        if local.hour < settings_of(session, id_of(b)).alert_hour:
            continue
        for market in session.exec(
            select(Market).where(
                col(Market.brokerage_id) == b.id, col(Market.archived_at).is_(None)
            )
        ).all():
            n, first = period_of(market, local.date())
            if local.date() != first:
                continue
            since = datetime.combine(
                first - timedelta(days=market.report_every_days or 7), datetime.min.time(), zone
            )
            queued += _send_market(session, b, market, now, since, n)
    return queued


def _send_market(session, b: Brokerage, market: Market, now, since, period: int) -> int:
    subs = session.execute(
        select(
            col(MarketSubscription.id), col(MarketSubscription.report_type), Lead, col(User.name)
        )
        .join(Lead, col(Lead.id) == col(MarketSubscription.lead_id))
        .outerjoin(User, col(User.id) == col(Lead.assigned_agent_id))
        .where(
            col(MarketSubscription.market_id) == market.id,
            col(MarketSubscription.active),
            col(Lead.status).in_(SENDABLE),
            col(Lead.email) != "",
        )
    ).all()
    if not subs:
        return 0
    keys = {f"report:{sid}:{period}": sid for sid, *_ in subs}
    taken = {keys[k] for k in send_claims.claim(session, keys, "report")}
    reports = {t: render(session, market, t, now, since, b.timezone) for t in MARKET_REPORT_TYPES}
    queued = 0
    for sid, rtype, lead, agent in subs:
        report = reports.get(rtype)
        if sid not in taken or report is None:
            continue
        subject, body = report
        mail.queue(
            session,
            brokerage_id=id_of(b),
            lead_id=lead.id,
            to=lead.email,
            subject=subject,
            body=f"Hi {lead.first_name or 'there'},\n\n{body}\n\n— {agent or b.name}",
            kind="market_report",
            market_subscription_id=sid,
        )
        queued += 1
    return queued
