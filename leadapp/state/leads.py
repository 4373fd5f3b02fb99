"""Lead list state (L1-L5, L8): one page of leads; filters, sort, search and page in the URL.

/leads?q=<text>&agent=<id>|unassigned&type=buyer,seller&status=new,active&stage=...&rating=3,2
&source=<text>&subscribed=yes|no&tags=<name>,<name>&idle=<days>&view=unassigned&sort=<column>
&dir=asc|desc&page=<n>&size=20|50|100

Every change (a header click, a filter, the search box, paging) is one event and one reply:
the handler runs the new view through the service, shows it, and writes its URL into the
address bar without a navigation (state/url.py; search: replace, so typing does not fill
the history). A reload, a shared link or the back button runs on_load, which reads the view
back from the URL. What the client sends is parsed by LeadQuery (bad values dropped) and the
service applies the user's visibility. A reply carries only the vars that changed.

For bulk actions (L7): `selected` holds the ids ticked on this page, `all_matching` says
"all N matching the filter" was chosen, and `filters` is the current filter as a plain dict
(LeadQuery.filters()) that services take (lead_query.matching_ids).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES
from leadapp.services import lead_query as svc
from leadapp.services.errors import NotSignedIn, ServiceError

from .args import id_arg, int_arg
from .base import AuthState
from .lead_add import LeadAdd
from .url import follow_url, set_if_changed

LIST_KEYS = ("type", "status", "stage", "rating", "tags")
SINGLE_KEYS = ("agent", "source", "subscribed", "email", "idle", "view", "closed_year")


def _page_data(session, user, params: dict, with_options: bool) -> dict:
    data = svc.list_page(session, user, params)
    data["columns"] = svc.columns_of(user)
    if with_options:
        data["options"] = svc.filter_options(session, user)
    return data


class LeadListState(LeadAdd, AuthState):
    rows: list[dict[str, Any]] = []
    total: rx.Field[int] = rx.field(0)
    first: int = 0
    last: int = 0
    page: int = 1
    pages: int = 1
    size: int = 20
    sort: str = svc.DEFAULT_SORT
    dir: str = svc.DEFAULT_DIR
    filters: dict[str, str] = {}
    filter_count: int = 0
    search: str = ""
    search_key: rx.Field[int] = rx.field(0)
    columns: rx.Field[list[str]] = rx.field(default_factory=list)
    agents: list[dict[str, str]] = []
    sources: list[str] = []
    tag_names: rx.Field[list[str]] = rx.field(default_factory=list)
    pool_available: bool = False
    loaded: bool = False
    # Row selection for bulk actions.
    selected: rx.Field[list[int]] = rx.field(default_factory=list)
    all_matching: rx.Field[bool] = rx.field(False)
    _options_for: int = 0
    # The query string of the view on screen.
    _loaded_url: str = ""

    # ------------------------------------------------------------ derived

    @rx.var
    def type_options(self) -> list[list[str]]:
        return [[k, v] for k, v in LEAD_TYPES.items()]

    @rx.var
    def status_options(self) -> list[list[str]]:
        return [[k, v] for k, v in LEAD_STATUSES.items()]

    @rx.var
    def stage_options(self) -> list[list[str]]:
        return [[k, v] for k, v in STAGES.items()]

    @rx.var
    def column_options(self) -> list[list[str]]:
        return [
            [k, v] for k, v in svc.COLUMNS.items() if k != "agent" or self.user_role == "broker"
        ]

    @rx.var
    def tag_options(self) -> list[list[str]]:
        return [[t, t] for t in self.tag_names]

    @rx.var
    def ticked(self) -> dict[str, list[str]]:
        """The ticked values of each list filter (tags lower-cased)."""
        out = {k: [c for c in self.filters.get(k, "").split(",") if c] for k in LIST_KEYS}
        out["tags"] = [t.lower() for t in out["tags"]]
        return out

    @rx.var
    def single(self) -> dict[str, str]:
        """The value of each single-choice filter ("any" when not applied)."""
        return {k: self.filters.get(k, "") or "any" for k in SINGLE_KEYS}

    @rx.var
    def range_text(self) -> str:
        if not self.total:
            return "No leads"
        return f"{self.first:,}–{self.last:,} of {self.total:,}"

    @rx.var
    def size_text(self) -> str:
        return str(self.size)

    @rx.var
    def has_prev(self) -> bool:
        return self.page > 1

    @rx.var
    def has_next(self) -> bool:
        return self.page < self.pages

    @rx.var
    def page_ids(self) -> list[int]:
        return [int(r["id"]) for r in self.rows]

    @rx.var
    def page_all_selected(self) -> bool:
        return bool(self.rows) and all(int(r["id"]) in self.selected for r in self.rows)

    @rx.var
    def selection_count(self) -> int:
        return self.total if self.all_matching else len(self.selected)

    @rx.var
    def unassigned_view(self) -> bool:
        return self.filters.get("view", "") == "unassigned"

    # ------------------------------------------------------------ loading

    def _query(self) -> svc.LeadQuery:
        """The view on screen as a LeadQuery (from the state, never from the client)."""
        return svc.LeadQuery.parse(
            {
                **self.filters,
                "sort": self.sort,
                "dir": self.dir,
                "page": str(self.page),
                "size": str(self.size),
            }
        )

    def _apply(self, data: dict) -> None:
        """Show a page of the service's answer; only what changed is assigned (and resent)."""
        q: svc.LeadQuery = data["query"]
        put = lambda name, value: set_if_changed(self, name, value)  # noqa: E731
        put("rows", data["rows"])
        for name in ("total", "first", "last", "page", "pages", "size"):
            put(name, data[name])
        put("sort", q.sort)
        put("dir", q.dir)
        new_filters = q.filters()
        if new_filters != self.filters:
            put("selected", [])
            put("all_matching", False)
        else:
            on_page = {r["id"] for r in self.rows}
            put("selected", [i for i in self.selected if i in on_page])
        put("filters", new_filters)
        put("filter_count", q.filter_count)
        if q.q != svc.LeadQuery.parse({"q": self.search}).q:
            self.search = q.q
            self.search_key += 1  # the search box shows the URL's text
        put("columns", data["columns"])
        if "options" in data:
            o = data["options"]
            put("agents", o["agents"])
            put("sources", o["sources"])
            put("tag_names", o["tags"])
            put("pool_available", o["pool"])
        put("loaded", True)
        self._loaded_url = urlencode(q.to_params())

    @rx.event
    async def load(self):
        """on_load: read the view from the URL and show its page."""
        if not (self.router.url.path or "").rstrip("/").endswith("/leads"):
            return
        params = {
            k: str(v)[:2000]
            for k, v in self.router.url.query_parameters.items()
            if isinstance(v, str)
        }
        with_options = self._options_for != self.user_id or not self.loaded
        try:
            data = await self._with_user(_page_data, params, with_options)
        except NotSignedIn:
            self._forget_user()
            return
        except ServiceError as exc:
            self.loaded = True
            return self._fail(exc)
        self._options_for = self.user_id
        self._apply(data)

    @rx.event
    async def reload(self):
        """Refresh the page on screen (after a change made from it)."""
        return await self._refresh() or None

    async def _refresh(self) -> list:
        """The page on screen read again, in the caller's reply; [] or the failure's events."""
        if not self.loaded:
            return []
        try:
            data = await self._with_user(_page_data, self._query().to_params(), True)
        except ServiceError as exc:
            return [self._fail(exc)]
        self._apply(data)
        return []

    # ------------------------------------------------------------ URL changes

    async def _goto(self, query: svc.LeadQuery, replace: bool = False):
        """Show this view (one service call) and write its URL, in the same reply."""
        params = query.to_params()
        url = urlencode(params)
        if url == self._loaded_url and self.loaded:
            return None  # already on screen
        try:
            data = await self._with_user(_page_data, params, False)
        except ServiceError as exc:
            return self._fail(exc)
        self._apply(data)
        return follow_url("/leads", self._loaded_url, replace=replace)

    @rx.event
    async def set_sort(self, column: str):
        """A header click: sort by that column, or flip the direction when it already is."""
        column = str(column or "")[:20]
        if column not in svc.SORT_COLUMNS:
            return
        q = self._query()
        if q.sort == column:
            direction = "asc" if q.dir == "desc" else "desc"
        else:
            direction = "desc" if column in ("rating", "last_activity", "created") else "asc"
        return await self._goto(q.with_(sort=column, dir=direction, page=1))

    @rx.event
    async def set_page(self, page):
        n = int_arg(page)
        if n < 1:
            return
        return await self._goto(self._query().with_(page=max(1, min(n, self.pages, svc.MAX_PAGE))))

    @rx.event
    async def next_page(self):
        if self.page < self.pages:
            return await self._goto(self._query().with_(page=self.page + 1))

    @rx.event
    async def prev_page(self):
        if self.page > 1:
            return await self._goto(self._query().with_(page=self.page - 1))

    @rx.event
    async def set_size(self, size):
        n = int_arg(size)
        if n not in svc.PAGE_SIZES:
            return
        return await self._goto(self._query().with_(size=n, page=1))

    @rx.event
    async def set_search(self, text: str):
        """The search box (debounced in the page); replaces the URL so typing keeps no history."""
        text = str(text or "")[: svc.MAX_Q]
        self.search = text
        q = svc.LeadQuery.parse(
            {**self.filters, "q": text, "sort": self.sort, "dir": self.dir, "size": str(self.size)}
        )
        return await self._goto(q, replace=True)

    def _with_filter(self, key: str, value: str) -> svc.LeadQuery:
        params = {**self.filters, "sort": self.sort, "dir": self.dir, "size": str(self.size)}
        if value:
            params[key] = value
        else:
            params.pop(key, None)
        return svc.LeadQuery.parse(params)

    @rx.event
    async def set_filter(self, key: str, value: str):
        """Set one filter (value "" or "any" removes it); lists are comma-separated."""
        key, value = str(key or "")[:20], str(value or "")[:400]
        if key not in LIST_KEYS + SINGLE_KEYS:
            return
        if value == "any":
            value = ""
        return await self._goto(self._with_filter(key, value))

    @rx.event
    async def toggle_filter(self, key: str, code: str):
        """Tick or untick one value of a list filter (type, status, stage, rating, tags)."""
        key, code = str(key or "")[:20], str(code or "")[:60].strip()
        if key not in LIST_KEYS or not code:
            return
        current = [c for c in self.filters.get(key, "").split(",") if c]
        if code.lower() in [c.lower() for c in current]:
            current = [c for c in current if c.lower() != code.lower()]
        else:
            current.append(code)
        return await self._goto(self._with_filter(key, ",".join(current)))

    @rx.event
    async def clear_filters(self):
        """ "Clear all": drop every filter (the search text, sort and page size stay)."""
        q = svc.LeadQuery.parse(
            {
                "q": self.filters.get("q", ""),
                "sort": self.sort,
                "dir": self.dir,
                "size": str(self.size),
            }
        )
        return await self._goto(q)

    # ------------------------------------------------------------ columns (L5)

    @rx.event
    async def toggle_column(self, column: str):
        column = str(column or "")[:20]
        if column not in svc.COLUMNS:
            return
        cols = (
            [c for c in self.columns if c != column]
            if column in self.columns
            else [*self.columns, column]
        )
        try:
            self.columns = await self._with_user(svc.set_columns, cols)
        except ServiceError as exc:
            return self._fail(exc)

    # ------------------------------------------------------------ selection (for bulk actions)

    @rx.event
    def toggle_row(self, lead_id, checked: bool):
        lid = id_arg(lead_id)
        if lid not in self.page_ids:
            return  # only rows on screen can be ticked
        self.all_matching = False
        if checked is True and lid not in self.selected:
            self.selected = [*self.selected, lid]
        elif checked is not True:
            self.selected = [i for i in self.selected if i != lid]

    @rx.event
    def toggle_page(self, checked: bool):
        self.all_matching = False
        self.selected = list(self.page_ids) if checked is True else []

    @rx.event
    def select_all_matching(self):
        self.selected = list(self.page_ids)
        self.all_matching = self.total > 0

    @rx.event
    def clear_selection(self):
        self.selected, self.all_matching = [], False
