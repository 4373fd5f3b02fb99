"""Shared pieces of the Marketing pages (markets, campaigns): the page with its tab links,
form fields, a previewed email."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.forms import SELECT_STYLE, labelled
from leadapp.components.shell import page_shell
from leadapp.components.ui import column, inline, muted
from leadapp.state.base import AuthState


def marketing_tabs(current: str) -> rx.Component:
    def tab(label: str, href: str, key: str):
        return rx.link(
            rx.button(label, variant="solid" if key == current else "soft", size="2"),
            href=href,
            data_testid=f"marketing-tab-{key}",
        )

    return inline(
        tab("Markets", "/marketing", "markets"),
        tab("Campaigns", "/marketing/campaigns", "campaigns"),
        rx.cond(
            ~AuthState.is_broker,
            rx.badge("Read-only: brokers manage these", color_scheme="gray", variant="soft"),
        ),
    )


def marketing_page(title: str, current: str, note: str, *children: Any) -> rx.Component:
    """A Marketing page: the tab links (`current` highlighted), its grey `note`, then `children`."""
    return page_shell(title, column(marketing_tabs(current), muted(note), *children, spacing="4"))


def field(label: str, control: rx.Component, errors, key: str) -> rx.Component:
    return labelled(label, control, errors, key, error_testid=f"error-{key}", label_size="1")


def text_input(form, errors, label: str, name: str, placeholder: str = "") -> rx.Component:
    return field(
        label,
        rx.input(
            name=name,
            placeholder=placeholder,
            default_value=form[name],
            width="100%",
            data_testid=f"f-{name}",
        ),
        errors,
        name,
    )


def native_select(name: str, value, options, testid: str) -> rx.Component:
    return rx.el.select(
        options,
        name=name,
        default_value=value,
        style=SELECT_STYLE,
        data_testid=testid,
    )


def email_text(body) -> rx.Component:
    """A previewed email's plain-text body, its line breaks kept."""
    return rx.el.pre(body, style={"white_space": "pre-wrap", "font_size": "13px"})


def email_card(*lines: rx.Component, body: Any, testid: str) -> rx.Component:
    """A previewed email in a full-width card: its heading `lines`, then its text `body`."""
    return rx.card(*lines, email_text(body), width="100%", data_testid=testid)
