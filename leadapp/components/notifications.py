"""The header's bell (N1): unread count (live) and the latest notifications."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import divided_row
from leadapp.components.ui import ghost_button, muted, rows_or, small_button, wide_row
from leadapp.state.notifications import NotificationState


def _item(n) -> rx.Component:
    return divided_row(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            background=rx.cond(n["unread"], rx.color("accent", 9), "transparent"),
            margin_top="6px",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.cond(
                n["href"] != "",
                rx.link(
                    n["title"],
                    href=n["href"],
                    size="2",
                    weight="medium",
                    on_click=NotificationState.mark_read(n["id"]),
                    data_testid="notification-link",
                ),
                rx.text(n["title"], size="2", weight="medium"),
            ),
            rx.cond(n["body"] != "", muted(n["body"], size="1")),
            rx.cond(
                (n["kind"] == "offer") & n["unread"],
                small_button(
                    "Claim", NotificationState.claim(n["lead_id"]), testid="notification-claim"
                ),
            ),
            spacing="1",
            align="start",
            min_width="0",
        ),
        testid="notification-item",
    )


def bell() -> rx.Component:
    """The bell button with its unread badge; its popover lists the latest notifications."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.box(
                rx.icon_button(
                    rx.icon("bell", size=18),
                    variant="ghost",
                    aria_label="Notifications",
                    data_testid="bell",
                ),
                rx.cond(
                    NotificationState.unread > 0,
                    rx.badge(
                        NotificationState.unread,
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        size="1",
                        position="absolute",
                        top="-4px",
                        right="-6px",
                        pointer_events="none",
                        data_testid="bell-count",
                    ),
                ),
                position="relative",
                on_mount=NotificationState.watch,
            )
        ),
        rx.popover.content(
            rx.vstack(
                wide_row(
                    rx.text("Notifications", weight="bold", size="3"),
                    rx.spacer(),
                    ghost_button(
                        "Mark all read",
                        NotificationState.mark_all_read,
                        testid="notifications-read-all",
                    ),
                ),
                rows_or(
                    NotificationState.items,
                    _item,
                    "Nothing yet.",
                    spacing="0",
                    max_height="60vh",
                    overflow_y="auto",
                ),
                spacing="2",
                width="340px",
                max_width="90vw",
                data_testid="notification-list",
            ),
            align="end",
        ),
        on_open_change=NotificationState.toggle,
    )
