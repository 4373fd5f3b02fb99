"""The app shell: sidebar navigation, header with the signed-in user, page body.

Works from a phone's width up (the sidebar becomes a drawer) and in light and dark mode.
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.notifications import bell
from leadapp.components.reminders import reminder_watcher
from leadapp.components.ui import brand_mark, column, inline, muted, wide_row
from leadapp.state.base import AuthState

NAV = [
    ("Dashboard", "/", "layout-dashboard"),
    ("Leads", "/leads", "users"),
    ("To-Do", "/todo", "list-checks"),
    ("Marketing", "/marketing", "megaphone"),
    ("Import", "/import", "upload"),
    ("Outbox", "/outbox", "mail"),
    ("Settings", "/settings", "settings"),
]


def _nav_item(label: str, href: str, icon: str) -> rx.Component:
    path = AuthState.router.url.path
    active = (path == href) if href == "/" else path.startswith(href)
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=18),
            rx.text(label, size="3", weight="medium"),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            width="100%",
            background=rx.cond(active, rx.color("accent", 4), "transparent"),
            color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
            _hover={"background": rx.color("accent", 3)},
        ),
        href=href,
        underline="none",
        width="100%",
        data_testid=f"nav-{label.lower()}",
    )


def _brand() -> rx.Component:
    return inline(
        brand_mark(18, "6px", "8px"),
        rx.vstack(
            rx.text("leadapp", weight="bold", size="4", line_height="1"),
            muted(AuthState.brokerage_name, size="1", line_height="1.2"),
            spacing="0",
        ),
    )


def _nav_links() -> rx.Component:
    return column(*[_nav_item(*n) for n in NAV], spacing="1")


def sidebar() -> rx.Component:
    # The outer column runs the page's whole height (its background and border with it);
    # the navigation inside stays in view while the page scrolls.
    return rx.box(
        rx.box(
            column(_brand(), rx.divider(), _nav_links(), spacing="4"),
            height="100vh",
            position="sticky",
            top="0",
            padding="16px",
        ),
        width="220px",
        min_width="220px",
        align_self="stretch",
        border_right=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("gray", 1),
        display=["none", "none", "block"],
        data_testid="sidebar",
    )


def _mobile_menu() -> rx.Component:
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label="Menu")),
            rx.drawer.overlay(z_index="50"),
            rx.drawer.portal(
                rx.drawer.content(
                    column(_brand(), rx.divider(), _nav_links(), spacing="4"),
                    padding="16px",
                    width="240px",
                    height="100%",
                    background=rx.color("gray", 1),
                    z_index="60",
                )
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
    )


def header(title: str) -> rx.Component:
    return wide_row(
        _mobile_menu(),
        rx.heading(title, size="6", data_testid="page-title"),
        rx.spacer(),
        bell(),
        rx.color_mode.button(variant="ghost"),
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.avatar(fallback=AuthState.user_name.to(str)[:1], size="2", radius="full"),
                    rx.vstack(
                        rx.text(
                            AuthState.user_name, size="2", weight="medium", data_testid="user-name"
                        ),
                        rx.badge(
                            AuthState.user_role, size="1", variant="soft", data_testid="user-role"
                        ),
                        spacing="0",
                        align="start",
                        display=["none", "flex"],
                    ),
                    variant="ghost",
                    size="3",
                    data_testid="user-menu",
                )
            ),
            rx.menu.content(
                rx.menu.item(AuthState.user_email, disabled=True),
                rx.menu.separator(),
                rx.menu.item(
                    "Your profile", on_click=rx.redirect("/profile"), data_testid="menu-profile"
                ),
                rx.cond(
                    AuthState.is_broker,
                    rx.menu.item(
                        "Audit log", on_click=rx.redirect("/audit"), data_testid="menu-audit"
                    ),
                ),
                rx.menu.separator(),
                rx.menu.item(
                    "Sign out", on_click=AuthState.sign_out, color="red", data_testid="sign-out"
                ),
            ),
        ),
        padding_x=["12px", "24px"],
        padding_y="12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def page_shell(title: str, *children: rx.Component) -> rx.Component:
    """A signed-in page: nothing is shown until the session is confirmed."""
    return rx.cond(
        AuthState.signed_in,
        rx.hstack(
            sidebar(),
            rx.box(
                header(title),
                reminder_watcher(),
                rx.box(
                    *children, padding=["12px", "16px", "24px"], width="100%", max_width="1600px"
                ),
                flex="1",
                min_width="0",
            ),
            spacing="0",
            align="start",
            width="100%",
            min_height="100vh",
            background=rx.color("gray", 2),
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )


def add_signed_in_page(app: rx.App, view, route: str, title: str, *on_load) -> None:
    """Adds a page for signed-in users: titled "<title> · leadapp", its on_load events run
    after AuthState.require_login (which sends a signed-out visitor to sign in)."""
    app.add_page(
        view, route=route, title=f"{title} · leadapp", on_load=[AuthState.require_login, *on_load]
    )
