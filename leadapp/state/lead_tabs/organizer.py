"""The Property organizer (P7) and Email updates (P14) tabs: saved searches and favourites."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from leadapp.services import lead_organizer as org
from leadapp.services.lead_page.types import FavoriteRow, SavedSearchRow

from ..lead import LeadState
from ..lead_tab import LeadTab


class OrganizerTab(LeadTab, LeadState):
    """P7; its saved-search actions serve the Email updates tab too."""

    TAB: ClassVar[str] = "organizer"
    org_view: str = "searches"  # "searches" | "favorites"
    searches: list[SavedSearchRow] = []
    favs: list[FavoriteRow] = []
    fav_sort: str = "newest"

    async def _load(self) -> None:
        searches = await self._get(org.saved_searches)
        favs = await self._get(org.favorites, self.fav_sort) if searches is not None else None
        if searches is not None and favs is not None:
            self._assign(searches=searches, favs=favs)

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
        return await (await self._lead())._load_tab(self.TAB)

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


class UpdatesTab(LeadTab, LeadState):
    """P14: the saved searches that email the lead, sales and rentals apart."""

    TAB: ClassVar[str] = "updates"
    sales: list[SavedSearchRow] = []
    rentals: list[SavedSearchRow] = []

    async def _load(self) -> None:
        await self._load_keys(org.email_updates, "sales", "rentals")

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
