"""The lead page's tab bar (mixed into LeadState): which tab is open, the one error a tab's
load met, and which tabs hold current rows.

A tab is a substate of LeadState with a `TAB` key (state/lead_tab.py); the bar finds it by
that key among the substates, so neither this module nor state/lead.py imports a tab.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from .url import set_if_changed


class LeadTabBar(rx.State, mixin=True):
    # The open tab and the one error a tab's load met.
    tab: str = "activity"
    tab_error: str = ""
    # Tabs whose rows are current, and tabs that hold rows at all (reset on another lead).
    _fresh_tabs: list[str] = []
    _filled_tabs: list[str] = []

    async def _tab_state(self, name: str) -> Any:
        """The substate showing tab `name` (a LeadTab, see state/lead_tab.py)."""
        for cls in type(self).get_substates():
            if getattr(cls, "TAB", None) == name:
                return await self.get_state(cls)
        raise KeyError(name)

    async def _load_tab(self, name: str):
        """Load one tab's rows; a refusal is shown above the tabs and in a toast."""
        set_if_changed(self, "tab_error", "")
        await (await self._tab_state(name))._load()
        if self.tab_error:
            return rx.toast.error(self.tab_error)
        if name not in self._fresh_tabs:
            self._fresh_tabs = [*self._fresh_tabs, name]
        if name not in self._filled_tabs:
            self._filled_tabs = [*self._filled_tabs, name]

    async def _tabs_changed(self):
        """After a change: the open tab reloads now, the others when next opened."""
        self._fresh_tabs = []
        return await self._load_tab(self.tab)

    async def _open_tab(self, name: str):
        set_if_changed(self, "tab", name)
        if name not in self._fresh_tabs:
            return await self._load_tab(name)
