"""Lead page tabs (P5-P9, P11, P14-P18): each tab loads when opened and pages its rows.

Every handler passes the page's lead id to a service that checks access again, so a
forged call for another agent's lead is refused and changes nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.models.enums import ACTIVITY_KINDS, MARKET_REPORT_TYPES, PROPERTY_TYPES
from leadapp.services import lead_organizer as org
from leadapp.services import lead_page as svc
from leadapp.services import lead_subscriptions as subs
from leadapp.services.errors import ServiceError, ValidationFailed

from .base import AuthState
from .lead import _lead_id_from

TABS = (
    "activity",
    "site",
    "subscriptions",
    "organizer",
    "updates",
    "history",
    "messages",
    "listings",
    "tools",
)
SEARCH_FIELDS = (
    "city",
    "property_type",
    "transaction",
    "min_price",
    "max_price",
    "min_beds",
    "min_baths",
)


def _clip(form, keys, n: int = 200) -> dict[str, str]:
    if not isinstance(form, dict):
        return {}
    return {
        k: str(form.get(k, "") if form.get(k) is not None else "")[:n] for k in keys if k in form
    }


class LeadTabsState(AuthState):
    lead_id: int = 0
    tab: str = "activity"
    loaded: list[str] = []
    tab_error: str = ""
    # P5 activity
    act_rows: list[dict[str, Any]] = []
    act_kind: str = "all"
    act_page: int = 0
    act_pages: int = 1
    act_total: int = 0
    # P16 site activity
    site_rows: list[dict[str, Any]] = []
    site_kind: str = "all"
    site_page: int = 0
    site_pages: int = 1
    site_total: int = 0
    # P8 history
    hist_rows: list[dict[str, Any]] = []
    hist_filter: str = "all"
    hist_page: int = 0
    hist_pages: int = 1
    hist_total: int = 0
    note_kind: str = ""
    note_errors: dict[str, str] = {}
    note_draft: dict[str, str] = {}
    details_id: int = 0
    details_text: str = ""
    # P6 subscriptions
    sub_markets: list[dict[str, Any]] = []
    sub_campaigns: list[dict[str, Any]] = []
    sub_alerts: list[dict[str, Any]] = []
    market_choices: list[dict[str, str]] = []
    campaign_choices: list[dict[str, str]] = []
    sub_dialog: str = ""
    confirm_kind: str = ""
    confirm_id: int = 0
    confirm_text: str = ""
    # P7 organizer
    org_view: str = "searches"
    searches: list[dict[str, Any]] = []
    favs: list[dict[str, Any]] = []
    fav_sort: str = "newest"
    # property-search dialog (P7)
    ps_open: bool = False
    ps_mode: str = "search"
    ps_form: dict[str, str] = {}
    ps_errors: dict[str, str] = {}
    ps_rows: list[dict[str, Any]] = []
    ps_total: int = 0
    ps_page: int = 0
    ps_pages: int = 1
    ps_criteria: str = ""
    ps_key: int = 0
    ps_edit_id: int = 0
    ps_name: str = ""
    # P14 email updates
    eu_sales: list[dict[str, Any]] = []
    eu_rentals: list[dict[str, Any]] = []
    # P11 messages
    msg_rows: list[dict[str, Any]] = []
    msg_page: int = 0
    msg_pages: int = 1
    open_msg: dict[str, Any] = {}
    # P18 listings sent
    ls_rows: list[dict[str, Any]] = []
    ls_page: int = 0
    ls_pages: int = 1
    ls_total: int = 0
    # P15 tool use
    tool_rows: list[dict[str, Any]] = []
    tool_forms: list[dict[str, Any]] = []

    @rx.var
    def activity_kinds(self) -> list[dict[str, str]]:
        return [{"code": "all", "label": "All activity"}] + [
            {"code": k, "label": v} for k, v in ACTIVITY_KINDS.items()
        ]

    @rx.var
    def property_types(self) -> list[dict[str, str]]:
        return [{"code": "any", "label": "Any type"}] + [
            {"code": k, "label": v} for k, v in PROPERTY_TYPES.items()
        ]

    @rx.var
    def report_types(self) -> list[dict[str, str]]:
        return [{"code": k, "label": v} for k, v in MARKET_REPORT_TYPES.items()]

    # ------------------------------------------------------------ plumbing

    async def _get(self, fn, *args):
        """A tab's data, or None after telling the user why not."""
        try:
            return await self._with_user(fn, self.lead_id, *args)
        except ServiceError as exc:
            self.tab_error = str(exc)
            return None

    async def _load_tab(self, tab: str):
        self.tab_error = ""
        if tab == "activity":
            data = await self._get(
                svc.activity_page, "" if self.act_kind == "all" else self.act_kind, self.act_page
            )
            if data:
                self.act_rows, self.act_pages, self.act_total = (
                    data["rows"],
                    data["pages"],
                    data["total"],
                )
        elif tab == "site":
            data = await self._get(
                svc.site_activity_page,
                "" if self.site_kind == "all" else self.site_kind,
                self.site_page,
            )
            if data:
                self.site_rows, self.site_pages, self.site_total = (
                    data["rows"],
                    data["pages"],
                    data["total"],
                )
        elif tab == "history":
            data = await self._get(
                svc.history_page,
                "" if self.hist_filter == "all" else self.hist_filter,
                self.hist_page,
            )
            if data:
                self.hist_rows, self.hist_pages, self.hist_total = (
                    data["rows"],
                    data["pages"],
                    data["total"],
                )
        elif tab == "subscriptions":
            data = await self._get(subs.subscriptions)
            if data:
                self.sub_markets, self.sub_campaigns, self.sub_alerts = (
                    data["markets"],
                    data["campaigns"],
                    data["alerts"],
                )
                self.market_choices, self.campaign_choices = (
                    data["market_choices"],
                    data["campaign_choices"],
                )
        elif tab == "organizer":
            s = await self._get(org.saved_searches)
            f = await self._get(org.favorites, self.fav_sort) if s is not None else None
            if s is not None and f is not None:
                self.searches, self.favs = s, f
        elif tab == "updates":
            data = await self._get(org.email_updates)
            if data:
                self.eu_sales, self.eu_rentals = data["sales"], data["rentals"]
        elif tab == "messages":
            data = await self._get(svc.messages_page, self.msg_page)
            if data:
                self.msg_rows, self.msg_pages = data["rows"], data["pages"]
        elif tab == "listings":
            data = await self._get(svc.listings_sent_page, self.ls_page)
            if data:
                self.ls_rows, self.ls_pages, self.ls_total = (
                    data["rows"],
                    data["pages"],
                    data["total"],
                )
        elif tab == "tools":
            data = await self._get(svc.tool_use)
            if data:
                self.tool_rows, self.tool_forms = data["rows"], data["forms"]
        if self.tab_error:
            return rx.toast.error(self.tab_error)
        if tab not in self.loaded:
            self.loaded = [*self.loaded, tab]

    async def _action(self, fn, *args, ok: str = "", header: bool = False):
        """One change, then the open tab (and the header when counts move) reloads."""
        try:
            result = await self._with_user(fn, self.lead_id, *args)
        except ServiceError as exc:
            return False, [self._fail(exc)]
        self.loaded = []
        events = []
        failed = await self._load_tab(self.tab)
        if failed is not None:
            events.append(failed)
        if header:
            from .lead import LeadState

            events.append(LeadState.load_quiet)
        if ok:
            events.append(rx.toast.success(ok))
        return result, events

    # ------------------------------------------------------------ tabs

    @rx.event
    async def load(self):
        """on_load: forget the previous lead's tabs and open Activity."""
        self.reset()
        self.lead_id = _lead_id_from(self.router.page.params.get("lead_id", ""))
        if not self.lead_id or not self.session_token:
            return  # signed out: require_login has already sent the visitor to sign in
        await self._load_tab(
            "activity"
        )  # a refused lead is explained once, by the page (LeadState.error)

    @rx.event
    async def set_tab(self, tab: str):
        tab = str(tab)[:20]
        if tab not in TABS:
            return
        self.tab = tab
        if tab not in self.loaded:
            return await self._load_tab(tab)

    @rx.event
    async def refresh(self):
        """After a header action: reload the open tab, forget the others."""
        self.loaded = []
        return await self._load_tab(self.tab)

    @rx.event
    async def act_filter(self, kind: str):
        kind = str(kind)[:30]
        self.act_kind = kind if kind in ACTIVITY_KINDS or kind == "all" else "all"
        self.act_page = 0
        return await self._load_tab("activity")

    @rx.event
    async def act_goto(self, page: int):
        try:
            self.act_page = max(0, min(int(page), self.act_pages - 1))
        except (TypeError, ValueError):
            return
        return await self._load_tab("activity")

    @rx.event
    async def site_filter(self, kind: str):
        kind = str(kind)[:30]
        self.site_kind = kind if kind in svc.SITE_KINDS or kind == "all" else "all"
        self.site_page = 0
        return await self._load_tab("site")

    @rx.event
    async def site_goto(self, page: int):
        try:
            self.site_page = max(0, min(int(page), self.site_pages - 1))
        except (TypeError, ValueError):
            return
        return await self._load_tab("site")

    # ------------------------------------------------------------ history (P8, P10 details)

    @rx.event
    async def set_hist_filter(self, what: str):
        what = str(what)[:20]
        self.hist_filter = what if what in svc.HISTORY_FILTERS or what == "all" else "all"
        self.hist_page = 0
        return await self._load_tab("history")

    @rx.event
    async def hist_goto(self, page: int):
        try:
            self.hist_page = max(0, min(int(page), self.hist_pages - 1))
        except (TypeError, ValueError):
            return
        return await self._load_tab("history")

    @rx.event
    def open_note(self, kind: str):
        kind = str(kind)[:10]
        self.note_kind = kind if kind in ("note", "call") else ""
        self.note_errors = {}

    @rx.event
    def close_note(self):
        self.note_kind = ""
        self.note_errors = {}

    @rx.event
    async def add_note(self, form: dict):
        f = _clip(form, ("title", "body"), 25000)
        kind = self.note_kind or "note"
        try:
            await self._with_user(
                svc.add_note, self.lead_id, kind, f.get("title", ""), f.get("body", "")
            )
        except ValidationFailed as exc:
            self.note_errors, self.note_draft = exc.errors, f
            return rx.toast.error("Not saved: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        self.note_kind, self.note_errors, self.note_draft = "", {}, {}
        self.tab, self.hist_page = "history", 0
        self.loaded = []
        await self._load_tab("history")
        from .lead import LeadState

        return [LeadState.load_quiet, rx.toast.success("Saved to history.")]

    @rx.event
    def start_details(self, entry_id: int):
        try:
            entry_id = int(entry_id)
        except (TypeError, ValueError):
            return
        row = next((r for r in self.hist_rows if r["id"] == entry_id), None)
        if row is None:
            return
        self.details_id, self.details_text = entry_id, str(row.get("body", ""))

    @rx.event
    def cancel_details(self):
        self.details_id, self.details_text = 0, ""

    @rx.event
    async def save_details(self, form: dict):
        text = str((form or {}).get("details", "") if isinstance(form, dict) else "")[:25000]
        ok, events = await self._action(
            svc.set_entry_details, self.details_id, text, ok="Details saved."
        )
        if ok is not False:
            self.details_id, self.details_text = 0, ""
        else:
            self.details_text = text
        return events

    # ------------------------------------------------------------ subscriptions (P6)

    @rx.event
    def open_sub_dialog(self, name: str):
        name = str(name)[:20]
        self.sub_dialog = name if name in ("market", "campaign") else ""

    @rx.event
    def close_sub_dialog(self):
        self.sub_dialog = ""

    @rx.event
    async def add_market(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Pick a market.")
        types = [
            t for t in MARKET_REPORT_TYPES if form.get(f"type_{t}") in (True, "on", "true", "1")
        ]
        ok, events = await self._action(
            subs.subscribe_market,
            str(form.get("market_id", ""))[:20],
            types,
            ok="Market subscription added.",
            header=True,
        )
        if ok is not False:
            self.sub_dialog = ""
        return events

    @rx.event
    async def add_campaign(self, form: dict):
        if not isinstance(form, dict):
            return rx.toast.error("Pick a campaign.")
        ok, events = await self._action(
            subs.subscribe_campaign,
            str(form.get("campaign_id", ""))[:20],
            ok="Subscribed to the campaign.",
            header=True,
        )
        if ok is not False:
            self.sub_dialog = ""
        return events

    @rx.event
    def ask_deactivate(self, kind: str, sub_id: int):
        kind = str(kind)[:10]
        try:
            sub_id = int(sub_id)
        except (TypeError, ValueError):
            return
        rows = {"market": self.sub_markets, "campaign": self.sub_campaigns}.get(kind)
        row = next((r for r in rows or [] if r["id"] == sub_id), None)
        if row is None:
            return
        self.confirm_kind, self.confirm_id = kind, sub_id
        self.confirm_text = (
            f"Deactivate the {row['type']} for {row['market']}?"
            if kind == "market"
            else f"Deactivate the campaign {row['campaign']}?"
        )

    @rx.event
    def cancel_confirm(self):
        self.confirm_kind, self.confirm_id, self.confirm_text = "", 0, ""

    @rx.event
    async def confirm_deactivate(self):
        fn = {"market": subs.deactivate_market, "campaign": subs.deactivate_campaign}.get(
            self.confirm_kind
        )
        if fn is None:
            return
        sub_id = self.confirm_id
        self.confirm_kind, self.confirm_id, self.confirm_text = "", 0, ""
        _, events = await self._action(fn, sub_id, ok="Subscription deactivated.", header=True)
        return events

    @rx.event
    def manage_alerts(self):
        """'Manage email alerts / saved searches': to the organizer's saved searches."""
        self.tab, self.org_view = "organizer", "searches"
        return LeadTabsState.refresh

    # ------------------------------------------------------- organizer (P7) and email updates (P14)

    @rx.event
    def set_org_view(self, view: str | list[str]):
        view = str(view)[:12]
        if view in ("searches", "favorites"):
            self.org_view = view

    @rx.event
    async def sort_favorites(self, sort: str):
        sort = str(sort)[:12]
        if sort not in org.FAVORITE_SORTS:
            return
        self.fav_sort = sort
        return await self._load_tab("organizer")

    @rx.event
    async def toggle_alert(self, search_id: int, on: bool):
        _, events = await self._action(
            org.set_alerts,
            search_id,
            bool(on),
            ok="Email updates on." if on else "Email updates off.",
            header=True,
        )
        return events

    @rx.event
    async def delete_search(self, search_id: int):
        _, events = await self._action(
            org.delete_saved_search, search_id, ok="Saved search deleted.", header=True
        )
        return events

    @rx.event
    async def delete_favorite(self, fav_id: int):
        _, events = await self._action(
            org.delete_favorite, fav_id, ok="Favourite removed.", header=True
        )
        return events

    @rx.event
    async def send_all_now(self):
        result, events = await self._action(org.send_all_now, header=True)
        if result is False:
            return events
        return [
            *events,
            rx.toast.success(
                f"Queued {result['emails']} email(s) with {result['listings']} listings."
            ),
        ]

    @rx.event
    def open_search(self, mode: str, transaction: str = "sale"):
        mode = str(mode)[:10]
        transaction = str(transaction)[:5]
        self.ps_mode = mode if mode in ("search", "favorite") else "search"
        self.ps_form = {
            "transaction": transaction if transaction in ("sale", "rent") else "sale",
            "property_type": "any",
        }
        self.ps_errors, self.ps_rows, self.ps_total, self.ps_page, self.ps_pages = {}, [], 0, 0, 1
        self.ps_criteria = ""
        self.ps_edit_id, self.ps_name = 0, ""
        self.ps_key += 1
        self.ps_open = True

    @rx.event
    async def edit_search(self, search_id: int):
        """Open the property-search dialog on one of the agent's saved searches to update it."""
        try:
            search_id = int(search_id)
        except (TypeError, ValueError):
            return
        rows = self.searches + self.eu_sales + self.eu_rentals
        row = next((r for r in rows if r["id"] == search_id and r["can_delete"]), None)
        if row is None:
            return rx.toast.error("Only searches added by an agent can be changed here.")
        self.ps_mode = "search"
        self.ps_form = {"property_type": "any", **row["form"]}
        self.ps_edit_id, self.ps_name = search_id, str(row["raw_name"])
        self.ps_errors, self.ps_rows, self.ps_page = {}, [], 0
        self.ps_key += 1
        self.ps_open = True
        return await self._run_search()

    @rx.event
    def close_search(self):
        self.ps_open = False
        return LeadTabsState.refresh

    async def _run_search(self):
        try:
            data = await self._with_user(
                org.search_listings, self.lead_id, self.ps_form, self.ps_page
            )
        except ValidationFailed as exc:
            self.ps_errors = exc.errors
            return rx.toast.error("Check the search: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        self.ps_errors = {}
        self.ps_rows, self.ps_total, self.ps_pages, self.ps_criteria = (
            data["rows"],
            data["total"],
            data["pages"],
            data["criteria"],
        )

    @rx.event
    async def run_search(self, form: dict):
        self.ps_form = {**self.ps_form, **_clip(form, SEARCH_FIELDS, 100)}
        self.ps_page = 0
        return await self._run_search()

    @rx.event
    async def search_goto(self, page: int):
        try:
            self.ps_page = max(0, min(int(page), self.ps_pages - 1))
        except (TypeError, ValueError):
            return
        return await self._run_search()

    @rx.event
    async def save_search(self, form: dict):
        f = _clip(form, ("name", "alerts"), 200)
        criteria = {**self.ps_form, "name": f.get("name", "")}
        alerts = f.get("alerts") in ("on", "true", "True", "1")
        try:
            if self.ps_edit_id:
                await self._with_user(
                    org.update_saved_search, self.lead_id, self.ps_edit_id, criteria, alerts
                )
            else:
                await self._with_user(org.add_saved_search, self.lead_id, criteria, alerts)
        except ValidationFailed as exc:
            self.ps_errors = exc.errors
            return rx.toast.error("Not saved: " + "; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        self.ps_open = False
        done = "Search updated." if self.ps_edit_id else "Search saved for the lead."
        self.ps_edit_id, self.ps_name = 0, ""
        self.loaded = []
        await self._load_tab(self.tab)
        from .lead import LeadState

        return [LeadState.load_quiet, rx.toast.success(done)]

    @rx.event
    async def favorite_listing(self, listing_id: int):
        try:
            listing_id = int(listing_id)
        except (TypeError, ValueError):
            return rx.toast.error("That listing does not exist.")
        try:
            await self._with_user(org.add_favorite, self.lead_id, listing_id)
        except ServiceError as exc:
            return self._fail(exc)
        self.ps_rows = [
            r | {"favorite": True} if r["id"] == listing_id else r for r in self.ps_rows
        ]
        return rx.toast.success("Added to the lead's favourites.")

    # ------------------------------------------------------------ messages, listings sent

    @rx.event
    async def msg_goto(self, page: int):
        try:
            self.msg_page = max(0, min(int(page), self.msg_pages - 1))
        except (TypeError, ValueError):
            return
        return await self._load_tab("messages")

    @rx.event
    def open_message(self, entry_id: int):
        try:
            entry_id = int(entry_id)
        except (TypeError, ValueError):
            return
        self.open_msg = next((r for r in self.msg_rows if r["id"] == entry_id), {})

    @rx.event
    def close_message(self):
        self.open_msg = {}

    @rx.event
    async def ls_goto(self, page: int):
        try:
            self.ls_page = max(0, min(int(page), self.ls_pages - 1))
        except (TypeError, ValueError):
            return
        return await self._load_tab("listings")
