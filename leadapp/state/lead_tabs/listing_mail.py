"""P18 from the lead page: "Email this listing" (a dialog with an optional note).

Not a tab (TAB is empty): the dialog opens from any listing the lead page shows (property
organizer favourites, the property search, Listings sent). The showing sheet is its own
page (state/showing_sheet.py).
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.services import listing_mail
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.services.lead_page.types import ListingBrief

from ..lead import LeadState
from ..lead_tab import LeadTab

NO_LISTING: ListingBrief = {"id": 0, "address": "", "price": "", "mls": ""}
NOTE_MAX = 5001  # listing_mail refuses a note of more than 5,000 characters


class ListingMail(LeadTab, LeadState):
    TAB: ClassVar[str] = ""
    lm_listing: ListingBrief = NO_LISTING  # the dialog is open while its id is set
    lm_error: str = ""
    lm_key: int = 0  # a new key empties the note field

    @rx.event
    async def open_email(self, listing_id: int):
        try:
            listing_id = int(listing_id)
        except (TypeError, ValueError):
            return
        try:
            brief = await self._with_user(listing_mail.listing_brief, self.lead_id, listing_id)
        except ServiceError as exc:
            return self._fail(exc)
        self.lm_listing, self.lm_error = brief, ""
        self.lm_key += 1

    @rx.event
    def close_email(self):
        self.lm_listing, self.lm_error = NO_LISTING, ""

    @rx.event
    async def send_email(self, form: dict):
        # cut past the service's limit, so that an overlong note is refused with its message
        note = str((form or {}).get("note", "") if isinstance(form, dict) else "")[:NOTE_MAX]
        listing_id = self.lm_listing["id"]
        if not listing_id:
            return
        try:
            await self._with_user(listing_mail.email_listings, self.lead_id, [listing_id], note)
        except ValidationFailed as exc:
            self.lm_error = "; ".join(exc.errors.values())
            return rx.toast.error(self.lm_error)
        except ServiceError as exc:
            return self._fail(exc)
        address = self.lm_listing["address"]
        self.lm_listing, self.lm_error = NO_LISTING, ""
        return await self._changed(f"Emailed {address} to the lead.", header=True)
