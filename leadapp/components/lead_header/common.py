"""What the lead page's header, contact box and dialogs share."""

from __future__ import annotations

import reflex as rx

from leadapp.state.lead import LeadState


def L(key: str):
    return LeadState.lead[key]


def field_error(errors, key: str) -> rx.Component:
    return rx.cond(
        errors.contains(key),
        rx.text(errors[key], size="1", color_scheme="red", data_testid=f"error-{key}"),
    )
