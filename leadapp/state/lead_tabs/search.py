"""The property-search dialog (P7, P14) opened from the organizer and email-update tabs.

Search listings for the lead, favourite one, save the criteria as a saved search, or update
one of the agent's saved searches. Listings found can be picked (P18, across result pages)
for one email (ListingMail.open_picked) or one showing sheet (/leads/<id>/sheet?mls=A,B).
Not a tab: TAB is empty, so the tab bar never opens it.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.services import lead_organizer as org
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.services.lead_page.types import FoundListing
from leadapp.services.listing_mail import MAX_LISTINGS

from ..args import id_arg
from ..lead import LeadState
from ..lead_tab import LeadTab
from .forms import clip
from .organizer import OrganizerTab, UpdatesTab


class PropertySearch(LeadTab, LeadState):
    TAB: ClassVar[str] = ""
    ps_open: bool = False
    ps_mode: str = "search"  # "search" (save the criteria) | "favorite" (pick listings)
    ps_form: dict[str, str] = {}
    ps_errors: dict[str, str] = {}
    ps_rows: list[FoundListing] = []
    ps_total: int = 0
    ps_page: int = 0
    ps_pages: int = 1
    ps_criteria: str = ""
    ps_key: rx.Field[int] = rx.field(0)  # a new key remounts the form with the new defaults
    ps_edit_id: int = 0
    ps_name: str = ""
    # picked for one email or one showing sheet (P18)
    ps_picked_ids: rx.Field[list[int]] = rx.field(default_factory=list)
    # their MLS numbers, for the sheet's address
    ps_picked_mls: rx.Field[list[str]] = rx.field(default_factory=list)

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
        self.ps_picked_ids, self.ps_picked_mls = [], []
        self.ps_key += 1
        self.ps_open = True

    @rx.event
    async def edit_search(self, search_id: int):
        """Open the dialog on one of the agent's saved searches to update it."""
        search_id = id_arg(search_id)
        if not search_id:
            return
        organizer = await self.get_state(OrganizerTab)
        updates = await self.get_state(UpdatesTab)
        rows = organizer.searches + updates.sales + updates.rentals
        row = next((r for r in rows if r["id"] == search_id and r["can_delete"]), None)
        if row is None:
            return rx.toast.error("Only searches added by an agent can be changed here.")
        self.ps_mode = "search"
        self.ps_form = {"property_type": "any", **row["form"]}
        self.ps_edit_id, self.ps_name = search_id, str(row["raw_name"])
        self.ps_errors, self.ps_rows, self.ps_page = {}, [], 0
        self.ps_picked_ids, self.ps_picked_mls = [], []
        self.ps_key += 1
        self.ps_open = True
        return await self._run_search()

    @rx.event
    async def close_search(self):
        """Close the dialog; the open tab shows the favourites just added."""
        self.ps_open = False
        return await (await self._lead())._tabs_changed()

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
        self.ps_form = {**self.ps_form, **clip(form, org.CRITERIA_KEYS, 100)}
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
        f = clip(form, ("name", "alerts"), 200)
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
        return await self._changed(done, header=True)

    @rx.event
    async def favorite_listing(self, listing_id: int):
        listing_id = id_arg(listing_id)
        if not listing_id:
            return rx.toast.error("That listing does not exist.")
        try:
            await self._with_user(org.add_favorite, self.lead_id, listing_id)
        except ServiceError as exc:
            return self._fail(exc)
        self.ps_rows = [
            {**r, "favorite": True} if r["id"] == listing_id else r for r in self.ps_rows
        ]
        return rx.toast.success("Added to the lead's favourites.")

    @rx.event
    def toggle_pick(self, listing_id: int):
        """Pick a listing of the results shown (or put it back) for email or a sheet."""
        listing_id = id_arg(listing_id)
        if not listing_id:
            return
        if listing_id in self.ps_picked_ids:
            i = self.ps_picked_ids.index(listing_id)
            self.ps_picked_ids = self.ps_picked_ids[:i] + self.ps_picked_ids[i + 1 :]
            self.ps_picked_mls = self.ps_picked_mls[:i] + self.ps_picked_mls[i + 1 :]
            return
        row = next((r for r in self.ps_rows if r["id"] == listing_id), None)
        if row is None:
            return rx.toast.error("That listing is not among the results.")
        if len(self.ps_picked_ids) >= MAX_LISTINGS:
            return rx.toast.error(f"At most {MAX_LISTINGS} listings at a time.")
        self.ps_picked_ids = [*self.ps_picked_ids, listing_id]
        self.ps_picked_mls = [*self.ps_picked_mls, str(row["mls"])]

    @rx.event
    def clear_picks(self):
        self.ps_picked_ids, self.ps_picked_mls = [], []
