"""The Add lead dialog (L8): email is the only required field; each error shows by its field."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.forms import HTMLInputTypeAttribute

from leadapp.components.forms import BORDERED_SELECT_STYLE, field_error, labelled, lead_type_options
from leadapp.components.ui import column, dialog, footed_form, icon_text_button
from leadapp.state.leads import LeadListState as S


def _error(key: str) -> rx.Component:
    return field_error(S.add_errors, key, f"add-error-{key}")


def _input(
    label: str,
    name: str,
    type_: HTMLInputTypeAttribute = "text",
    placeholder: str = "",
    required: bool = False,
):
    return column(
        rx.text(
            label,
            rx.cond(required, rx.text.span(" *", color=rx.color("red", 9)), rx.fragment()),
            size="1",
            weight="medium",
        ),
        rx.input(
            name=name,
            type=type_,
            default_value=S.add_form.get(name, "").to(str),
            placeholder=placeholder,
            width="100%",
            data_testid=f"add-{name}",
            color_scheme=rx.cond(S.add_errors.contains(name), "red", "gray"),
        ),
        _error(name),
        spacing="1",
    )


def _select(label: str, name: str, *options: rx.Component) -> rx.Component:
    control = rx.el.select(
        *options,
        name=name,
        default_value=S.add_form.get(name, "").to(str),
        style=BORDERED_SELECT_STYLE | {"width": "100%"},
        data_testid=f"add-{name}",
    )
    return labelled(
        label, control, S.add_errors, name, error_testid=f"add-error-{name}", label_size="1"
    )


def _consent() -> rx.Component:
    """TCPA: texting consent with how it was given (recorded in the lead's history)."""
    from leadapp.services.texting_consent import GIVEN_BY

    return _select(
        "Texting consent",
        "consent_method",
        rx.el.option("No consent to texts", value=""),
        *[rx.el.option(f"Given {label}", value=code) for code, label in GIVEN_BY.items()],
    )


def add_button() -> rx.Component:
    return icon_text_button("user-plus", "Add lead", S.open_add, testid="add-lead", icon_size=16)


def add_dialog() -> rx.Component:
    def grid(*c):
        return rx.grid(*c, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%")  # noqa: E731

    return dialog(
        S.add_open,
        S.close_add,
        "Add lead",
        rx.dialog.description("Email is the only required field.", size="2", color_scheme="gray"),
        footed_form(
            S.close_add,
            "Add lead",
            "add-save",
            S.save_add,
            grid(
                _input("Email", "email", "email", required=True),
                _input("Phone", "phone"),
                _input("First name", "first_name"),
                _input("Last name", "last_name"),
                _input("Second email(s), comma-separated", "extra_emails"),
                _input("More phones, comma-separated", "extra_phones"),
                _input("Street", "street"),
                _input("City", "city"),
                _input("State or province", "state", placeholder="CA or California"),
                _input("ZIP or postal code", "postal_code", placeholder="94110 or K1A 0B1"),
                _input("Birthday", "birthday", "date"),
                _input("Transaction anniversary", "anniversary", "date"),
                _select("Type", "lead_type", *lead_type_options()),
                rx.cond(
                    S.is_broker,
                    _select(
                        "Agent",
                        "assigned_agent_id",
                        rx.el.option("Unassigned", value=""),
                        rx.foreach(S.agents, lambda a: rx.el.option(a["name"], value=a["id"])),
                    ),
                ),
                _input("Lead source", "source", placeholder="Open house, referral, Zillow…"),
                _consent(),
            ),
            in_dialog=True,
            reset_on_submit=False,
            key=S.add_key.to(str),
        ),
        max_width="680px",
        data_testid="add-dialog",
    )
