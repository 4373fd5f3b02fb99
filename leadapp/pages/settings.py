"""Settings: brokerage lead settings (brokers), the team, the user's own time zone."""

from __future__ import annotations

import reflex as rx

from leadapp.components.api_keys import api_keys_section
from leadapp.components.forms import labelled, loaded_input, loaded_text_area, table_header
from leadapp.components.greetings_settings import greetings_section
from leadapp.components.mail_settings import mail_settings_section
from leadapp.components.sections import pool_or_agent_select, switch_row, timezone_select
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.team import team_section
from leadapp.components.ui import card_stack, form_card, section_card
from leadapp.state.api_keys import ApiKeysState
from leadapp.state.base import AuthState
from leadapp.state.greetings import GreetingsState
from leadapp.state.mail_settings import MailSettingsState
from leadapp.state.settings import SettingsState
from leadapp.state.team import TeamState


def _field(label: str, control: rx.Component, key: str, hint: str = "") -> rx.Component:
    return labelled(label, control, SettingsState.errors, key, hint=hint)


def _brokerage_form() -> rx.Component:
    return form_card(
        "Lead settings",
        SettingsState.save_brokerage,
        "Save settings",
        "save-settings",
        _field("Brokerage name", loaded_input("name", SettingsState.name), "name"),
        _field(
            "Primary email",
            loaded_input("primary_email", SettingsState.primary_email),
            "primary_email",
            hint="Lead rejections and other notices go here.",
        ),
        switch_row(
            "Let agents claim unassigned leads",
            SettingsState.pool_enabled,
            SettingsState.set_pool_enabled,
            testid="pool-switch",
        ),
        _field(
            "Default agent for website sign-ups",
            pool_or_agent_select(
                "Unassigned pool",
                "none",
                SettingsState.agent_choices,
                SettingsState.default_agent_id,
                SettingsState.set_default_agent,
            ),
            "default_agent_id",
        ),
        _field(
            "Quick-event buttons (one per line)",
            loaded_text_area("quick_events", SettingsState.quick_events, rows="6"),
            "quick_events",
        ),
        _field(
            "Event reminder lead time (minutes)",
            loaded_input(
                "reminder_minutes",
                SettingsState.reminder_minutes.to(str),
                type="number",
                min=0,
                max=1440,
                width="120px",
            ),
            "reminder_minutes",
        ),
        spacing="4",
    )


def _team() -> rx.Component:
    return card_stack(
        rx.heading("Team", size="4"),
        rx.table.root(
            table_header("Name", "Email", "Role", "Agent ID"),
            rx.table.body(
                rx.foreach(
                    SettingsState.users,
                    lambda u: rx.table.row(
                        rx.table.cell(u["name"]),
                        rx.table.cell(u["email"]),
                        rx.table.cell(rx.badge(u["role"], variant="soft")),
                        rx.table.cell(rx.code(u["agent_code"])),
                    ),
                )
            ),
            width="100%",
            variant="surface",
        ),
        spacing="3",
        overflow_x="auto",
    )


def _me() -> rx.Component:
    return section_card(
        "Your preferences",
        'Due dates, "today" and "overdue" follow your time zone.',
        timezone_select(
            SettingsState.timezones,
            SettingsState.timezone,
            SettingsState.save_timezone,
            testid="timezone-select",
        ),
    )


def settings_view() -> rx.Component:
    return page_shell(
        "Settings",
        rx.vstack(
            _me(),
            rx.link(  # G5, N1: its own page
                "Lead routing and notifications →",
                href="/settings/routing",
                data_testid="routing-link",
            ),
            rx.cond(
                AuthState.is_broker,
                _brokerage_form(),
                rx.callout("Only brokers change the brokerage's lead settings.", icon="info"),
            ),
            rx.cond(AuthState.is_broker, mail_settings_section()),
            rx.cond(AuthState.is_broker, greetings_section()),
            rx.cond(AuthState.is_broker, team_section(), _team()),
            rx.cond(AuthState.is_broker, api_keys_section()),
            spacing="4",
            width="100%",
            max_width="900px",
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(
        app,
        settings_view,
        "/settings",
        "Settings",
        SettingsState.load,
        ApiKeysState.load_keys,
        GreetingsState.load,
        TeamState.load,
        MailSettingsState.load,
    )
