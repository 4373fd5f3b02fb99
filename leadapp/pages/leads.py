"""The lead list (L1-L5, L8): search, filters, sortable columns, paging, Add lead.

Everything on screen is in the URL (see state/leads.py). `leads_toolbar(*extra)` and
`lead_table(row_menu=...)` take the bulk-action buttons and the row menu (L7).
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.lead_actions import action_dialogs, bulk_actions, export_button, row_menu
from leadapp.components.lead_add import add_button, add_dialog
from leadapp.components.lead_filters import columns_menu, filter_panel, search_box
from leadapp.components.lead_table import lead_table, pager, selection_bar
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.ui import card_stack, column
from leadapp.state.leads import LeadListState as S


def leads_toolbar(*extra: rx.Component) -> rx.Component:
    return rx.flex(
        search_box(),
        rx.hstack(filter_panel(), columns_menu(), *extra, add_button(), spacing="2", wrap="wrap"),
        justify="between",
        align="center",
        gap="2",
        wrap="wrap",
        width="100%",
    )


def _view_tabs() -> rx.Component:
    """Agents with the pool switched on: My leads / Unassigned (G3)."""
    return rx.cond(
        S.pool_available,
        rx.segmented_control.root(
            rx.segmented_control.item("My leads", value="mine"),
            rx.segmented_control.item("Unassigned", value="unassigned"),
            value=rx.cond(S.unassigned_view, "unassigned", "mine"),
            on_change=lambda v: S.set_filter("view", rx.cond(v == "unassigned", "unassigned", "")),
            data_testid="view-tabs",
        ),
    )


def leads_view() -> rx.Component:
    return page_shell(
        "Leads",
        column(
            _view_tabs(),
            leads_toolbar(export_button()),
            selection_bar(bulk_actions()),
            card_stack(lead_table(row_menu=row_menu), pager(), spacing="3", testid="lead-list"),
            add_dialog(),
            action_dialogs(),
            spacing="3",
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, leads_view, "/leads", "Leads", S.load)
