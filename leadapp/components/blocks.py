"""Builders the lead list, the lead page and the dashboard share beyond `ui`'s: a form's
labelled input, a divided list row, a list card's title line, a plain-element badge, a
colour picked by value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import reflex as rx
from reflex_components_core.el.elements.forms import HTMLInputTypeAttribute as Input

from leadapp.components.forms import Errors, labelled
from leadapp.components.props import Accent, Spacing
from leadapp.components.ui import wide_row

# The thin grey line between the rows of a list.
ROW_DIVIDER = f"1px solid {rx.color('gray', 4)}"


def form_input(
    form, errors: Errors, prefix: str, label: str, name: str, placeholder="", type_: Input = "text"
) -> rx.Component:
    """A labelled input showing `form[name]` with its error line (test ids
    `<prefix>-<name>` and `error-<name>`)."""
    control = rx.input(
        name=name,
        type=type_,
        default_value=form[name],
        placeholder=placeholder,
        width="100%",
        data_testid=f"{prefix}-{name}",
    )
    return labelled(label, control, errors, name, error_testid=f"error-{name}", label_size="1")


def divided_row(*children: Any, testid: str, spacing: Spacing = "2", **props: Any) -> rx.Component:
    """A full-width row of a list (a feed item, a notification): `children` aligned at the top,
    a thin line under it."""
    return rx.hstack(
        *children,
        spacing=spacing,
        align="start",
        width="100%",
        padding_y="6px",
        border_bottom=ROW_DIVIDER,
        data_testid=testid,
        **props,
    )


def card_title_row(title: Any, *extras: Any, action: Any, wrap: bool = True) -> rx.Component:
    """A list card's first line: its bold title and `extras` (badges, a note), then `action`
    on the right; it wraps on a narrow screen unless `wrap` is False."""
    wrap_props: dict[str, Any] = {"wrap": "wrap"} if wrap else {}
    return wide_row(
        rx.text(title, weight="bold", size="2"), *extras, rx.spacer(), action, **wrap_props
    )


def plain_badge(*children: Any, variant: str = "soft", accent: Any = None) -> rx.Component:
    """A small badge drawn as a plain <span> with Radix Themes' badge classes, for a row
    repeated many times (a lead row's status and tags, a task's kind); `accent` its colour."""
    return rx.el.span(
        *children,
        class_name=f"rt-reset rt-Badge rt-r-size-1 rt-variant-{variant}",
        data_accent_color=accent,
    )


def accent_match(
    value: Any, colors: Mapping[str, Accent], default: Accent = "gray"
) -> rx.Var[Accent]:
    """The colour `colors` gives `value` (`default` for any other), for a `color_scheme` prop."""
    picked = rx.match(value, *colors.items(), default)
    if not isinstance(picked, rx.Var):  # plain strings for cases make a Var, not a component
        raise TypeError("accent_match takes colour names, not components")
    return picked
