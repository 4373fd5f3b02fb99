"""Outbox (C5): every email queued, sent, failed, bounced, opened or clicked."""

from __future__ import annotations

import reflex as rx

from leadapp.components.outbox import email_dialog, email_table, filter_bar, pager
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.ui import column, muted
from leadapp.state.base import AuthState
from leadapp.state.outbox import OutboxState


def outbox_page() -> rx.Component:
    return page_shell(
        "Outbox",
        column(
            muted(
                rx.cond(
                    AuthState.is_broker,
                    "Every email your brokerage's leadapp sent or will send.",
                    "Every email sent or queued to your leads.",
                )
            ),
            filter_bar(),
            email_table(),
            pager(),
            email_dialog(),
            spacing="4",
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, outbox_page, "/outbox", "Outbox", OutboxState.load)
