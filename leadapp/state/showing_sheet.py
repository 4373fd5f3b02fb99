"""The printable showing sheet (P18): /leads/<lead>/listing/<mls>/sheet[?date=YYYY-MM-DD]
for one listing, /leads/<lead>/sheet?mls=A,B[&date=YYYY-MM-DD] for several (at most
listing_mail.MAX_LISTINGS, in that order).

Opening the page only reads (services/listing_mail.sheet_page checks the lead through
services/access); its Print button records each listing once in the lead's Listings sent and
history (listing_mail.print_sheet), then opens the browser's print dialog.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from leadapp.services import listing_mail
from leadapp.services.errors import NotSignedIn, ServiceError
from leadapp.services.lead_page.types import SheetPage

from .args import id_arg
from .base import AuthState
from .url import follow_url, route_args

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
    "listings": [],
}


class ShowingSheetState(AuthState):
    sheet_lead_id: rx.Field[int] = rx.field(0)
    sheet_mls: str = ""  # one MLS number, or several as "A,B"
    sheet_several: bool = False  # opened at /leads/<lead>/sheet?mls=...
    sheet: SheetPage = EMPTY_SHEET
    sheet_error: str = ""
    printed: bool = False  # recorded in Listings sent on this page

    def _path(self) -> tuple[str, str]:
        """The page's address and its query (without the date)."""
        if self.sheet_several:
            return f"/leads/{self.sheet_lead_id}/sheet", f"mls={quote(self.sheet_mls, safe=',')}&"
        return f"/leads/{self.sheet_lead_id}/listing/{self.sheet_mls}/sheet", ""

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
        """on_load: the sheet for the URL's lead, listings and date (today without one)."""
        params = route_args(self.router)
        query = self.router.url.query_parameters
        self.sheet_lead_id = id_arg(params.get("lead_id", ""))
        # the one-listing route has the MLS number in its path, the other in ?mls=
        self.sheet_several = "mls" in query or "mls" not in params
        raw = query.get("mls", "") if self.sheet_several else params.get("mls", "")
        # more numbers than allowed stay in, so that the service refuses them with its message
        numbers = listing_mail.mls_list(str(raw)[: 40 * listing_mail.MAX_LISTINGS])
        self.sheet_mls = ",".join(numbers[: listing_mail.MAX_LISTINGS + 1])
        self.sheet, self.sheet_error, self.printed = EMPTY_SHEET, "", False
        day = str(query.get("date", ""))[:10]
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
            path, query = self._path()
            return follow_url(path, f"{query}date={self.sheet['day']}", replace=True)

    @rx.event
    async def print_sheet(self):
        """Record each listing in the lead's Listings sent (once) and history, then print."""
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
