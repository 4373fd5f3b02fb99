"""The lead list (L1-L5, G2, G3): filter, sort, search, count and page in the database.

`LeadQuery.parse(params)` reads the lead-list URL contract (see the module docstring of
state/leads.py); invalid values are dropped, never an error. `list_page(session, user, q)`
runs it: every WHERE clause starts from `access.lead_visibility(user)`, so an agent sees only
their own leads (plus the unassigned pool in view=unassigned, when the brokerage allows it),
whatever the parameters say.

Search (L2) matches a substring of the name, the email or the phone digits:
- SQLite: names and emails in the contentless FTS5 trigram table `lead_fts`; phone digits in
  `lead_fts_phone`, every suffix of each number, so a run of digits is one index range (both
  kept in step by triggers, see the i3_a and i3_c migrations); queries of one or two
  characters use prefix ranges on indexed columns.
- PostgreSQL: pg_trgm GIN indexes on the same expressions, queried with ILIKE.

Counting: when every applied filter is a dimension of the `lead_rollup` summary table
(agent, status, stage, closed year, source, subscribed, type), the exact count is a sum over
a few rollup rows; a brokerage-wide rating filter adds up the rating buckets
(rating.count_at_least); otherwise it is a COUNT over the same WHERE clause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import (
    EmailSuppression,
    Lead,
    LeadRollup,
    LeadTag,
    Tag,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES
from leadapp.models.timefmt import day_label, user_zone

from . import access, people, rating
from . import tags as tag_service
from .validation import PHONE_PUNCT_RE, phone_digits

SORT_COLUMNS = (
    "name",
    "email",
    "phone",
    "type",
    "status",
    "stage",
    "rating",
    "source",
    "agent",
    "last_activity",
    "created",
)
DEFAULT_SORT = "created"
DEFAULT_DIR = "desc"
PAGE_SIZES = (20, 50, 100)
RATINGS = (3, 2, 1, 0)
SUBSCRIBED = ("yes", "no")
MAX_PAGE = 1_000_000
MAX_Q = 100
MAX_TAGS = 20
# Filters counted on the filter button (q, sort, page and size are not filters).
FILTER_KEYS = (
    "agent",
    "type",
    "status",
    "rating",
    "stage",
    "source",
    "subscribed",
    "email",
    "tags",
    "idle",
    "closed_year",
    "view",
)


def _list(raw, allowed) -> tuple:
    """Comma-separated codes kept in the allowed order, unknown ones dropped."""
    if raw is None:
        return ()
    if isinstance(raw, (list, tuple)):
        raw = ",".join(str(x) for x in raw)
    parts = {p.strip().lower() for p in str(raw)[:400].split(",")}
    return tuple(a for a in allowed if str(a) in parts)


def _int(raw, lo: int, hi: int) -> int | None:
    try:
        value = int(str(raw).strip()[:12])
    except (TypeError, ValueError):
        return None
    return value if lo <= value <= hi else None


def _text(raw, limit: int) -> str:
    return re.sub(r"\s+", " ", str(raw or "")).strip()[:limit]


@dataclass(frozen=True)
class LeadQuery:
    q: str = ""
    agent: str = ""  # a user id, "unassigned", or "" (brokers only)
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    ratings: tuple[int, ...] = ()
    source: str = ""
    subscribed: str = ""  # "yes" | "no" | ""
    email: str = ""  # "bounced" (C5: the lead's address refused mail permanently) | ""
    tags: tuple[str, ...] = ()
    idle: int = 0
    closed_year: int = 0
    view: str = ""  # "unassigned" | ""
    sort: str = DEFAULT_SORT
    dir: str = DEFAULT_DIR
    page: int = 1
    size: int = PAGE_SIZES[0]

    @classmethod
    def parse(cls, params: Mapping[str, Any] | None) -> LeadQuery:
        """The query a URL (or a plain dict of its parameters) asks for; bad values dropped."""
        p = params if isinstance(params, Mapping) else {}
        get = lambda k: p.get(k)  # noqa: E731
        agent = _text(get("agent"), 20).lower()
        if agent != "unassigned":
            a = _int(agent, 1, 2**31 - 1)
            agent = str(a) if a else ""
        tags: dict[str, str] = {}
        raw_tags = get("tags")
        if isinstance(raw_tags, (list, tuple)):
            raw_tags = ",".join(str(t) for t in raw_tags)
        for part in str(raw_tags or "")[:2000].split(","):
            name = _text(part, 60)
            if name:
                tags.setdefault(name.lower(), name)
        sort = _text(get("sort"), 20).lower()
        direction = _text(get("dir"), 4).lower()
        size = _int(get("size"), 1, 1000)
        year = _int(get("closed_year"), 1900, 2200) or 0
        stages = _list(get("stage"), tuple(STAGES))
        return cls(
            q=_text(get("q"), MAX_Q),
            agent=agent,
            types=_list(get("type"), tuple(LEAD_TYPES)),
            statuses=_list(get("status"), tuple(LEAD_STATUSES)),
            stages=stages,
            ratings=tuple(int(r) for r in _list(get("rating"), tuple(str(r) for r in RATINGS))),
            source=_text(get("source"), 60),
            subscribed=v if (v := _text(get("subscribed"), 3).lower()) in SUBSCRIBED else "",
            email="bounced" if _text(get("email"), 10).lower() == "bounced" else "",
            tags=tuple(list(tags.values())[:MAX_TAGS]),
            idle=_int(get("idle"), 1, 3650) or 0,
            closed_year=year,
            view="unassigned" if _text(get("view"), 20).lower() == "unassigned" else "",
            sort=sort if sort in SORT_COLUMNS else DEFAULT_SORT,
            dir=direction if direction in ("asc", "desc") else DEFAULT_DIR,
            page=_int(get("page"), 1, MAX_PAGE) or 1,
            size=size if size in PAGE_SIZES else PAGE_SIZES[0],
        )

    def filters(self) -> dict[str, str]:
        """The applied filters and search as plain URL values (no sort or paging).

        This is "the current filter" other services take (bulk edit, export): pass it to
        `LeadQuery.parse` and `matching_ids` / `filtered_select` to act on all N matching leads.
        """
        out: dict[str, str] = {}
        if self.q:
            out["q"] = self.q
        if self.view:
            out["view"] = self.view
        if self.agent:
            out["agent"] = self.agent
        for key, values in (
            ("type", self.types),
            ("status", self.statuses),
            ("stage", self.stages),
            ("rating", self.ratings),
        ):
            if values:
                out[key] = ",".join(str(v) for v in values)
        if self.source:
            out["source"] = self.source
        if self.subscribed:
            out["subscribed"] = self.subscribed
        if self.email:
            out["email"] = self.email
        if self.tags:
            out["tags"] = ",".join(self.tags)
        if self.idle:
            out["idle"] = str(self.idle)
        if self.closed_year:
            out["closed_year"] = str(self.closed_year)
        return out

    def to_params(self) -> dict[str, str]:
        """All non-default values, in URL order (filters, then sort and paging)."""
        out = self.filters()
        if (self.sort, self.dir) != (DEFAULT_SORT, DEFAULT_DIR):
            out["sort"] = self.sort
            out["dir"] = self.dir
        if self.size != PAGE_SIZES[0]:
            out["size"] = str(self.size)
        if self.page != 1:
            out["page"] = str(self.page)
        return out

    @property
    def filter_count(self) -> int:
        """How many filters are applied (the number on the Filters button)."""
        return sum(1 for k in self.filters() if k in FILTER_KEYS)

    def with_(self, **changes) -> LeadQuery:
        return replace(self, **changes)


# --------------------------------------------------------------------------- building the query


@dataclass
class _Plan:
    where: list = field(default_factory=list)
    # When set, the exact count is a sum over these lead_rollup conditions.
    rollup: list | None = None
    empty: bool = False  # a condition that matches nothing (e.g. an unknown tag)
    query: LeadQuery | None = None  # the query after dropping what this user may not ask
    cutoff: Any = False  # the rating cut-offs when the plan read them
    # When set (a broker's whole-brokerage view filtered by rating only): count the stars
    # from the rating buckets (rating.count_at_least), at this time.
    stars_at: datetime | None = None
    rollup_base: list = field(
        default_factory=list
    )  # the lead_rollup conditions of the filters it can count
    # SQLite search: statements counting an upper bound of its matches (see _search_page)
    search_bounds: list = field(default_factory=list)


def _search_text(q: str) -> tuple[str, str]:
    """(lower-cased text, phone digits or '') of a search box value."""
    text = q.strip().lower()
    digits = phone_digits(text) if PHONE_PUNCT_RE.match(text) else ""
    return text, digits


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_range(col, prefix: str):
    """col starts with prefix, as an index range (case-sensitive)."""
    return sa.and_(col >= prefix, col < prefix + "\U0010ffff")


NAME_EXPR_PG = "(first_name || ' ' || last_name)"


# SQLite: a lead's phone digits from every position on (see the i3_c migration)
_PHONE_SUFFIX = sa.table(
    "lead_fts_phone", sa.column("brokerage_id"), sa.column("suffix"), sa.column("lead_id")
)


def search_clause(session: Session, brokerage_id: int, q: str, bounds: list | None = None):
    """The lead search (L3), one rule for the lead list, the HTTP API and the lead pickers.

    Three characters or more: name, email or phone digits containing the text (SQLite: the
    lead_fts index and the phone suffix table; PostgreSQL: escaped ILIKE served by pg_trgm);
    one or two characters: name, email or phone starting with them. None for an empty text.
    """
    text, digits = _search_text(q)
    if not text:
        return None
    pg = session.get_bind().dialect.name == "postgresql"
    short = len(text) < 3 and len(digits) < 3
    if pg and not short:
        pat = "%" + _like_escape(text) + "%"
        name = sa.literal_column(NAME_EXPR_PG)
        parts = [name.ilike(pat, escape="\\"), Lead.email.ilike(pat, escape="\\")]
        if len(digits) >= 3:
            parts.append(Lead.phone_digits.like("%" + digits + "%"))
        return sa.or_(*parts)
    if pg:  # one or two characters: names, email or phone starting with them
        pat = _like_escape(text) + "%"
        parts = [c.ilike(pat, escape="\\") for c in (Lead.first_name, Lead.last_name, Lead.email)]
        if digits:
            parts.append(Lead.phone_digits.like(digits + "%"))
        return sa.or_(*parts)
    if not short:
        parts, subqueries = [], []
        if len(text) >= 3:
            subqueries.append(
                sa.text("SELECT rowid FROM lead_fts WHERE lead_fts MATCH :fts_q")
                .bindparams(fts_q=_fts_phrase(text))
                .columns(sa.column("rowid", sa.Integer))
            )
        if (
            len(digits) >= 3
        ):  # numbers with a suffix starting with the digits: ":" sorts right after "9"
            sfx = _PHONE_SUFFIX.c
            subqueries.append(
                sa.select(sfx.lead_id).where(
                    sfx.brokerage_id == brokerage_id,
                    sfx.suffix >= digits,
                    sfx.suffix < digits + ":",
                )
            )
        for sub in subqueries:
            parts.append(Lead.id.in_(sub))
            if bounds is not None:
                bounds.append(sa.select(sa.func.count()).select_from(sub.subquery()))
        return sa.or_(*parts)
    # One or two characters: names, email or phone starting with them (index ranges).
    variants = {text, text.capitalize(), text.upper()}
    parts = [_prefix_range(Lead.email, text)]
    for v in variants:
        parts += [_prefix_range(Lead.first_name, v), _prefix_range(Lead.last_name, v)]
    if digits:
        parts.append(_prefix_range(Lead.phone_digits, digits))
    return sa.or_(*parts)


def _rating_clause(cutoff, ratings: tuple[int, ...], now: datetime):
    """Stars as ranges of the score (rating.stars), so the rating index bounds each range."""
    since = now - rating.WINDOW
    recent = Lead.last_activity_at >= since

    def above(bound: float):
        # One lower bound on the score (the tighter of > 0 and >= bound) keeps the index range
        # short.
        return Lead.rating_score >= bound if bound > 0 else Lead.rating_score > 0

    parts = []
    for r in ratings:
        if r == 0:
            parts.append(
                sa.or_(
                    Lead.last_activity_at.is_(None),
                    Lead.last_activity_at < since,
                    Lead.rating_score <= 0,
                )
            )
        elif cutoff is None:
            if r == 1:
                parts.append(sa.and_(recent, Lead.rating_score > 0))
        elif r == 3:
            parts.append(sa.and_(recent, above(cutoff.high)))
        elif r == 2:
            parts.append(sa.and_(recent, above(cutoff.low), Lead.rating_score < cutoff.high))
        elif r == 1:
            parts.append(sa.and_(recent, Lead.rating_score > 0, Lead.rating_score < cutoff.low))
    return sa.or_(*parts) if parts else sa.false()


def _plan(session: Session, user: User, query: LeadQuery, now: datetime | None = None) -> _Plan:
    now = now or utcnow()
    broker = access.is_broker(user)
    plan = _Plan()
    # Who: visibility first (G2, G3); then the agent filter (brokers only).
    view = query.view
    agent = query.agent if broker else ""
    if view == "unassigned":
        if broker:
            agent = "unassigned"
        elif not access.pool_enabled(session, user):
            view = ""
    if view == "unassigned" and not broker:
        plan.where.append(access.lead_visibility(user, include_pool=True))
        plan.where.append(Lead.assigned_agent_id.is_(None))
        agent_keys = [0]
    else:
        plan.where.append(access.lead_visibility(user))
        agent_keys = None if broker else [user.id]
    if agent == "unassigned":
        plan.where.append(Lead.assigned_agent_id.is_(None))
        agent_keys = [0]
    elif agent:
        plan.where.append(Lead.assigned_agent_id == int(agent))
        agent_keys = [int(agent)]
    sort = query.sort if (broker or query.sort != "agent") else DEFAULT_SORT
    plan.query = query.with_(
        view=view,
        agent=agent if broker and view != "unassigned" else "",
        sort=sort,
        dir=query.dir if sort == query.sort else DEFAULT_DIR,
    )

    rollup = [LeadRollup.brokerage_id == user.brokerage_id]
    if agent_keys is not None:
        rollup.append(LeadRollup.agent_key.in_(agent_keys))
    rollup_ok = True

    if query.statuses:
        plan.where.append(Lead.status.in_(query.statuses))
        rollup.append(LeadRollup.status.in_(query.statuses))
    else:  # the default view hides deleted leads (L6)
        plan.where.append(Lead.status != "deleted")
        rollup.append(LeadRollup.status != "deleted")
    if query.stages:
        plan.where.append(Lead.stage.in_(query.stages))
        rollup.append(LeadRollup.stage.in_(query.stages))
    if query.closed_year:
        start = datetime(query.closed_year, 1, 1, tzinfo=UTC)
        end = datetime(query.closed_year + 1, 1, 1, tzinfo=UTC)
        plan.where += [
            Lead.stage == "closed",
            Lead.stage_entered_at >= start,
            Lead.stage_entered_at < end,
        ]
        rollup += [LeadRollup.stage == "closed", LeadRollup.closed_year == query.closed_year]
    if query.source:
        plan.where.append(Lead.source == query.source)
        rollup.append(LeadRollup.source == query.source)
    if query.subscribed:
        yes = query.subscribed == "yes"
        plan.where.append(Lead.active_subscriptions > 0 if yes else Lead.active_subscriptions <= 0)
        rollup.append(LeadRollup.subscribed == yes)
    if query.email == "bounced":
        plan.where.append(
            sa.exists().where(
                EmailSuppression.brokerage_id == Lead.brokerage_id,
                EmailSuppression.address == sa.func.lower(Lead.email),
                EmailSuppression.kind == "bounced",
            )
        )
        rollup_ok = False
    if query.types:
        plan.where.append(Lead.lead_type.in_(query.types))
        rollup.append(LeadRollup.lead_type.in_(query.types))
    if query.ratings:
        plan.cutoff = _cutoff(session, user.brokerage_id)
        plan.where.append(_rating_clause(plan.cutoff, query.ratings, now))
        rollup_ok = False
        if (
            plan.cutoff is not None
            and agent_keys is None
            and not query.statuses
            and len(rollup) == 2
            and not (query.tags or query.idle or query.q)
        ):  # the brokerage, not deleted: nothing else
            plan.stars_at = now
    if query.tags:
        tag_ids = list(tag_service.ids_by_name(session, user.brokerage_id, query.tags).values())
        if not tag_ids:
            plan.empty = True
        plan.where.append(
            Lead.id.in_(select(LeadTag.lead_id).where(LeadTag.tag_id.in_(tag_ids or [-1])))
        )
        rollup_ok = False
    if query.idle:
        since = now - timedelta(
            days=query.idle
        )  # no call, quick event or message since (Lead.last_contacted_at)
        plan.where.append(sa.or_(Lead.last_contacted_at.is_(None), Lead.last_contacted_at < since))
        rollup_ok = False
    if query.q:
        clause = search_clause(session, user.brokerage_id, query.q, plan.search_bounds)
        if clause is not None:
            plan.where.append(clause)
            rollup_ok = False
    plan.rollup = rollup if rollup_ok else None
    plan.rollup_base = rollup
    return plan


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
        names = session.exec(
            select(User.id)
            .where(User.brokerage_id == user.brokerage_id)
            .order_by(User.name, User.id)
        ).all()
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
    out.append(Lead.id.desc() if desc else Lead.id.asc())
    return out


# --------------------------------------------------------------------------- running it

TAG_SEP = "\x1f"  # joins a lead's tag names in one column (never typed in a tag)
# Timestamps come back as the driver gives them (text on SQLite, parsed below with the C
# fromisoformat) instead of through the ORM type's per-value processing.
LIST_COLUMNS = (
    Lead.id,
    Lead.first_name,
    Lead.last_name,
    Lead.email,
    Lead.phone,
    Lead.lead_type,
    Lead.status,
    Lead.stage,
    Lead.rating_score,
    sa.type_coerce(Lead.last_activity_at, sa.String).label("last_activity_at"),
    Lead.source,
    Lead.assigned_agent_id,
    sa.type_coerce(Lead.created_at, sa.String).label("created_at"),
)


_PAGE_SELECTS: dict[str, Any] = {}


def _page_select(dialect: str):
    """SELECT the list columns, the lead's tags (joined by TAG_SEP) and its agent's name (built
    once).
    """
    if dialect not in _PAGE_SELECTS:
        agg = sa.func.string_agg if dialect == "postgresql" else sa.func.group_concat
        tag_list = (
            sa.select(agg(Tag.name, TAG_SEP))
            .select_from(LeadTag)
            .join(Tag, Tag.id == LeadTag.tag_id)
            .where(LeadTag.lead_id == Lead.id)
            .scalar_subquery()
        )
        agent_name = sa.select(User.name).where(User.id == Lead.assigned_agent_id).scalar_subquery()
        _PAGE_SELECTS[dialect] = sa.select(
            *LIST_COLUMNS, tag_list.label("tag_list"), agent_name.label("agent_name")
        )
    return _PAGE_SELECTS[dialect]


def filtered_select(
    session: Session, user: User, query: LeadQuery, *columns, now: datetime | None = None
):
    """SELECT columns (default: Lead.id) of the leads matching `query` that `user` may see, in list
    order.
    """
    plan = _plan(session, user, query, now)
    stmt = select(*(columns or (Lead.id,))).where(*plan.where)
    if plan.empty:
        stmt = stmt.where(sa.false())
    return stmt.order_by(*_order_by(session, user, plan.query))


def matching_ids(
    session: Session, user: User, filters: Mapping[str, Any], limit: int = 100_000
) -> list[int]:
    """Ids of all leads matching a filter dict (LeadQuery.filters()) that `user` may see."""
    query = LeadQuery.parse(filters)
    return list(session.exec(filtered_select(session, user, query).limit(limit)).all())


def count(session: Session, user: User, query: LeadQuery, now: datetime | None = None) -> int:
    """The exact number of leads matching `query` that `user` may see."""
    return _count(session, _plan(session, user, query, now))


def _count(session: Session, plan: _Plan) -> int:
    if plan.empty:
        return 0
    if plan.stars_at is not None:
        return _count_stars(session, plan)
    if plan.rollup is not None:
        stmt = sa.select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(*plan.rollup)
    else:
        stmt = sa.select(sa.func.count()).select_from(Lead).where(*plan.where)
    return int(session.connection().execute(stmt).scalar_one())


ORDERED_MAX = 20_000  # a search matching at most this many leads is counted and paged in one pass


def _search_page(
    session: Session, plan: _Plan, order: list, size: int, offset: int
) -> tuple[int, list[int]] | None:
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
    q = sa.select(Lead.id, sa.func.count().over()).where(*plan.where).order_by(*order).limit(size)
    rows = conn.execute(q.offset(offset)).all()
    if not rows and offset:
        total = _count(session, plan)
        rows = conn.execute(q.offset(max(0, (total - 1) // size) * size)).all() if total else []
    return (int(rows[0][1]) if rows else 0), [r[0] for r in rows]


def _count_stars(session: Session, plan: _Plan) -> int:
    """A rating-only count of the brokerage's (not deleted) leads, from the rating buckets.

    With C(x) = leads with score >= x and activity in the window: 3 stars = C(high),
    2 = C(low) - C(high), 1 = C(> 0) - C(low), 0 = all - C(> 0) — the ranges _rating_clause reads.
    """
    cutoff, now = plan.cutoff, plan.stars_at
    smallest = 5e-324  # score >= smallest <=> score > 0
    seen: dict[float, int] = {}

    def c(bound: float) -> int:
        bound = max(bound, smallest)
        if bound not in seen:
            seen[bound] = rating.count_at_least(session, cutoff, bound, now)
        return seen[bound]

    def total() -> int:
        return int(
            session.connection()
            .execute(
                sa.select(sa.func.coalesce(sa.func.sum(LeadRollup.count), 0)).where(
                    *plan.rollup_base
                )
            )
            .scalar_one()
        )

    by_stars = {
        3: lambda: c(cutoff.high),
        2: lambda: c(cutoff.low) - c(cutoff.high),
        1: lambda: c(smallest) - c(cutoff.low),
        0: lambda: total() - c(smallest),
    }
    return sum(by_stars[r]() for r in set(plan.query.ratings))


def _dt(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _cutoff(session: Session, brokerage_id: int):
    """The brokerage's rating cut-offs (low, high) or None: what rating.stars needs."""
    from types import SimpleNamespace

    from leadapp.models import RatingCutoff

    row = (
        session.connection()
        .execute(
            sa.select(RatingCutoff.low, RatingCutoff.high, RatingCutoff.aged_until).where(
                RatingCutoff.brokerage_id == brokerage_id
            )
        )
        .first()
    )
    return (
        SimpleNamespace(
            brokerage_id=brokerage_id, low=row.low, high=row.high, aged_until=row.aged_until
        )
        if row
        else None
    )


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
    conn = session.connection()
    order = _order_by(session, user, query)
    searched = _search_page(session, plan, order, query.size, (query.page - 1) * query.size)
    total = searched[0] if searched is not None else _count(session, plan)
    pages = max(1, -(-total // query.size))
    if query.page > pages:
        query = query.with_(page=pages)
        plan.query = query
    rows = []
    if total:
        offset = (query.page - 1) * query.size
        if searched is not None:  # the page's ids came with the count
            stmt = (
                _page_select(session.get_bind().dialect.name)
                .where(Lead.id.in_(searched[1]))
                .order_by(*order)
            )
        else:
            # Deferred join: the page's ids first (skipping `offset` rows reads only an index, see
            # ix_lead_b_created), then those rows with their tags and agent name in the same
            # statement.
            ids_q = sa.select(Lead.id).where(*plan.where).order_by(*order).limit(query.size)
            if offset:
                ids_q = ids_q.offset(offset)
            stmt = (
                _page_select(session.get_bind().dialect.name)
                .where(Lead.id.in_(ids_q.scalar_subquery()))
                .order_by(*order)
            )
        rows = list(conn.execute(stmt).all())
    cutoff = plan.cutoff if plan.cutoff is not False else _cutoff(session, user.brokerage_id)
    tz = user_zone(user)
    out = []
    for r in rows:
        last = as_utc(_dt(r.last_activity_at))
        created = as_utc(_dt(r.created_at))
        out.append(
            {
                "id": r.id,
                "name": people.name_or_email(r.first_name, r.last_name, r.email),
                "email": r.email,
                "phone": r.phone,
                "type": LEAD_TYPES.get(r.lead_type or "", ""),
                "status": LEAD_STATUSES.get(r.status, r.status),
                "status_code": r.status,
                "stage": STAGES.get(r.stage, r.stage),
                "stage_code": r.stage,
                "stars": rating.stars(r.rating_score, last, cutoff, now),
                "source": r.source,
                "agent": (r.agent_name or "") if r.assigned_agent_id else "Unassigned",
                "agent_id": r.assigned_agent_id or 0,
                "tags": sorted(r.tag_list.split(TAG_SEP), key=str.lower) if r.tag_list else [],
                "last_activity": day_label(last.astimezone(tz)) if last else "",
                "created": day_label(created.astimezone(tz)) if created else "",
            }
        )
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


def filter_options(session: Session, user: User) -> dict:
    """Choices for the filter panel: agents (brokers), sources, tags of the brokerage."""
    agents = []
    if access.is_broker(user):
        agents = [
            {"id": str(u.id), "name": u.name}
            for u in people.active_users(session, user.brokerage_id)
        ]
    sources = sorted(
        set(
            session.exec(
                select(LeadRollup.source)
                .where(LeadRollup.brokerage_id == user.brokerage_id, LeadRollup.count > 0)
                .distinct()
            ).all()
        )
        - {""}
    )
    tags = list(
        session.exec(
            select(Tag.name).where(Tag.brokerage_id == user.brokerage_id).order_by(Tag.name)
        ).all()
    )
    return {
        "agents": agents,
        "sources": sources,
        "tags": tags,
        "pool": (not access.is_broker(user)) and access.pool_enabled(session, user),
    }


# --------------------------------------------------------------------------- columns (L5)

# Every column of the list but the name (always shown), with its header.
COLUMNS = {
    "email": "Email",
    "phone": "Phone",
    "type": "Type",
    "status": "Status",
    "stage": "Stage",
    "rating": "Rating",
    "source": "Source",
    "agent": "Agent",
    "tags": "Tags",
    "last_activity": "Last activity",
    "created": "Created",
}
DEFAULT_COLUMNS = (
    "email",
    "phone",
    "type",
    "status",
    "stage",
    "rating",
    "agent",
    "tags",
    "last_activity",
    "created",
)


def columns_of(user: User) -> list[str]:
    """The columns `user` chose to see (the default set until they choose)."""
    chosen = [c for c in (user.list_columns or []) if c in COLUMNS]
    cols = chosen if user.list_columns else list(DEFAULT_COLUMNS)
    if not access.is_broker(user):
        cols = [c for c in cols if c != "agent"]
    return [c for c in COLUMNS if c in cols]


def set_columns(session: Session, user: User, columns) -> list[str]:
    """Remember the user's visible columns (unknown names dropped; at least the name stays)."""
    if not isinstance(columns, (list, tuple)):
        from .errors import ValidationFailed

        raise ValidationFailed({"columns": "Choose columns from the list."})
    wanted = {str(c)[:20] for c in columns[:50]}
    cols = [c for c in COLUMNS if c in wanted and (c != "agent" or access.is_broker(user))]
    db_user = session.get(User, user.id)
    # Remember "none but the name" too: an empty list means the default set, so keep a marker.
    db_user.list_columns = cols or ["name"]
    session.add(db_user)
    user.list_columns = db_user.list_columns
    return columns_of(user)


# --------------------------------------------------------------------------- add a lead (L8)

ADD_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "extra_emails",
    "extra_phones",
    "street",
    "city",
    "state",
    "postal_code",
    "birthday",
    "anniversary",
    "lead_type",
    "assigned_agent_id",
    "source",
    "texting_consent",
    "consent_method",
)


def add_lead(session: Session, user: User, form: Mapping[str, Any]) -> int:
    """L8: create a lead from the Add lead form; errors come back by form field.

    The field rules are services/validation.py (the importer's); "more emails/phones" are
    comma-separated. Returns the new lead's id.
    """
    from . import leads as lead_svc
    from . import texting_consent
    from .errors import ValidationFailed

    if not isinstance(form, Mapping):
        raise ValidationFailed({"email": "Email is required."})
    data: dict[str, Any] = {k: str(form.get(k) or "")[:2000] for k in ADD_FIELDS if k in form}
    for key in ("extra_emails", "extra_phones"):
        if key in data:
            data[key] = people.split_list(data[key])
    if not access.is_broker(user):
        data.pop("assigned_agent_id", None)
    method = data.pop("consent_method", "")
    consent = bool(method) or data.pop("texting_consent", "").lower() in ("1", "true", "yes", "on")
    data.pop("texting_consent", None)
    if consent and method not in texting_consent.GIVEN_BY:
        raise ValidationFailed({"consent_method": "Say how the lead gave texting consent."})
    try:
        lead = lead_svc.create_lead(session, user, data)
    except ValidationFailed as exc:
        errors: dict[str, str] = {}
        for key, msg in exc.errors.items():
            errors.setdefault(key.split(".")[0], msg)
        raise ValidationFailed(errors) from None
    if consent:  # TCPA: recorded with who, when and how
        session.flush()
        texting_consent._apply(session, user, lead, True, method)
    return lead.id
