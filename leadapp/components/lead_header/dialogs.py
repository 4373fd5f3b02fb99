"""The lead page's dialogs: edit info (P1, P13), message (P11), password (P12), reject."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.forms import HTMLInputTypeAttribute

from leadapp.components.blocks import form_input
from leadapp.components.forms import BORDERED_SELECT_STYLE, field_stack, lead_type_options
from leadapp.components.ui import (
    confirm_buttons,
    confirm_dialog,
    dialog,
    end_row,
    footed_form,
    notice,
)
from leadapp.state.lead import LeadState

from .common import field_error, title_and_body


def _input(
    label: str, name: str, type_: HTMLInputTypeAttribute = "text", placeholder: str = ""
) -> rx.Component:
    return form_input(
        LeadState.form, LeadState.form_errors, "form", label, name, placeholder, type_
    )


def edit_dialog() -> rx.Component:
    def grid(*c):
        return rx.grid(*c, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%")  # noqa: E731

    return dialog(
        LeadState.dialog == "edit",
        LeadState.close_dialog,
        "Edit lead",
        footed_form(
            LeadState.close_dialog,
            "Save",
            "save-contact",
            LeadState.save_contact,
            rx.cond(
                LeadState.form_errors.contains("form"),
                notice(LeadState.form_errors["form"], "triangle_alert", "red"),
            ),
            rx.text("Contact", weight="bold", size="2"),
            grid(
                _input("First name", "first_name"),
                _input("Last name", "last_name"),
                _input("Email", "email"),
                _input("Phone", "phone"),
                _input("More emails (comma-separated)", "extra_emails"),
                _input("More phones (comma-separated)", "extra_phones"),
                _input("Street", "street"),
                _input("City", "city"),
                _input("State", "state"),
                _input("Postal code", "postal_code"),
                _input("Birthday", "birthday", "date"),
                _input("Transaction anniversary", "anniversary", "date"),
            ),
            field_stack(
                "Type",
                rx.el.select(
                    *lead_type_options(),
                    name="lead_type",
                    default_value=LeadState.form["lead_type"],
                    style=BORDERED_SELECT_STYLE,
                    data_testid="form-lead_type",
                ),
                field_error(LeadState.form_errors, "lead_type"),
                label_size="1",
            ),
            rx.text("Sales info", weight="bold", size="2"),
            grid(
                _input("Property type wanted", "property_type_wanted"),
                _input("Move-in timeframe", "move_timeframe"),
                _input("Minimum price", "price_min", placeholder="$"),
                _input("Maximum price", "price_max", placeholder="$"),
                _input("Closing date", "closing_date", "date"),
                _input("P&S due date", "ps_due_date", "date"),
            ),
            in_dialog=True,
            key=LeadState.form_key.to(str),
        ),
        max_width="720px",
    )


def message_dialog() -> rx.Component:
    return dialog(
        LeadState.dialog == "message",
        LeadState.close_dialog,
        "New lead message",
        footed_form(
            LeadState.close_dialog,
            "Send message",
            "send-message",
            LeadState.send_message,
            *title_and_body(
                LeadState.msg_draft, LeadState.msg_errors, "message", "Title", "Message", "8"
            ),
        ),
        description="Sent by email and kept on the Messages tab.",
    )


def password_dialog() -> rx.Component:
    return dialog(
        (LeadState.dialog == "password") & (LeadState.temp_password != ""),
        LeadState.close_dialog,
        "Website password reset",
        rx.vstack(
            rx.text("The lead's new temporary password:", size="2"),
            rx.code(LeadState.temp_password, size="5", data_testid="temp-password"),
            notice(
                "The lead is not notified. Tell them their new password yourself; "
                "it is shown only now.",
                "info",
                "amber",
                testid="password-note",
            ),
            end_row(
                rx.button("Done", on_click=LeadState.close_dialog, data_testid="password-done")
            ),
            spacing="3",
        ),
    )


def reject_dialog() -> rx.Component:
    return confirm_dialog(
        LeadState.dialog == "reject",
        "Reject this lead?",
        "It goes back to the unassigned pool and the brokerage's primary email is told.",
        confirm_buttons(
            "Cancel", LeadState.close_dialog, "Reject lead", LeadState.reject, "confirm-reject"
        ),
    )
