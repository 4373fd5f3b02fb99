"""Bulk changes on the lead list (L6, L7, L9): one change applied to many leads at once.

The leads are named either by explicit ids (the selected rows) or by the list's filter
("all N matching": a `LeadQuery`, its `filters()` dict, or a callable giving a SELECT of
lead ids). Whatever is sent, only leads the user may change are touched: brokers any lead
of their brokerage, agents only the leads assigned to them (`access.lead_visibility`).

Each change is set-based and runs in chunks of ids (IN lists below the bind-parameter
limits of SQLite and PostgreSQL): per chunk one locking SELECT of the roll-up dimensions,
one UPDATE / INSERT, one multi-row INSERT of history entries (one per changed lead, naming
the actor), then the roll-up deltas. The caller's session commits once, so the whole bulk
change is one transaction. Every function returns how many leads actually changed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Campaign,
    CampaignSubscription,
    Lead,
    Market,
    MarketSubscription,
    User,
    utcnow,
)
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, MARKET_REPORT_TYPES, STAGES

from . import access, lead_subscriptions, mail_tracking, rollups, speed, tags
from .bulk import chunked
from .errors import NotFound, ServiceError, ValidationFailed
from .history import add_audit_rows

log = logging.getLogger("leadapp.bulk")

CHUNK = tags.CHUNK
MAX_IDS = 100_000  # explicit ids per request (the selection of rows); "all matching" has no cap
ACTIONS = (
    "add_tags",
    "remove_tags",
    "stage",
    "type",
    "status",
    "assign",
    "campaign",
    "market",
    "delete",
    "reactivate",
)
REACTIVATABLE = ("inactive", "deleted")

# The columns a change may read: the roll-up dimensions (rollups.lead_key) and the edited fields.
_KEY_COLUMNS = (
    Lead.id,
    Lead.brokerage_id,
    Lead.assigned_agent_id,
    Lead.status,
    Lead.stage,
    Lead.stage_entered_at,
    Lead.source,
    Lead.active_subscriptions,
    Lead.lead_type,
    Lead.last_activity_at,
)


def _key(r) -> tuple:
    """rollups.lead_key of a _KEY_COLUMNS row."""
    return rollups.key_of(*r[1:9])


def _day_key(r) -> tuple | None:
    """rollups.day_key of a _KEY_COLUMNS row (D2: agent, status, day of the last activity)."""
    return rollups.day_key_of(r[1], r[2], r[3], r[9])


# --------------------------------------------------------------------------- which leads


def _filter_select(session: Session, user: User, target) -> sa.Select:
    """A SELECT of lead ids for "all matching" targets."""
    if callable(target) and not isinstance(target, Mapping):
        stmt = target(session, user)
    else:
        from . import lead_query  # the lead list's filter (LeadQuery / its filters() dict)

        query = (
            target
            if isinstance(target, lead_query.LeadQuery)
            else lead_query.LeadQuery.parse(target)
        )
        stmt = lead_query.filtered_select(session, user, query)
    if not isinstance(stmt, sa.Select):
        raise ServiceError("That filter cannot select leads.")
    return stmt


def target_ids(session: Session, user: User, target) -> list[int]:
    """Ids of the leads in `target` that `user` may change, ascending.

    `target`: an iterable of ids (at most MAX_IDS), or a filter (LeadQuery, dict of URL
    filter values, or callable(session, user) -> SELECT of lead ids). Ids the user may
    not change (another agent's, another brokerage's, the pool's) are left out.
    """
    writable = access.lead_visibility(user)  # write access: no pool for agents
    if isinstance(target, (list, tuple, set, frozenset)):
        try:
            ids = sorted({int(i) for i in target})
        except (TypeError, ValueError):
            raise ValidationFailed({"ids": "Lead ids are numbers."}) from None
        if len(ids) > MAX_IDS:
            raise ValidationFailed(
                {"ids": f"Select at most {MAX_IDS:,} leads, or use “all matching”."}
            )
        out: list[int] = []
        for chunk in chunked(ids, CHUNK):
            out += session.exec(select(Lead.id).where(col(Lead.id).in_(chunk), writable)).all()
        if len(out) != len(ids):
            log.warning(
                "bulk: user %s sent %d ids outside their reach", user.id, len(ids) - len(out)
            )
        return sorted(out)
    sub = _filter_select(session, user, target).order_by(None).limit(None).offset(None).subquery()
    first = list(sub.c)[0]
    return sorted(
        session.exec(select(Lead.id).where(col(Lead.id).in_(select(first)), writable)).all()
    )


# --------------------------------------------------------------------------- the engine


def _run(session: Session, user: User, ids: list[int], change: Callable[[dict], list[int]]) -> int:
    """Apply `change(rows_by_id) -> changed ids` chunk by chunk, keeping the roll-ups exact.

    rows_by_id holds the locked rows (_KEY_COLUMNS) of the chunk; `change` issues the
    statements and returns the ids it changed. The roll-up keys are read again after the
    change, so any column the change touched (status, stage, agent, subscriptions) moves
    the dashboard counts exactly.
    """
    if not ids:
        return 0
    session.flush()
    deltas: Counter = Counter()
    days: Counter = Counter()
    total = 0
    for chunk in chunked(ids, CHUNK):
        before = {
            r[0]: r
            for r in session.execute(
                # re-checked under the lock: a lead reassigned since target_ids() is left alone
                select(*_KEY_COLUMNS)
                .where(col(Lead.id).in_(chunk), access.lead_visibility(user))
                .order_by(Lead.id)
                .with_for_update()
            ).all()
        }
        changed = change(before)
        if not changed:
            continue
        total += len(changed)
        for r in session.execute(select(*_KEY_COLUMNS).where(col(Lead.id).in_(changed))).all():
            old, new = _key(before[r[0]]), _key(r)
            if old != new:
                deltas[old] -= 1
                deltas[new] += 1
            old_day, new_day = _day_key(before[r[0]]), _day_key(r)
            if old_day != new_day:
                if old_day:
                    days[old_day] -= 1
                if new_day:
                    days[new_day] += 1
    rollups.add_lead_keys(session, deltas)
    rollups.add_day_keys(session, days)
    session.expire_all()  # ORM objects loaded earlier in this session show the new values
    return total


def _update(session: Session, ids: list[int], **values) -> None:
    session.execute(
        sa.update(Lead)
        .where(col(Lead.id).in_(ids))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _set_field(
    session: Session,
    user: User,
    target,
    field: str,
    value: str,
    labels: dict,
    title: str,
    only_from: Iterable[str] | None = None,
) -> int:
    ids = target_ids(session, user, target)
    only = set(only_from) if only_from is not None else None
    now = utcnow()

    def change(rows: dict) -> list[int]:
        hit = [
            i
            for i, r in rows.items()
            if getattr(r, field) != value and (only is None or getattr(r, field) in only)
        ]
        if hit:
            values = {field: value, "updated_at": now}
            if field == "stage":
                values["stage_entered_at"] = now
            _update(session, hit, **values)
            add_audit_rows(
                session,
                user,
                [
                    (i, labels.get(getattr(rows[i], field), getattr(rows[i], field)), labels[value])
                    for i in hit
                ],
                field,
                title,
                now,
            )
        return hit

    return _run(session, user, ids, change)


def _recount_subscriptions(session: Session, ids: list[int]) -> None:
    """Lead.active_subscriptions from the tables, set-based (the same rule as the lead page)."""
    _update(session, ids, active_subscriptions=lead_subscriptions.active_count_expr(Lead.id))


def _int_id(value, what: str) -> int:
    try:
        return int(str(value).strip()[:18])
    except (TypeError, ValueError):
        raise NotFound(f"That {what} does not exist.") from None


# --------------------------------------------------------------------------- the changes


def add_tags(session: Session, user: User, target, names) -> int:
    """L7: apply tags (created as needed)."""
    names = tags._tag_names(names)
    if not names:
        raise ValidationFailed({"tags": "Name at least one tag."})
    ids = target_ids(session, user, target)
    session.flush()
    n = tags.apply_tags(session, user, ids, names)
    session.expire_all()
    return n


def remove_tags(session: Session, user: User, target, names) -> int:
    names = tags._tag_names(names)
    if not names:
        raise ValidationFailed({"tags": "Name at least one tag."})
    ids = target_ids(session, user, target)
    session.flush()
    n = tags.unapply_tags(session, user, ids, names)
    session.expire_all()
    return n


def _code(value, allowed: dict, field: str, label: str) -> str:
    code = str(value or "").strip().lower()[:40]
    if code not in allowed:
        raise ValidationFailed(
            {field: f"'{str(value)[:40]}' is not a {label} ({', '.join(allowed.values())})."}
        )
    return code


def set_stage(session: Session, user: User, target, stage) -> int:
    stage = _code(stage, STAGES, "stage", "pipeline stage")
    return _set_field(session, user, target, "stage", stage, STAGES, "Stage changed")


def set_type(session: Session, user: User, target, lead_type) -> int:
    lead_type = _code(lead_type, LEAD_TYPES, "lead_type", "lead type")
    return _set_field(
        session, user, target, "lead_type", lead_type, LEAD_TYPES, "Lead type changed"
    )


def set_status(session: Session, user: User, target, status) -> int:
    status = _code(status, LEAD_STATUSES, "status", "status")
    return _set_field(session, user, target, "status", status, LEAD_STATUSES, "Status changed")


def delete(session: Session, user: User, target) -> int:
    """L6: status Deleted; the lead and everything about it is kept."""
    return _set_field(session, user, target, "status", "deleted", LEAD_STATUSES, "Lead deleted")


def reactivate(session: Session, user: User, target) -> int:
    """L9: inactive or deleted leads become Active (others are left as they are)."""
    return _set_field(
        session,
        user,
        target,
        "status",
        "active",
        LEAD_STATUSES,
        "Lead reactivated",
        only_from=REACTIVATABLE,
    )


def assign(session: Session, user: User, target, agent_id) -> int:
    """G2 / L7: brokers (only) assign leads to an agent, or to nobody ("none") = the pool."""
    access.require_broker(user, "reassign leads")
    agent = (
        None
        if agent_id in (None, "", 0, "0", "none")
        else access.get_agent(session, user, agent_id)
    )
    new_id = agent.id if agent else None
    ids = target_ids(session, user, target)
    names = {
        u.id: u.name
        for u in session.exec(select(User).where(User.brokerage_id == user.brokerage_id))
    }
    now = utcnow()

    def change(rows: dict) -> list[int]:
        hit = [i for i, r in rows.items() if r.assigned_agent_id != new_id]
        if hit:
            rollups.move_activity(
                session, user.brokerage_id, [(i, rows[i].assigned_agent_id, new_id) for i in hit]
            )
            _update(session, hit, assigned_agent_id=new_id, updated_at=now)
            speed.assigned(session, user.brokerage_id, [(i, new_id) for i in hit], now)
            add_audit_rows(
                session,
                user,
                [
                    (
                        i,
                        names.get(rows[i].assigned_agent_id, "Unassigned"),
                        names.get(new_id, "Unassigned"),
                    )
                    for i in hit
                ],
                "assigned_agent",
                "Assigned agent changed",
                now,
            )
        return hit

    return _run(session, user, ids, change)


def subscribe_campaign(session: Session, user: User, target, campaign_id) -> int:
    """L7 / C2: enrol leads in a campaign; leads already in it (or done with it) are skipped,
    an inactive enrolment resumes where it stopped."""
    campaign = session.get(Campaign, _int_id(campaign_id, "campaign"))
    if campaign is None or campaign.brokerage_id != user.brokerage_id:
        raise NotFound("That campaign does not exist.")
    if not campaign.active:
        raise ServiceError(f"The campaign {campaign.name} is switched off.")
    ids = target_ids(session, user, target)
    now = utcnow()

    def change(rows: dict) -> list[int]:
        # a lead who unsubscribed from campaign email is not enrolled again (C5)
        refused = mail_tracking.refused_lead_ids(session, user.brokerage_id, rows, "campaign")
        chunk = [i for i in rows if i not in refused]
        subs = {
            s.lead_id: s
            for s in session.exec(
                select(CampaignSubscription).where(
                    col(CampaignSubscription.lead_id).in_(chunk),
                    CampaignSubscription.campaign_id == campaign.id,
                )
            ).all()
        }
        new = [i for i in chunk if i not in subs]
        resume = [s.id for s in subs.values() if s.status == "inactive"]
        if new:
            session.execute(
                sa.insert(CampaignSubscription),
                [
                    {
                        "lead_id": i,
                        "campaign_id": campaign.id,
                        "status": "active",
                        "next_position": 1,
                        "next_send_at": now,
                        "created_at": now,
                        "created_by_id": user.id,
                    }
                    for i in new
                ],
            )
        if resume:
            session.execute(
                sa.update(CampaignSubscription)
                .where(col(CampaignSubscription.id).in_(resume))
                .values(status="active", ended_at=None, next_send_at=now)
                .execution_options(synchronize_session=False)
            )
        hit = sorted(new + [s.lead_id for s in subs.values() if s.status == "inactive"])
        if hit:
            add_audit_rows(
                session,
                user,
                [(i, None, campaign.name) for i in hit],
                "subscriptions",
                "Subscribed to a campaign",
                now,
            )
            _recount_subscriptions(session, hit)
        return hit

    return _run(session, user, ids, change)


def subscribe_market(session: Session, user: User, target, market_id, report_types=None) -> int:
    """L7 / C1: subscribe leads to a market's reports (default: all three report types)."""
    market = session.get(Market, _int_id(market_id, "market"))
    if market is None or market.brokerage_id != user.brokerage_id:
        raise NotFound("That market does not exist.")
    if report_types is None or report_types == "":
        types = list(MARKET_REPORT_TYPES)
    else:
        if isinstance(report_types, str):
            report_types = report_types.split(",")
        types = [t for t in dict.fromkeys(str(t).strip() for t in report_types) if t]
        if not types or any(t not in MARKET_REPORT_TYPES for t in types):
            raise ValidationFailed(
                {
                    "report_types": "Choose at least one report: listing, open-house or "
                    "market report."
                }
            )
    ids = target_ids(session, user, target)
    now = utcnow()

    def change(rows: dict) -> list[int]:
        refused = mail_tracking.refused_lead_ids(session, user.brokerage_id, rows, "market_report")
        chunk = [i for i in rows if i not in refused]
        have = {
            (s.lead_id, s.report_type): s
            for s in session.exec(
                select(MarketSubscription).where(
                    col(MarketSubscription.lead_id).in_(chunk),
                    MarketSubscription.market_id == market.id,
                )
            ).all()
        }
        inserts, reopen, added = [], [], {}
        for i in chunk:
            for t in types:
                sub = have.get((i, t))
                if sub is None:
                    inserts.append(
                        {
                            "lead_id": i,
                            "market_id": market.id,
                            "report_type": t,
                            "active": True,
                            "created_at": now,
                            "created_by_id": user.id,
                        }
                    )
                elif not sub.active:
                    reopen.append(sub.id)
                else:
                    continue
                added.setdefault(i, []).append(MARKET_REPORT_TYPES[t])
        if inserts:
            session.execute(sa.insert(MarketSubscription), inserts)
        if reopen:
            session.execute(
                sa.update(MarketSubscription)
                .where(col(MarketSubscription.id).in_(reopen))
                .values(active=True, deactivated_at=None)
                .execution_options(synchronize_session=False)
            )
        hit = sorted(added)
        if hit:
            add_audit_rows(
                session,
                user,
                [(i, None, f"{market.name}: {', '.join(added[i])}") for i in hit],
                "subscriptions",
                "Subscribed to market reports",
                now,
            )
            _recount_subscriptions(session, hit)
        return hit

    return _run(session, user, ids, change)


# --------------------------------------------------------------------------- one entry point

# ACTIONS by the function that does each: those taking the bar's value, and the others
_VALUED: dict[str, Callable[[Session, User, Any, Any], int]] = {
    "add_tags": add_tags,
    "remove_tags": remove_tags,
    "stage": set_stage,
    "type": set_type,
    "status": set_status,
    "assign": assign,
    "campaign": subscribe_campaign,
    "market": subscribe_market,
}
_PLAIN: dict[str, Callable[[Session, User, Any], int]] = {
    "delete": delete,
    "reactivate": reactivate,
}
assert set(_VALUED) | set(_PLAIN) == set(ACTIONS)


def apply(session: Session, user: User, target, action: str, value: Any = None) -> int:
    """The bulk action bar's one call: `action` in ACTIONS with its value; returns the count."""
    if isinstance(action, str):
        if action in _VALUED:
            return _VALUED[action](session, user, target, value)
        if action in _PLAIN:
            return _PLAIN[action](session, user, target)
    raise ValidationFailed({"action": f"'{str(action)[:40]}' is not a bulk action."})


def choices(session: Session, user: User) -> dict:
    """What the bulk bar offers: the brokerage's active campaigns and its markets."""
    campaigns = session.exec(
        select(Campaign)
        .where(Campaign.brokerage_id == user.brokerage_id, Campaign.active)
        .order_by(Campaign.name)
    ).all()
    markets = session.exec(
        select(Market).where(Market.brokerage_id == user.brokerage_id).order_by(Market.name)
    ).all()
    return {
        "campaigns": [{"id": str(c.id), "name": c.name} for c in campaigns],
        "markets": [{"id": str(m.id), "name": m.name} for m in markets],
    }


def one(session: Session, user: User, lead_id, action: str) -> int:
    """A row menu's action (delete, reactivate) on one lead: refused when it is not the user's."""
    lead = access.get_lead(session, user, lead_id, write=True)
    if action not in ("delete", "reactivate"):
        raise ValidationFailed({"action": f"'{str(action)[:40]}' is not a row action."})
    if action == "reactivate" and lead.status not in REACTIVATABLE:
        raise ServiceError("Only inactive or deleted leads can be reactivated.")
    if action == "delete" and lead.status == "deleted":
        raise ServiceError("This lead is already deleted.")
    return apply(session, user, [lead.id], action)
