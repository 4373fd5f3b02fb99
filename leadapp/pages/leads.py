"""The lead list (issue 3)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.shell import coming_soon, page_shell
from leadapp.state.base import AuthState


def leads_view() -> rx.Component:
    return page_shell("Leads", coming_soon("The lead list", "issue 3"))


def register(app: rx.App) -> None:
    app.add_page(leads_view, route="/leads", title="Leads · leadapp", on_load=AuthState.require_login)
