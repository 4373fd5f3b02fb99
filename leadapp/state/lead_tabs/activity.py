"""The Activity (P5) and Site activity (P16) tabs: the lead's website activity, paged."""

from __future__ import annotations

from typing import ClassVar

from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.services import lead_page as svc
from leadapp.services.lead_page.types import ActivityPage, ActivityRow

from ..lead import LeadState
from ..lead_tab import FilteredPager


class ActivityTab(FilteredPager, LeadState):
    TAB: ClassVar[str] = "activity"
    FILTERS: ClassVar[tuple[str, ...]] = tuple(ACTIVITY_KINDS)
    rows: list[ActivityRow] = []

    async def _fetch(self, filter_value: str, page: int) -> ActivityPage | None:
        return await self._get(svc.activity_page, filter_value, page)


class SiteTab(FilteredPager, LeadState):
    TAB: ClassVar[str] = "site"
    FILTERS: ClassVar[tuple[str, ...]] = svc.SITE_KINDS
    rows: list[ActivityRow] = []

    async def _fetch(self, filter_value: str, page: int) -> ActivityPage | None:
        return await self._get(svc.site_activity_page, filter_value, page)
