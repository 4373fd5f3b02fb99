"""Running a query: the list order (sort), one page of rows with the exact total, and the
SELECT of every matching lead that bulk edit and export act on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Lead, LeadTag, RatingCutoff, Tag, User, utcnow
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES
from leadapp.models.timefmt import day_label, user_zone
from leadapp.services import people, rating
from leadapp.services.rows import Shapes, read, table_of

from .counts import _build_count, _count
from .params import LeadQuery
from .plan import _CUTOFF, _cutoff_of, _Plan, _plan

_AGENT_ORDER = (
    sa.select(table_of(User).c.id)
    .where(table_of(User).c.brokerage_id == sa.bindparam("brokerage_id"))
    .order_by(table_of(User).c.name, table_of(User).c.id)
)


def _order_by(session: Session, user: User, query: LeadQuery) -> list:
    pg = session.get_bind().dialect.name == "postgresql"
    desc = query.dir == "desc"
    cols: list = {
        "name": [Lead.last_name, Lead.first_name],
        "email": [Lead.email],
        "phone": [Lead.phone_digits],
        "type": [Lead.lead_type],
        "status": [Lead.status],
        "stage": [Lead.stage],
        "rating": [Lead.rating_score],
        "source": [Lead.source],
        "last_activity": [Lead.last_activity_at],
        "created": [Lead.created_at],
    }.get(query.sort, [])
    if query.sort == "agent":
        names = list(read(session, _AGENT_ORDER, {"brokerage_id": user.brokerage_id}).scalars())
        # Unassigned sorts after every agent; a CASE over the few users avoids a join.
        cols = [
            sa.case(
                {uid: i for i, uid in enumerate(names)},
                value=Lead.assigned_agent_id,
                else_=len(names),
            )
            if names
            else Lead.assigned_agent_id
        ]
    out = []
    for c in cols:
        o = c.desc() if desc else c.asc()
        # SQLite's order: NULLs first ascending, last descending. Only for a column that
        # can hold NULL: on a NOT NULL one the clause changes nothing but stops PostgreSQL
        # from walking an ascending index backwards (that scan gives DESC NULLS FIRST).
        if pg and getattr(getattr(c, "expression", c), "nullable", True):
            o = o.nulls_last() if desc else o.nulls_first()
        out.append(o)
    out.append(col(Lead.id).desc() if desc else col(Lead.id).asc())
    return out


# --------------------------------------------------------------------------- running it

TAG_SEP = "\x1f"  # joins a lead's tag names in one column (never typed in a tag)
# Timestamps come back as the driver gives them (text on SQLite, parsed below with the C
# fromisoformat) instead of through the ORM type's per-value processing.
LIST_COLUMNS = (
    col(Lead.id),
    col(Lead.first_name),
    col(Lead.last_name),
    col(Lead.email),
    col(Lead.phone),
    col(Lead.lead_type),
    col(Lead.status),
    col(Lead.stage),
    col(Lead.rating_score),
    sa.type_coerce(col(Lead.last_activity_at), sa.String).label("last_activity_at"),
    col(Lead.source),
    col(Lead.assigned_agent_id),
    sa.type_coerce(col(Lead.created_at), sa.String).label("created_at"),
)


_PAGE_SELECTS: dict[str, Any] = {}


def _page_select(dialect: str):
    """SELECT the list columns, the lead's tags (joined by TAG_SEP), its agent's name and the
    rating cut-offs of the brokerage :cutoff_brokerage_id (plan._CUTOFF's columns, NULL when
    it has none), for the stars (built once).
    """
    if dialect not in _PAGE_SELECTS:
        agg = sa.func.string_agg if dialect == "postgresql" else sa.func.group_concat
        tag_list = (
            sa.select(agg(Tag.name, TAG_SEP))
            .select_from(LeadTag)
            .join(Tag, col(Tag.id) == LeadTag.tag_id)
            .where(col(LeadTag.lead_id) == Lead.id)
            .scalar_subquery()
        )
        agent_name = (
            sa.select(col(User.name))
            .where(col(User.id) == Lead.assigned_agent_id)
            .scalar_subquery()
        )
        cutoff = table_of(RatingCutoff)
        _PAGE_SELECTS[dialect] = sa.select(
            *LIST_COLUMNS,
            tag_list.label("tag_list"),
            agent_name.label("agent_name"),
            *_CUTOFF.selected_columns,
        ).select_from(
            table_of(Lead).outerjoin(
                cutoff, cutoff.c.brokerage_id == sa.bindparam("cutoff_brokerage_id")
            )
        )
    return _PAGE_SELECTS[dialect]


def filtered_select(
    session: Session, user: User, query: LeadQuery, *columns, now: datetime | None = None
):
    """SELECT columns (default: Lead.id) of the leads matching `query` that `user` may see, in list
    order.
    """
    plan = _plan(session, user, query, now)
    stmt = select(*(columns or (col(Lead.id),))).where(*plan.where)
    if plan.empty:
        stmt = stmt.where(sa.false())
    return stmt.order_by(*_order_by(session, user, plan.query))


def matching_ids(
    session: Session, user: User, filters: Mapping[str, Any], limit: int = 100_000
) -> list[int]:
    """Ids of all leads matching a filter dict (LeadQuery.filters()) that `user` may see."""
    query = LeadQuery.parse(filters)
    return list(session.exec(filtered_select(session, user, query).limit(limit)).all())


ORDERED_MAX = 20_000  # a search matching at most this many leads is counted and paged in one pass


def _build_search_page(flags: tuple, where, order) -> sa.Select:
    """The ids of a page of matches, each with the total (a window count)."""
    return (
        sa.select(col(Lead.id), sa.func.count().over())
        .where(*where)
        .order_by(*order)
        .limit(sa.bindparam("page_size", type_=sa.Integer))
        .offset(sa.bindparam("page_offset", type_=sa.Integer))
    )


_SEARCH_PAGES = Shapes(_build_search_page)


def _search_page(
    session: Session, plan: _Plan, order: list, size: int, offset: int
) -> tuple[int, list[int | None]] | None:
    """(total, the page's ids) of a small search in one statement, or None: count and page as usual.

    A search (SQLite) would count its matches and then order them for the page: two passes
    over the same leads. When cheap upper bounds (the FTS matches and the phone-suffix range,
    before status and visibility) say there are at most ORDERED_MAX, one statement orders
    them and carries the total (a window count) on each row of the page. A page beyond the
    end has no rows to carry it: the last page is read again.
    """
    if not plan.search_bounds or plan.empty:
        return None
    conn = session.connection()
    if sum(int(conn.execute(b).scalar_one()) for b in plan.search_bounds) > ORDERED_MAX:
        return None

    def ids(offset: int) -> list:
        params = {"page_size": size, "page_offset": offset}
        return list(_SEARCH_PAGES.read(session, (), (plan.where, order), params).all())

    rows = ids(offset)
    if not rows and offset:
        total = _count(session, plan)
        rows = ids(max(0, (total - 1) // size) * size) if total else []
    return (int(rows[0][1]) if rows else 0), [r[0] for r in rows]


def _build_page(flags: tuple, where, order, rollup) -> sa.Select:
    """One page of list rows (_page_select) in list order. flags: (dialect, "ids", "") for the
    leads of the ids :page_ids, else (dialect, offset?, total) for the page :page_size rows
    after :page_offset of the leads matching `where`, with the total count (counts._count's
    statement: "rollup" over `rollup`, "lead" over `where`) as the last column."""
    dialect, kind, total = flags
    if kind == "ids":
        page_ids = sa.bindparam("page_ids", expanding=True, type_=sa.Integer)
        return _page_select(dialect).where(col(Lead.id).in_(page_ids)).order_by(*order)
    # Deferred join: the page's ids first (skipping `offset` rows reads only an index, see
    # ix_lead_b_created), then those rows with their tags and agent name in the same statement.
    ids_q = (
        sa.select(col(Lead.id))
        .where(*where)
        .order_by(*order)
        .limit(sa.bindparam("page_size", type_=sa.Integer))
    )
    if kind == "offset":
        ids_q = ids_q.offset(sa.bindparam("page_offset", type_=sa.Integer))
    stmt = _page_select(dialect)
    if total:
        counted = _build_count((total,), rollup if total == "rollup" else where)
        stmt = stmt.add_columns(counted.scalar_subquery().label("total"))
    return stmt.where(col(Lead.id).in_(ids_q.scalar_subquery())).order_by(*order)


_PAGES = Shapes(_build_page)
_CUTOFF_AT = len(LIST_COLUMNS) + 2  # the page row's _CUTOFF columns (then the total, if asked)


def _page_rows(
    session: Session,
    user: User,
    plan: _Plan,
    order: list,
    offset: int,
    page_ids: list[int | None] | None = None,
    counted: bool = False,
) -> list:
    """The page's rows: the leads `page_ids`, or the plan's page at `offset` (`counted`: with
    the total of counts._count as the last column)."""
    dialect = session.get_bind().dialect.name
    if page_ids is not None:
        flags, groups = (dialect, "ids", ""), ((), order, ())
    else:
        total = ("rollup" if plan.rollup is not None else "lead") if counted else ""
        flags = (dialect, "offset" if offset else "first", total)
        rollup = plan.rollup if total == "rollup" and plan.rollup is not None else []
        groups = (plan.where, order, rollup)
    params = {
        "page_ids": page_ids or [],
        "page_size": plan.query.size,
        "page_offset": offset,
        "cutoff_brokerage_id": user.brokerage_id,
    }
    return list(_PAGES.read(session, flags, groups, params).all())


def _utc(value) -> datetime | None:
    """A timestamp column as the driver gave it (SQLite: text) as an aware UTC datetime."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _day(value: date) -> str:
    """day_label of a local date (the list shows a page of rows from few distinct days)."""
    return day_label(value)


def _row_dicts(rows, cutoff, tz: tzinfo, now: datetime) -> list[dict]:
    """The list's rows (LIST_COLUMNS, tag_list, agent_name, ...) as the page shows them."""
    out = []
    for (
        lead_id,
        first_name,
        last_name,
        email,
        phone,
        lead_type,
        status,
        stage,
        score,
        last_activity_at,
        source,
        agent_id,
        created_at,
        tag_list,
        agent_name,
        *_,
    ) in rows:
        last = _utc(last_activity_at)
        created = _utc(created_at)
        out.append(
            {
                "id": lead_id,
                "name": people.name_or_email(first_name, last_name, email),
                "email": email,
                "phone": phone,
                "type": LEAD_TYPES.get(lead_type or "", ""),
                "status": LEAD_STATUSES.get(status, status),
                "status_code": status,
                "stage": STAGES.get(stage, stage),
                "stage_code": stage,
                "stars": rating.stars(score, last, cutoff, now),
                "source": source,
                "agent": (agent_name or "") if agent_id else "Unassigned",
                "agent_id": agent_id or 0,
                "tags": sorted(tag_list.split(TAG_SEP), key=str.lower) if tag_list else [],
                "last_activity": _day(last.astimezone(tz).date()) if last else "",
                "created": _day(created.astimezone(tz).date()) if created else "",
            }
        )
    return out


def list_page(
    session: Session,
    user: User,
    query: LeadQuery | Mapping | None = None,
    now: datetime | None = None,
) -> dict:
    """One page of the lead list, the exact total, and the query as applied.

    Returns {"rows": [...], "total": N, "page": p, "size": s, "pages": P, "query": LeadQuery,
    "first": index of the first row shown (1-based, 0 when empty), "last": ...}.
    A page beyond the end shows the last page.
    """
    now = now or utcnow()
    if not isinstance(query, LeadQuery):
        query = LeadQuery.parse(query or {})
    plan = _plan(session, user, query, now)
    query = plan.query
    order = _order_by(session, user, query)
    size = query.size
    searched = _search_page(session, plan, order, size, (query.page - 1) * size)
    rows = None
    if searched is not None:
        total = searched[0]
    elif plan.empty or plan.stars_at is not None:
        total = _count(session, plan)
    else:  # the total comes with the page's rows; with none (no match, past the end) alone
        rows = _page_rows(session, user, plan, order, (query.page - 1) * size, counted=True)
        total = int(rows[0][_CUTOFF_AT + 4]) if rows else _count(session, plan)
    pages = max(1, -(-total // size))
    if query.page > pages:
        query = query.with_(page=pages)
        plan.query = query
        rows = None
    if rows is None:
        page_ids = searched[1] if searched is not None else None
        offset = (query.page - 1) * size
        rows = _page_rows(session, user, plan, order, offset, page_ids) if total else []
    cutoff = plan.cutoff
    if cutoff is False:  # the stars' cut-offs came with the rows
        cutoff = (
            _cutoff_of(user.brokerage_id, rows[0][_CUTOFF_AT : _CUTOFF_AT + 4]) if rows else None
        )
    out = _row_dicts(rows, cutoff, user_zone(user), now)
    first = (query.page - 1) * query.size + 1 if total else 0
    return {
        "rows": out,
        "total": total,
        "page": query.page,
        "size": query.size,
        "pages": pages,
        "query": query,
        "first": first,
        "last": first + len(out) - 1 if out else 0,
    }
