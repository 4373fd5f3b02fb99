"""P18 from the lead page: "Email this listing" (a dialog with an optional note).

Not a tab (TAB is empty): the dialog opens from any listing the lead page shows (property
organizer favourites, Listings sent) with one listing, or from the property search with
the listings picked there (`open_picked`). The showing sheet is its own page
(state/showing_sheet.py).
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.services import listing_mail
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.services.lead_page.types import ListingBrief

from ..args import id_arg
from ..lead import LeadState
from ..lead_tab import LeadTab
from .search import PropertySearch

NOTE_MAX = 5001  # listing_mail refuses a note of more than 5,000 characters


class ListingMail(LeadTab, LeadState):
    TAB: ClassVar[str] = ""
    # the dialog is open while it names a listing
    lm_listings: rx.Field[list[ListingBrief]] = rx.field(default_factory=list)
    lm_error: str = ""
    lm_key: rx.Field[int] = rx.field(0)  # a new key empties the note field
    lm_from_search: bool = False  # opened from the property search: Cancel goes back to it

    async def _open(self, listing_ids: list[int]):
        try:
            briefs = await self._with_user(listing_mail.listing_briefs, self.lead_id, listing_ids)
        except ValidationFailed as exc:
            return rx.toast.error("; ".join(exc.errors.values()))
        except ServiceError as exc:
            return self._fail(exc)
        self.lm_listings, self.lm_error, self.lm_from_search = briefs, "", False
        self.lm_key += 1

    @rx.event
    async def open_email(self, listing_id: int):
        listing_id = id_arg(listing_id)
        if not listing_id:
            return
        return await self._open([listing_id])

    @rx.event
    async def open_picked(self):
        """The property search's "Email these listings": the dialog takes its place (and
        gives it back, with the picks, on Cancel)."""
        search = await self.get_state(PropertySearch)
        if not search.ps_picked_ids:
            return rx.toast.error("Pick at least one listing.")
        refused = await self._open(list(search.ps_picked_ids))
        if refused is None:
            search.ps_open, self.lm_from_search = False, True
        return refused

    @rx.event
    async def close_email(self):
        if self.lm_from_search and self.lm_listings:
            (await self.get_state(PropertySearch)).ps_open = True
        self.lm_listings, self.lm_error, self.lm_from_search = [], "", False

    @rx.event
    async def send_email(self, form: dict):
        # cut past the service's limit, so that an overlong note is refused with its message
        note = str((form or {}).get("note", "") if isinstance(form, dict) else "")[:NOTE_MAX]
        listing_ids = [li["id"] for li in self.lm_listings]
        if not listing_ids:
            return
        try:
            await self._with_user(listing_mail.email_listings, self.lead_id, listing_ids, note)
        except ValidationFailed as exc:
            self.lm_error = "; ".join(exc.errors.values())
            return rx.toast.error(self.lm_error)
        except ServiceError as exc:
            return self._fail(exc)
        what = (
            self.lm_listings[0]["address"]
            if len(self.lm_listings) == 1
            else f"{len(self.lm_listings)} listings"
        )
        self.lm_listings, self.lm_error, self.lm_from_search = [], "", False
        search = await self.get_state(PropertySearch)
        search.ps_picked_ids, search.ps_picked_mls = [], []
        return await self._changed(f"Emailed {what} to the lead.", header=True)
