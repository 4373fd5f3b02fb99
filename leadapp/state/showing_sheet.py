"""The printable showing sheet (P18): /leads/<lead>/listing/<mls>/sheet[?date=YYYY-MM-DD].

Opening the page only reads (services/listing_mail.sheet_page checks the lead through
services/access); its Print button records the listing in the lead's Listings sent and
history (listing_mail.print_sheet), then opens the browser's print dialog.
"""

from __future__ import annotations

import reflex as rx

from leadapp.services import listing_mail
from leadapp.services.errors import NotSignedIn, ServiceError
from leadapp.services.lead_page.types import SheetPage

from .base import AuthState
from .lead import _lead_id_from
from .url import follow_url

EMPTY_SHEET: SheetPage = {
    "brokerage": "",
    "logo_url": "",
    "postal_address": "",
    "agent": "",
    "agent_phone": "",
    "agent_email": "",
    "signature": "",
    "lead": "",
    "lead_phone": "",
    "lead_email": "",
    "day": "",
    "date": "",
    "listing": {
        "address": "",
        "place": "",
        "price": "",
        "beds": "",
        "baths": "",
        "sqft": "",
        "type": "",
        "status": "",
        "listed": "",
        "mls": "",
        "photo_url": "",
        "open_house": "",
    },
}


class ShowingSheetState(AuthState):
    sheet_lead_id: int = 0
    sheet_mls: str = ""
    sheet: SheetPage = EMPTY_SHEET
    sheet_error: str = ""
    printed: bool = False  # recorded in Listings sent on this page

    def _path(self) -> str:
        return f"/leads/{self.sheet_lead_id}/listing/{self.sheet_mls}/sheet"

    async def _read(self, day: str):
        try:
            data = await self._with_user(
                listing_mail.sheet_page, self.sheet_lead_id, self.sheet_mls, day
            )
        except NotSignedIn:
            self._forget_user()
            return False
        except ServiceError as exc:
            return exc
        self.sheet, self.sheet_error = data, ""
        return True

    @rx.event
    async def load(self):
        """on_load: the sheet for the URL's lead, listing and date (today without one)."""
        params = self.router.page.params
        self.sheet_lead_id = _lead_id_from(params.get("lead_id", ""))
        self.sheet_mls = str(params.get("mls", ""))[:32]
        self.sheet, self.sheet_error, self.printed = EMPTY_SHEET, "", False
        day = str(self.router.url.query_parameters.get("date", ""))[:10]
        got = await self._read(day)
        if isinstance(got, ServiceError):
            self.sheet_error = str(got)

    @rx.event
    async def set_day(self, day: str):
        """Another date: the sheet shows it and the address bar follows (?date=)."""
        day = str(day or "")[:10]
        if not day or not self.sheet["day"]:
            return
        got = await self._read(day)
        if isinstance(got, ServiceError):
            return self._fail(got)
        if got:
            self.printed = False
            return follow_url(self._path(), f"date={self.sheet['day']}", replace=True)

    @rx.event
    async def print_sheet(self):
        """Record the sheet in the lead's Listings sent and history, then print."""
        if not self.sheet["day"]:
            return
        if not self.printed:
            try:
                await self._with_user(
                    listing_mail.print_sheet,
                    self.sheet_lead_id,
                    self.sheet_mls,
                    self.sheet["day"],
                )
            except ServiceError as exc:
                return self._fail(exc)
            self.printed = True
        return rx.call_script("window.print()")
