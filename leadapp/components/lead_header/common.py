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
