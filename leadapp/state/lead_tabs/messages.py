"""The Messages (P11), Listings sent (P18) and Tool use (P15) tabs."""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from leadapp.services import lead_page as svc
from leadapp.services import outbox
from leadapp.services.lead_page.types import (
    FormRow,
    ListingSentRow,
    ListingsSentPage,
    MessageRow,
    MessagesPage,
    ToolRow,
)

from ..args import id_arg
from ..lead import LeadState
from ..lead_tab import LeadTab, Pager

# The message dialog's contents while none is open.
NO_MESSAGE: MessageRow = {
    "id": 0,
    "kind": "",
    "kind_text": "",
    "title": "",
    "body": "",
    "change": "",
    "who": "",
    "when": "",
    "edited": "",
    "can_edit": False,
    "delivery": "",
}


class MessagesTab(Pager, LeadState):
    TAB: ClassVar[str] = "messages"
    rows: list[MessageRow] = []
    open_msg: MessageRow = NO_MESSAGE
    all_mail: list[dict[str, Any]] = []  # C5: every email to the lead, any sender
    all_mail_total: int = 0

    async def _fetch(self, filter_value: str, page: int) -> MessagesPage | None:
        return await self._get(svc.messages_page, page)

    async def _load(self) -> None:
        await super()._load()
        mails = await self._get(outbox.lead_emails)
        if mails is not None:
            self._assign(all_mail=mails["rows"], all_mail_total=mails["total"])

    @rx.event
    def open_message(self, entry_id: int):
        entry_id = id_arg(entry_id)
        self.open_msg = next((r for r in self.rows if r["id"] == entry_id), NO_MESSAGE)

    @rx.event
    def close_message(self):
        self.open_msg = NO_MESSAGE


class ListingsTab(Pager, LeadState):
    TAB: ClassVar[str] = "listings"
    rows: list[ListingSentRow] = []

    async def _fetch(self, filter_value: str, page: int) -> ListingsSentPage | None:
        return await self._get(svc.listings_sent_page, page)


class ToolsTab(LeadTab, LeadState):
    TAB: ClassVar[str] = "tools"
    rows: list[ToolRow] = []
    forms: list[FormRow] = []

    async def _load(self) -> None:
        await self._load_keys(svc.tool_use, "rows", "forms")
