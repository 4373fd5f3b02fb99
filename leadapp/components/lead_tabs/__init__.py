"""The lead page's tab card (P5-P18): one module per tab, each showing its LeadState substate.

To add a tab: its substate in state/lead_tabs/ (key in state.lead.TABS), its component in a
module here, one Tab row in TAB_LIST (see DEVELOPERS.md, "The lead page").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from leadapp.components.ui import inline, notice
from leadapp.state.lead import LeadState

from .activity import activity_tab, site_tab
from .history import history_tab
from .listing_actions import listing_mail_dialog
from .messages import listings_tab, messages_tab, tools_tab
from .organizer import organizer_tab, updates_tab
from .search_dialog import search_dialog
from .subscriptions import subscriptions_tab


@dataclass(frozen=True)
class Tab:
    """One tab of the card: `key` is its LeadState.TABS entry (and its substate's TAB)."""

    key: str
    label: str
    count: str | None  # the LeadState.counts key shown as a badge, or None
    body: Callable[[], rx.Component]


TAB_LIST = [
    Tab("activity", "Activity", "activity", activity_tab),
    Tab("site", "Site activity", None, site_tab),
    Tab("subscriptions", "Subscriptions", "subscriptions", subscriptions_tab),
    Tab("organizer", "Property organizer", None, organizer_tab),
    Tab("updates", "Email updates", None, updates_tab),
    Tab("history", "History", "history", history_tab),
    Tab("messages", "Messages", "messages", messages_tab),
    Tab("listings", "Listings sent", "listings_sent", listings_tab),
    Tab("tools", "Tool use", None, tools_tab),
]


def _trigger(tab: Tab) -> rx.Component:
    badge = (
        rx.cond(
            LeadState.counts[tab.count] > 0,
            rx.badge(LeadState.counts[tab.count], size="1", variant="soft", radius="full"),
        )
        if tab.count
        else rx.fragment()
    )
    return rx.tabs.trigger(
        inline(rx.text(tab.label), badge, spacing="1"),
        value=tab.key,
        data_testid=f"tab-{tab.key}",
    )


def tabs() -> rx.Component:
    """The tab card; the tab row wraps onto a second line rather than hide a tab."""
    return rx.card(
        rx.tabs.root(
            rx.tabs.list(
                *[_trigger(t) for t in TAB_LIST],
                size="2",
                flex_wrap="wrap",  # a second row of tabs rather than tabs scrolled out of sight
                data_testid="lead-tab-list",
            ),
            *[rx.tabs.content(t.body(), value=t.key, padding_top="16px") for t in TAB_LIST],
            value=LeadState.tab,
            on_change=LeadState.set_tab,
            # a click (or Enter on a focused tab) opens a tab; focus alone does not, else a
            # click would send the change twice (pointer down, then focus) before the reply
            activation_mode="manual",
            width="100%",
        ),
        rx.cond(
            LeadState.tab_error != "",
            notice(LeadState.tab_error, "shield_alert", "red", testid="tab-error"),
        ),
        search_dialog(),
        listing_mail_dialog(),
        width="100%",
        min_width="0",
    )
