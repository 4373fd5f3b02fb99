"""The pages before sign-in (sign-in, first-run setup, set and forgot password): a centred
card with the brand title, and labelled full-size inputs."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from leadapp.components.forms import Errors, field_error
from leadapp.components.ui import brand_mark, column, inline


def centered_card(*children: rx.Component, max_width: str = "440px") -> rx.Component:
    return rx.center(
        rx.card(
            column(*children, spacing="4"),
            size="4",
            width="100%",
            max_width=max_width,
        ),
        min_height="100vh",
        padding="16px",
        background=rx.color("gray", 2),
    )


def brand_title(text: str) -> rx.Component:
    return inline(brand_mark(22, "8px", "10px"), rx.heading(text, size="6"), spacing="3")


def auth_field(
    label: str,
    name: str,
    errors: Errors | None = None,
    type_: Literal["text", "email", "password"] = "text",
    **props: Any,
) -> rx.Component:
    """A label tied to its input (id = name); with `errors`, the field's error line below."""
    return column(
        rx.text(label, size="2", weight="medium", as_="label", html_for=name),
        rx.input(id=name, name=name, type=type_, size="3", width="100%", **props),
        *([field_error(errors, name, f"error-{name}")] if errors is not None else []),
        spacing="1",
    )
