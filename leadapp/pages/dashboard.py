"""The live dashboard (issue 6)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.shell import coming_soon, page_shell
from leadapp.components.task_agenda import todays_agenda_card
from leadapp.components.task_dialog import task_dialog
from leadapp.state.base import AuthState
from leadapp.state.todo import AgendaState


def dashboard_view() -> rx.Component:
    return page_shell("Dashboard", rx.vstack(todays_agenda_card(), task_dialog(),
                                             coming_soon("The live dashboard", "issue 6"), width="100%"))


def register(app: rx.App) -> None:
    app.add_page(dashboard_view, route="/", title="Dashboard · leadapp",
                 on_load=[AuthState.require_login, AgendaState.load])
