"""Settings → API keys section (W1). Mount with `api_keys_section()` in the settings page
(brokers only) and add `ApiKeysState.load_keys` to the page's on_load."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import data_table
from leadapp.components.ui import (
    card_stack,
    column,
    empty_or,
    ghost_button,
    gray_button,
    icon_text_button,
    inline,
    muted,
    soft_button,
)
from leadapp.state.api_keys import ApiKeysState


def _new_key_callout() -> rx.Component:
    return rx.callout.root(
        column(
            rx.text("Copy this key now — it is shown only once.", weight="bold", size="2"),
            inline(
                rx.code(
                    ApiKeysState.new_key,
                    data_testid="new-api-key",
                    style={"word_break": "break-all"},
                ),
                icon_text_button(
                    "copy",
                    "Copy",
                    [rx.set_clipboard(ApiKeysState.new_key), rx.toast.info("Copied.")],
                    size="1",
                    variant="soft",
                ),
                wrap="wrap",
            ),
            ghost_button("Done", ApiKeysState.dismiss_new_key),
        ),
        color_scheme="green",
        width="100%",
    )


def _key_row(k) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(k["name"], weight="medium")),
        rx.table.cell(rx.code(k["prefix"])),
        rx.table.cell(
            rx.text(k["created_at"], size="1"),
            muted(k["created_by"], size="1"),
        ),
        rx.table.cell(rx.text(k["last_used_at"], size="1")),
        rx.table.cell(
            rx.cond(
                k["active"],
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(
                        soft_button("Revoke", testid="revoke-api-key", color_scheme="red")
                    ),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Revoke this key?"),
                        rx.alert_dialog.description(
                            "The website using it will get 401 errors at once."
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(gray_button("Cancel")),
                            rx.alert_dialog.action(
                                rx.button(
                                    "Revoke",
                                    color_scheme="red",
                                    on_click=ApiKeysState.revoke_key(k["id"]),
                                )
                            ),
                            justify="end",
                            spacing="3",
                            margin_top="12px",
                        ),
                    ),
                ),
                rx.badge("Revoked " + k["revoked_at"], color_scheme="gray"),
            )
        ),
    )


def api_keys_section() -> rx.Component:
    return card_stack(
        rx.heading("Website API keys", size="4"),
        muted(
            "Your property-search website reports sign-ups and activity to ",
            rx.code("/api/v1/events"),
            " with one of these keys (",
            rx.link("API reference", href="/api/v1/openapi.json", is_external=True),
            ").",
        ),
        rx.cond(ApiKeysState.new_key != "", _new_key_callout()),
        rx.form(
            rx.hstack(
                rx.input(
                    name="name",
                    placeholder="Key name, e.g. bayviewhomes.com",
                    max_length=100,
                    width="100%",
                    data_testid="api-key-name",
                ),
                rx.button("Create key", type="submit", data_testid="create-api-key"),
                width="100%",
                spacing="2",
            ),
            rx.cond(
                ApiKeysState.name_error != "",
                rx.text(ApiKeysState.name_error, size="1", color_scheme="red"),
            ),
            on_submit=ApiKeysState.create_key,
            reset_on_submit=True,
            width="100%",
        ),
        empty_or(
            ApiKeysState.keys,
            data_table(
                ("Name", "Key", "Created", "Last used", ""),
                rx.foreach(ApiKeysState.keys, _key_row),
                data_testid="api-keys-table",
            ),
            "No keys yet.",
        ),
        spacing="3",
    )
