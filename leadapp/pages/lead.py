"""The lead page (P1-P18): the screen agents live in.

Header with rating, status, agent, tags and quick contact; quick-event buttons; the
pipeline row; the contact box and sales info; and the tabs, each loaded when opened.
"""

from __future__ import annotations

import reflex as rx

from leadapp.components import lead_header as h
from leadapp.components.display import icon_link
from leadapp.components.lead_tabs import tabs
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.task_dialog import task_dialog
from leadapp.components.task_list import lead_tasks_panel
from leadapp.components.ui import column, notice
from leadapp.state.lead import LeadState
from leadapp.state.todo import LeadTasksState


def lead_view() -> rx.Component:
    return page_shell(
        "Lead",
        rx.cond(
            LeadState.error != "",
            notice(LeadState.error, "shield_alert", "red", testid="lead-error"),
            rx.cond(
                # Var.create returns the state var as is, typed as the Var it is on the class
                rx.Var.create(LeadState.lead).length() > 0,
                column(
                    icon_link("arrow-left", "All leads", "/leads"),
                    h.header(),
                    rx.grid(
                        # P9/P17: the to-do panel: every owner's tasks on the lead,
                        # colour-keyed with the legend; "New" opens the shared task dialog.
                        column(h.contact_box(), lead_tasks_panel(), h.sales_info(), spacing="4"),
                        tabs(),
                        columns=rx.breakpoints(
                            initial="1", lg="minmax(300px, 360px) minmax(0, 1fr)"
                        ),
                        spacing="4",
                        width="100%",
                        align_items="start",
                    ),
                    h.edit_dialog(),
                    h.message_dialog(),
                    h.password_dialog(),
                    h.reject_dialog(),
                    task_dialog(),
                    spacing="4",
                ),
                rx.center(rx.spinner(size="3"), padding="48px"),
            ),
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(
        app, lead_view, "/leads/[lead_id]", "Lead", LeadState.load, LeadTasksState.load
    )
