"""Hot-lead alerts (N2) from website activity, in the transaction that stores the events.

`from_events(session, brokerage_id, rows, before, agent_of, now)` looks at a batch of
stored activity rows and raises, per lead, the first alert that applies:

- request: a showing request or info request;
- repeat_view: the same listing viewed 3 times in 24 hours;
- many_views: 5 listing views in 24 hours;
- returning: activity after 30 quiet days;
- saved: a saved listing or a saved search.

Each kind is on by default and can be switched off per brokerage
(`RoutingSettings.alerts_off`). An alert goes to the lead's agent (nobody for a pool lead)
and to the brokers who subscribed to every hot lead; at most one per lead per recipient per
hour (`AlertThrottle`). A batch costs a fixed number of statements whatever its size: the
view counts are one grouped read over the batch's leads, the throttle one read and one
upsert, the notifications one `notify.send_many`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadapp.models import (
    Activity,
    AgentAvailability,
    AlertThrottle,
    Lead,
    RoutingSettings,
    User,
    as_utc,
)

from . import notify
from .rows import stored_ids, table_of

ALERTS = {
    "request": "Showing or info request",
    "repeat_view": "Same listing viewed 3 times in 24 hours",
    "many_views": "5 listing views in 24 hours",
    "returning": "Back after 30 quiet days",
    "saved": "Saved a listing or a search",
}
REPEAT_VIEWS, MANY_VIEWS = 3, 5
WINDOW = timedelta(hours=24)
QUIET = timedelta(days=30)
THROTTLE = timedelta(hours=1)


def _subscribers(session: Session, brokerage_id: int) -> list[int]:
    return stored_ids(
        session.exec(
            select(col(User.id))
            .join(AgentAvailability, col(AgentAvailability.user_id) == col(User.id))
            .where(
                col(User.brokerage_id) == brokerage_id,
                col(User.is_active),
                col(User.role) == "broker",
                col(AgentAvailability.all_hot_leads),
            )
        ).all()
    )


def from_events(
    session: Session,
    brokerage_id: int,
    rows: list[dict],
    before: dict[int, datetime | None],
    agent_of: dict[int, int | None],
    now: datetime,
) -> int:
    """Raise the batch's hot-lead alerts; `before` is each lead's last activity before it."""
    if not rows:
        return 0
    st = session.get(RoutingSettings, brokerage_id)
    off = set(st.alerts_off or ()) if st else set()
    found: dict[int, str] = {}
    views: dict[int, list] = {}
    for r in rows:
        lid, kind = r["lead_id"], r["kind"]
        if lid in found:
            continue
        if kind in ("showing_request", "info_request") and "request" not in off:
            found[lid] = f"asked for a {kind.split('_')[0]}" + (
                f" of {r['mls_number']}" if r.get("mls_number") else ""
            )
        elif kind in ("saved_listing", "saved_search") and "saved" not in off:
            found[lid] = "saved a listing" if kind == "saved_listing" else "saved a search"
        elif "returning" not in off:
            last = as_utc(before.get(lid))
            if last is not None and as_utc(r["occurred_at"]) - last >= QUIET:
                found[lid] = f"came back after {(as_utc(r['occurred_at']) - last).days} quiet days"
        if kind == "listing_view" and lid not in found:
            views.setdefault(lid, []).append(r.get("mls_number"))
    if views and not {"repeat_view", "many_views"} <= off:
        _view_alerts(session, views, off, found, now)
    if not found:
        return 0
    watchers = _subscribers(session, brokerage_id)
    targets = {lid: {a for a in [agent_of.get(lid), *watchers] if a} for lid in found}
    pairs = [(lid, u) for lid, us in targets.items() for u in us]
    if not pairs:
        return 0
    recent = set(
        session.execute(
            select(col(AlertThrottle.lead_id), col(AlertThrottle.user_id)).where(
                col(AlertThrottle.lead_id).in_(list(targets)),
                col(AlertThrottle.last_at) > now - THROTTLE,
            )
        ).all()
    )
    pairs = [p for p in pairs if p not in recent]
    if not pairs:
        return 0
    t = table_of(AlertThrottle)
    ins = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        t
    )
    session.execute(
        ins.on_conflict_do_update(
            index_elements=["lead_id", "user_id"], set_={"last_at": ins.excluded.last_at}
        ),
        [{"lead_id": lid, "user_id": u, "last_at": now} for lid, u in pairs],
    )
    names = {
        i: (f"{fn} {ln}".strip() or e)
        for i, fn, ln, e in session.execute(
            select(col(Lead.id), col(Lead.first_name), col(Lead.last_name), col(Lead.email)).where(
                col(Lead.id).in_(list({lid for lid, _ in pairs}))
            )
        )
    }
    by_lead: dict[int, list[int]] = {}
    for lid, u in pairs:
        by_lead.setdefault(lid, []).append(u)
    notify.send_many(  # one insert for the whole batch
        session,
        brokerage_id,
        [
            notify.Note(
                tuple(users),
                "hot_lead",
                f"Hot lead: {names.get(lid, 'a lead')} {found[lid]}",
                lead_id=lid,
            )
            for lid, users in by_lead.items()
        ],
        now,
    )
    return len(pairs)


def _view_alerts(session: Session, views: dict, off: set, found: dict, now: datetime) -> None:
    """Listing-view thresholds crossed by this batch (counts include the batch's rows)."""
    since = now - WINDOW
    counts: dict[int, dict] = {}
    for lid, mls, n in session.execute(
        select(col(Activity.lead_id), col(Activity.mls_number), sa.func.count())
        .where(
            col(Activity.lead_id).in_(list(views)),
            col(Activity.kind) == "listing_view",
            col(Activity.occurred_at) >= since,
        )
        .group_by(col(Activity.lead_id), col(Activity.mls_number))
    ):
        counts.setdefault(lid, {})[mls] = n
    for lid, batch in views.items():
        per = counts.get(lid, {})
        if "repeat_view" not in off:
            for mls in set(batch):
                if mls and per.get(mls, 0) >= REPEAT_VIEWS > per.get(mls, 0) - batch.count(mls):
                    found[lid] = f"viewed {mls} {per[mls]} times in 24 hours"
                    break
        if lid in found or "many_views" in off:
            continue
        total = sum(per.values())
        if total >= MANY_VIEWS > total - len(batch):
            found[lid] = f"viewed {total} listings in 24 hours"
