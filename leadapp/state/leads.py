"""Lead list state (L1-L5, L8): one page of leads; filters, sort, search and page in the URL.

/leads?q=<text>&agent=<id>|unassigned&type=buyer,seller&status=new,active&stage=...&rating=3,2
&source=<text>&subscribed=yes|no&tags=<name>,<name>&idle=<days>&view=unassigned&sort=<column>
&dir=asc|desc&page=<n>&size=20|50|100

Every change (a header click, a filter, the search box, paging) writes the URL with a
redirect (search: replace, so typing does not fill the history); on_load reads it back and
the service runs it, so a reload or a shared link shows the same view. What the client sends
is parsed by LeadQuery (bad values dropped) and the service applies the user's visibility.

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
from leadapp.services.errors import NotSignedIn, ServiceError, ValidationFailed

from .base import AuthState

LIST_KEYS = ("type", "status", "stage", "rating", "tags")
SINGLE_KEYS = ("agent", "source", "subscribed", "idle", "view", "closed_year")


def _page_data(session, user, params: dict, with_options: bool) -> dict:
    data = svc.list_page(session, user, params)
    data["columns"] = svc.columns_of(user)
    if with_options:
        data["options"] = svc.filter_options(session, user)
    return data


class LeadListState(AuthState):
    rows: list[dict[str, Any]] = []
    total: int = 0
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
    search_key: int = 0
    columns: list[str] = []
    agents: list[dict[str, str]] = []
    sources: list[str] = []
    tag_names: list[str] = []
    pool_available: bool = False
    loaded: bool = False
    # Row selection for bulk actions.
    selected: list[int] = []
    all_matching: bool = False
    # Add lead (L8)
    add_open: bool = False
    add_form: dict[str, str] = {}
    add_errors: dict[str, str] = {}
    add_key: int = 0
    _options_for: int = 0
    # URLs this state wrote whose on_load has not come back yet (their query strings, in order):
    # an older one arriving after a newer one was written is a stale echo and is skipped.
    _pending_urls: list[str] = []
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
        q: svc.LeadQuery = data["query"]
        self.rows = data["rows"]
        self.total, self.first, self.last = data["total"], data["first"], data["last"]
        self.page, self.pages, self.size = data["page"], data["pages"], data["size"]
        self.sort, self.dir = q.sort, q.dir
        new_filters = q.filters()
        if new_filters != self.filters:
            self.selected, self.all_matching = [], False
        else:
            self.selected = [i for i in self.selected if i in {r["id"] for r in self.rows}]
        self.filters = new_filters
        self.filter_count = q.filter_count
        if q.q != svc.LeadQuery.parse({"q": self.search}).q:
            self.search = q.q
            self.search_key += 1  # the search box shows the URL's text
        self.columns = data["columns"]
        if "options" in data:
            o = data["options"]
            self.agents, self.sources, self.tag_names, self.pool_available = (
                o["agents"],
                o["sources"],
                o["tags"],
                o["pool"],
            )
        self.loaded = True

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
        url = urlencode(svc.LeadQuery.parse(params).to_params())
        if url in self._pending_urls:
            i = self._pending_urls.index(url)
            stale = i < len(self._pending_urls) - 1
            self._pending_urls = self._pending_urls[i + 1 :]
            if stale:  # a newer view was written since; its own on_load follows
                return
        else:  # a reload, a link or the back button: the URL is the truth
            self._pending_urls = []
        self._loaded_url = url
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
        if not self.loaded:
            return
        try:
            data = await self._with_user(_page_data, self._query().to_params(), True)
        except ServiceError as exc:
            return self._fail(exc)
        self._apply(data)

    # ------------------------------------------------------------ URL changes

    def _goto(self, query: svc.LeadQuery, replace: bool = False):
        """Write the view to the URL (its on_load fetches the rows). The view's settings are
        taken at once, so a second click before that page arrives builds on this one."""
        params = query.to_params()
        url = urlencode(params)
        if url == (self._pending_urls[-1] if self._pending_urls else self._loaded_url):
            return None  # already there (or on its way)
        self._pending_urls = [*self._pending_urls[-19:], url]
        filters = query.filters()
        if filters != self.filters:
            self.selected, self.all_matching = [], False  # a selection belongs to its filter
        self.filters, self.filter_count = filters, query.filter_count
        self.sort, self.dir, self.page, self.size = query.sort, query.dir, query.page, query.size
        return rx.redirect("/leads" + (f"?{url}" if url else ""), replace=replace)

    @rx.event
    def set_sort(self, column: str):
        """A header click: sort by that column, or flip the direction when it already is."""
        column = str(column or "")[:20]
        if column not in svc.SORT_COLUMNS:
            return
        q = self._query()
        if q.sort == column:
            direction = "asc" if q.dir == "desc" else "desc"
        else:
            direction = "desc" if column in ("rating", "last_activity", "created") else "asc"
        return self._goto(q.with_(sort=column, dir=direction, page=1))

    @rx.event
    def set_page(self, page):
        try:
            n = int(str(page)[:9])
        except (TypeError, ValueError):
            return
        return self._goto(self._query().with_(page=max(1, min(n, self.pages, svc.MAX_PAGE))))

    @rx.event
    def next_page(self):
        if self.page < self.pages:
            return self._goto(self._query().with_(page=self.page + 1))

    @rx.event
    def prev_page(self):
        if self.page > 1:
            return self._goto(self._query().with_(page=self.page - 1))

    @rx.event
    def set_size(self, size):
        try:
            n = int(str(size)[:4])
        except (TypeError, ValueError):
            return
        if n not in svc.PAGE_SIZES:
            return
        return self._goto(self._query().with_(size=n, page=1))

    @rx.event
    def set_search(self, text: str):
        """The search box (debounced in the page); replaces the URL so typing keeps no history."""
        text = str(text or "")[: svc.MAX_Q]
        self.search = text
        q = svc.LeadQuery.parse(
            {**self.filters, "q": text, "sort": self.sort, "dir": self.dir, "size": str(self.size)}
        )
        return self._goto(q, replace=True)

    def _with_filter(self, key: str, value: str) -> svc.LeadQuery:
        params = {**self.filters, "sort": self.sort, "dir": self.dir, "size": str(self.size)}
        if value:
            params[key] = value
        else:
            params.pop(key, None)
        return svc.LeadQuery.parse(params)

    @rx.event
    def set_filter(self, key: str, value: str):
        """Set one filter (value "" or "any" removes it); lists are comma-separated."""
        key, value = str(key or "")[:20], str(value or "")[:400]
        if key not in LIST_KEYS + SINGLE_KEYS:
            return
        if value == "any":
            value = ""
        return self._goto(self._with_filter(key, value))

    @rx.event
    def toggle_filter(self, key: str, code: str):
        """Tick or untick one value of a list filter (type, status, stage, rating, tags)."""
        key, code = str(key or "")[:20], str(code or "")[:60].strip()
        if key not in LIST_KEYS or not code:
            return
        current = [c for c in self.filters.get(key, "").split(",") if c]
        if code.lower() in [c.lower() for c in current]:
            current = [c for c in current if c.lower() != code.lower()]
        else:
            current.append(code)
        return self._goto(self._with_filter(key, ",".join(current)))

    @rx.event
    def clear_filters(self):
        """ "Clear all": drop every filter (the search text, sort and page size stay)."""
        q = svc.LeadQuery.parse(
            {
                "q": self.filters.get("q", ""),
                "sort": self.sort,
                "dir": self.dir,
                "size": str(self.size),
            }
        )
        return self._goto(q)

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
        try:
            lid = int(str(lead_id)[:12])
        except (TypeError, ValueError):
            return
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

    # ------------------------------------------------------------ add lead (L8)

    @rx.event
    def open_add(self):
        self.add_form, self.add_errors = {}, {}
        self.add_key += 1
        self.add_open = True

    @rx.event
    def close_add(self):
        self.add_open = False
        self.add_errors = {}

    @rx.event
    async def save_add(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Nothing to save.")
        keep = {k: str(form.get(k) or "")[:2000] for k in svc.ADD_FIELDS if k in form}
        try:
            lead_id = await self._with_user(svc.add_lead, keep)
        except ValidationFailed as exc:
            self.add_form = keep  # what was typed stays
            self.add_errors = exc.errors
            self.add_key += 1
            return
        except ServiceError as exc:
            return self._fail(exc)
        self.add_open = False
        self.add_form, self.add_errors = {}, {}
        return [rx.redirect(f"/leads/{lead_id}"), rx.toast.success("Lead added.")]
