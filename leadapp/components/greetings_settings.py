"""Settings → Greetings and email alerts (brokers): send hours, switches and templates."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import field_error
from leadapp.components.sections import switch_row
from leadapp.components.ui import column, form_card, muted
from leadapp.state.greetings import GreetingsState as G

MERGE = (
    "Merge fields: {first_name} {last_name} {agent_name} {agent_phone} {agent_email} {brokerage}"
)


def _err(key: str) -> rx.Component:
    return field_error(G.errors, key, f"greet-error-{key}")


def _hour(label: str, name: str, value) -> rx.Component:
    """An hour-of-day field (0-23) with its error line."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.input(name=name, default_value=value, width="90px"),
        _err(name),
    )


def _kind(key: str, label: str, on, subject, body, set_on) -> rx.Component:
    return column(
        switch_row(label, on, set_on, testid=f"greet-{key}-on", weight="medium"),
        rx.input(name=f"{key}_subject", default_value=subject, width="100%"),
        rx.text_area(name=f"{key}_body", default_value=body, rows="4", width="100%"),
        _err(key),
    )


def greetings_section() -> rx.Component:
    return form_card(
        "Greetings and email alerts",
        G.save,
        "Save greetings",
        "greet-save",
        muted(
            "Greetings go out once a year per lead and occasion, from this hour in the"
            " brokerage's time zone; daily email alerts from saved searches from theirs."
        ),
        rx.hstack(
            _hour("Greetings hour (0-23)", "hour", G.hour),
            _hour("Email alerts hour (0-23)", "alert_hour", G.alert_hour),
            spacing="4",
        ),
        _kind(
            "birthday",
            "Birthday greeting",
            G.birthday_on,
            G.birthday_subject,
            G.birthday_body,
            G.set_birthday_on,
        ),
        _kind(
            "anniversary",
            "Home-anniversary greeting",
            G.anniversary_on,
            G.anniversary_subject,
            G.anniversary_body,
            G.set_anniversary_on,
        ),
        muted(MERGE, size="1"),
        key=G.form_key.to(str),
        testid="greetings-section",
    )
