"""The lead-list URL contract (L1-L5): `LeadQuery.parse(params)` reads the parameters (see
the module docstring of state/leads.py), dropping invalid values, never an error;
`filters()` / `to_params()` write them back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES

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


def _url_value(value: str | int | tuple) -> str:
    """A filter's value as the URL writes it (a tuple of codes comma-separated)."""
    return ",".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


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
        values = (
            ("q", self.q),
            ("view", self.view),
            ("agent", self.agent),
            ("type", self.types),
            ("status", self.statuses),
            ("stage", self.stages),
            ("rating", self.ratings),
            ("source", self.source),
            ("subscribed", self.subscribed),
            ("email", self.email),
            ("tags", self.tags),
            ("idle", self.idle),
            ("closed_year", self.closed_year),
        )
        return {key: _url_value(value) for key, value in values if value}

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
