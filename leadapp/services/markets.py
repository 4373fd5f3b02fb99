"""The Markets page (C1): list with subscriber counts, create, edit, archive, report previews.

Brokers manage markets; agents see them read-only (they subscribe leads from the lead
page). A market's criteria come from the same property-search form as the lead page's
dialog (services.lead_organizer.check_criteria) plus an optional postal code; a market
without any criterion besides sale/rent is refused.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, Market, MarketSubscription, User, utcnow
from leadapp.models.enums import MARKET_REPORT_TYPES

from . import access, market_reports
from .errors import ServiceError, ValidationFailed, get_in_brokerage
from .lead_organizer import CRITERIA_KEYS, check_criteria
from .lead_page import criteria_text
from .validation import clean


def _market(session: Session, user: User, market_id) -> Market:
    return get_in_brokerage(
        session, Market, market_id, user.brokerage_id, "That market does not exist."
    )


def describe(c: dict) -> str:
    text = criteria_text({k: v for k, v in c.items() if k != "postal_code"})
    return f"{text} · {c['postal_code']}" if c.get("postal_code") else text


def list_markets(session: Session, user: User, archived: bool = False) -> list[dict]:
    q = select(Market).where(col(Market.brokerage_id) == user.brokerage_id)
    q = q.where(
        col(Market.archived_at).is_not(None) if archived else col(Market.archived_at).is_(None)
    )
    markets = session.exec(q.order_by(col(Market.name), col(Market.id))).all()
    ids = [m.id for m in markets]
    counts: dict[int, dict[str, int]] = {}
    for mid, rtype, n in session.execute(
        select(
            col(MarketSubscription.market_id), col(MarketSubscription.report_type), sa.func.count()
        )
        .where(col(MarketSubscription.market_id).in_(ids), col(MarketSubscription.active))
        .group_by(col(MarketSubscription.market_id), col(MarketSubscription.report_type))
    ).all():
        counts.setdefault(mid, {})[rtype] = int(n)
    leads = dict(
        session.execute(
            select(
                col(MarketSubscription.market_id),
                sa.func.count(sa.distinct(col(MarketSubscription.lead_id))),
            )
            .where(col(MarketSubscription.market_id).in_(ids), col(MarketSubscription.active))
            .group_by(col(MarketSubscription.market_id))
        ).all()
    )
    return [
        {
            "id": m.id,
            "name": m.name,
            "criteria": describe(m.criteria),
            "subscribers": int(leads.get(m.id, 0)),
            "listing": counts.get(m.id or 0, {}).get("listing", 0),
            "open_house": counts.get(m.id or 0, {}).get("open_house", 0),
            "market": counts.get(m.id or 0, {}).get("market", 0),
            "every": m.report_every_days,
            "archived": m.archived_at is not None,
        }
        for m in markets
    ]


def market_form(session: Session, user: User, market_id) -> dict:
    m = _market(session, user, market_id)
    form = {
        k: str(v) for k, v in (m.criteria or {}).items() if k in (*CRITERIA_KEYS, "postal_code")
    }
    return {
        "id": m.id,
        "name": m.name,
        "every": str(m.report_every_days),
        "form": form,
        "criteria": describe(m.criteria),
        "archived": m.archived_at is not None,
    }


def save_market(session: Session, user: User, market_id, form: dict) -> Market:
    access.require_broker(user, "manage markets")
    form = form if isinstance(form, dict) else {}
    errors: dict[str, str] = {}
    name = clean(form.get("name"))
    if not name:
        errors["name"] = "The market needs a name."
    elif len(name) > 200:
        errors["name"] = "The name has at most 200 characters."
    try:
        c = check_criteria(form)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        c = {}
    postal = clean(form.get("postal_code"))
    if postal:
        if not (postal.isdigit() and len(postal) == 5):
            errors["postal_code"] = "A five-digit postal code."
        else:
            c["postal_code"] = postal
    if not errors and not [k for k in c if k != "transaction"]:
        errors["criteria"] = "Give the market at least one criterion (a city, a price, beds ...)."
    try:
        every = int(clean(form.get("every")) or "7")
        if not 1 <= every <= 90:
            raise ValueError
    except ValueError:
        errors["every"] = "Reports go out every 1 to 90 days."
        every = 7
    if errors:
        raise ValidationFailed(errors)
    if market_id in (None, ""):
        m = Market(brokerage_id=user.brokerage_id, name=name, criteria=c, report_every_days=every)
    else:
        m = _market(session, user, market_id)
        m.name, m.criteria, m.report_every_days = name, c, every
    session.add(m)
    session.flush()
    return m


def set_archived(session: Session, user: User, market_id, archived: bool) -> Market:
    """Archive: no reports and no new subscribers; the subscriptions stay on the leads."""
    access.require_broker(user, "archive markets")
    m = _market(session, user, market_id)
    m.archived_at = utcnow() if archived else None
    session.add(m)
    return m


def previews(session: Session, user: User, market_id) -> list[dict]:
    """Each of the three reports as a subscriber would receive it now."""
    m = _market(session, user, market_id)
    b = session.get(Brokerage, m.brokerage_id)
    if b is None:
        raise ServiceError("This market has no brokerage.")
    now = utcnow()
    since = now - timedelta(days=m.report_every_days or 7)
    out = []
    for rtype, label in MARKET_REPORT_TYPES.items():
        r = market_reports.render(session, m, rtype, now, since, b.timezone)
        out.append(
            {
                "type": rtype,
                "label": label,
                "subject": r[0] if r else "",
                "body": r[1]
                if r
                else "Nothing to report right now: this report would not be sent.",
            }
        )
    return out
