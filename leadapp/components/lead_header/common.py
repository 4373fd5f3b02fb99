"""What the lead page's header, contact box and dialogs share."""

from __future__ import annotations

import reflex as rx

from leadapp.components import forms
from leadapp.state.lead import LeadState


def L(key: str):
    return LeadState.lead[key]


def field_error(errors, key: str) -> rx.Component:
    """The lead page's error line under a field (test id `error-<key>`)."""
    return forms.field_error(errors, key, f"error-{key}")


def title_and_body(
    draft, errors, testid: str, title_placeholder: str, body_placeholder, rows: str
) -> list[rx.Component]:
    """A title input and a body text area (test ids `<testid>-title`, `<testid>-body`) showing
    `draft`, each with its error line."""
    return [
        rx.input(
            name="title",
            placeholder=title_placeholder,
            default_value=draft["title"],
            width="100%",
            data_testid=f"{testid}-title",
        ),
        field_error(errors, "title"),
        rx.text_area(
            name="body",
            placeholder=body_placeholder,
            rows=rows,
            default_value=draft["body"],
            width="100%",
            data_testid=f"{testid}-body",
        ),
        field_error(errors, "body"),
    ]
