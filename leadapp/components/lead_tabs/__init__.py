"""The lead page's tab card (P5-P18): one module per tab, each showing its LeadState substate.

To add a tab: its substate in state/lead_tabs/, its component here, one row in TAB_LIST.
"""

from __future__ import annotations

import reflex as rx

from leadapp.state.lead import LeadState

from .activity import activity_tab, site_tab
from .history import history_tab
from .messages import listings_tab, messages_tab, tools_tab
from .organizer import organizer_tab, updates_tab
from .search_dialog import search_dialog
from .subscriptions import subscriptions_tab

TAB_LIST = [
    ("activity", "Activity", "activity", activity_tab),
    ("site", "Site activity", None, site_tab),
    ("subscriptions", "Subscriptions", "subscriptions", subscriptions_tab),
    ("organizer", "Property organizer", None, organizer_tab),
    ("updates", "Email updates", None, updates_tab),
    ("history", "History", "history", history_tab),
    ("messages", "Messages", "messages", messages_tab),
    ("listings", "Listings sent", "listings_sent", listings_tab),
    ("tools", "Tool use", None, tools_tab),
]


def tabs() -> rx.Component:
    def trigger(key, label, count_key):
        return rx.tabs.trigger(
            rx.hstack(
                rx.text(label),
                rx.cond(
                    LeadState.counts[count_key].to(int) > 0,
                    rx.badge(
                        LeadState.counts[count_key].to(str), size="1", variant="soft", radius="full"
                    ),
                )
                if count_key
                else rx.fragment(),
                spacing="1",
                align="center",
            ),
            value=key,
            data_testid=f"tab-{key}",
        )

    return rx.card(
        rx.tabs.root(
            rx.box(
                rx.tabs.list(
                    *[trigger(k, lead, c) for k, lead, c, _ in TAB_LIST], size="2", wrap="nowrap"
                ),
                overflow_x="auto",
                width="100%",
            ),
            *[rx.tabs.content(fn(), value=k, padding_top="16px") for k, _, _, fn in TAB_LIST],
            value=LeadState.tab,
            on_change=LeadState.set_tab,
            width="100%",
        ),
        rx.cond(
            LeadState.tab_error != "",
            rx.callout(
                LeadState.tab_error,
                color_scheme="red",
                icon="shield_alert",
                data_testid="tab-error",
            ),
        ),
        search_dialog(),
        width="100%",
        min_width="0",
    )
