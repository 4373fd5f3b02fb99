"""The live dashboard (D1-D10): the landing page after sign-in."""

from __future__ import annotations

import reflex as rx

from leadapp.components import dashboard_lists as lists
from leadapp.components import dashboard_panels as p
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.task_agenda import todays_agenda_card
from leadapp.components.task_dialog import task_dialog
from leadapp.components.ui import column
from leadapp.state.dashboard import DashboardState
from leadapp.state.todo import AgendaState


def _stack(*cards) -> rx.Component:
    return column(*cards, spacing="4", min_width="0")


def dashboard_view() -> rx.Component:
    return page_shell(
        "Dashboard",
        column(
            p.dashboard_toolbar(),
            rx.grid(
                _stack(
                    p.active_card(), p.subscribed_card(), p.actions_card(), lists.upcoming_card()
                ),
                _stack(lists.feed_card()),
                _stack(todays_agenda_card(), p.funnel_card(), p.sources_card()),
                p.months_card(),
                columns=rx.breakpoints(initial="1", md="2", lg="3"),
                spacing="4",
                width="100%",
                align_items="start",
            ),
            task_dialog(),
            spacing="4",
            data_testid="dashboard",
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, dashboard_view, "/", "Dashboard", AgendaState.load, DashboardState.load)
