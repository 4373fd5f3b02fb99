"""The bulk-change engine: which leads a target names, and one change run over them in chunks
(rows locked, access re-checked under the lock, roll-ups moved, history written)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Lead,
    User,
    utcnow,
)
from leadapp.services import access, lead_subscriptions, rollups, tags
from leadapp.services.bulk import chunked
from leadapp.services.errors import NotFound, ServiceError, ValidationFailed
from leadapp.services.history import add_audit_rows
from leadapp.services.rows import stored_ids

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
    col(Lead.id),
    col(Lead.brokerage_id),
    col(Lead.assigned_agent_id),
    col(Lead.status),
    col(Lead.stage),
    col(Lead.stage_entered_at),
    col(Lead.source),
    col(Lead.active_subscriptions),
    col(Lead.lead_type),
    col(Lead.last_activity_at),
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
        from leadapp.services import (
            lead_query,
        )  # the lead list's filter (LeadQuery / its filters() dict)

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
            out += stored_ids(
                session.exec(select(col(Lead.id)).where(col(Lead.id).in_(chunk), writable)).all()
            )
        if len(out) != len(ids):
            log.warning(
                "bulk: user %s sent %d ids outside their reach", user.id, len(ids) - len(out)
            )
        return sorted(out)
    sub = _filter_select(session, user, target).order_by(None).limit(None).offset(None).subquery()
    first = list(sub.c)[0]
    return sorted(
        stored_ids(
            session.exec(
                select(col(Lead.id)).where(col(Lead.id).in_(select(first)), writable)
            ).all()
        )
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
                sa.select(*_KEY_COLUMNS)
                .where(col(Lead.id).in_(chunk), access.lead_visibility(user))
                .order_by(col(Lead.id))
                .with_for_update()
            ).all()
        }
        changed = change(before)
        if not changed:
            continue
        total += len(changed)
        for r in session.execute(sa.select(*_KEY_COLUMNS).where(col(Lead.id).in_(changed))).all():
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
    _update(session, ids, active_subscriptions=lead_subscriptions.active_count_expr(col(Lead.id)))


def _int_id(value, what: str) -> int:
    try:
        return int(str(value).strip()[:18])
    except (TypeError, ValueError):
        raise NotFound(f"That {what} does not exist.") from None
