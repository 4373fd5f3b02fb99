"""The contact box and sales info (P1, P13)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.ui import action_link, card_stack, ghost_button, heading_row, inline, muted
from leadapp.models.enums import LEAD_STATUSES, PRIORITIES
from leadapp.state.lead import LeadState

from .common import L
from .consent import consent_dialog, consent_row

STATUS_CHOICES = [{"code": k, "label": v} for k, v in LEAD_STATUSES.items()]
PRIORITY_CHOICES = [{"code": k, "label": v} for k, v in PRIORITIES.items()]


def _row(label: str, value, testid: str = "") -> rx.Component:
    return rx.hstack(
        muted(label, min_width="120px"),
        rx.text(
            value, size="2", weight="medium", data_testid=testid or None, word_break="break-word"
        ),
        spacing="3",
        width="100%",
        align="start",
    )


def _choice_row(label: str, choices, key: str, on_change, *extra: rx.Component) -> rx.Component:
    """A contact-box row the user who may change the lead picks from `choices` (test id
    `<key>-select`); others read the label (`<key>_text`)."""
    return inline(
        muted(label, min_width="120px"),
        rx.cond(
            LeadState.can_change,
            rx.select.root(
                rx.select.trigger(size="1", data_testid=f"{key}-select"),
                rx.select.content(
                    rx.foreach(choices, lambda s: rx.select.item(s["label"], value=s["code"]))
                ),
                value=L(key),
                on_change=on_change,
                size="1",
            ),
            rx.text(L(f"{key}_text"), size="2", weight="medium"),
        ),
        *extra,
        spacing="3",
    )


def contact_box() -> rx.Component:
    return card_stack(
        heading_row(
            "Contact",
            rx.cond(
                LeadState.can_change,
                ghost_button("Edit", LeadState.start_edit, testid="edit-contact"),
            ),
        ),
        _row("Email", L("email"), "contact-email"),
        rx.cond(
            L("extra_emails") != "",
            _row("More emails", L("extra_emails"), "contact-extra-emails"),
        ),
        _row("Phone", L("phone"), "contact-phone"),
        rx.cond(L("extra_phones") != "", _row("More phones", L("extra_phones"))),
        _row("Address", L("address"), "contact-address"),
        _row("Birthday", L("birthday_text"), "contact-birthday"),
        _row("Anniversary", L("anniversary_text")),
        _row("Type", L("lead_type_text"), "contact-type"),
        _choice_row(
            "Status",
            STATUS_CHOICES,
            "status",
            LeadState.set_status,
            rx.cond(
                L("inactive") & LeadState.can_change,
                action_link("Reactivate", LeadState.reactivate, testid="reactivate-link", size="2"),
            ),
        ),
        _choice_row("Priority", PRIORITY_CHOICES, "priority", LeadState.set_priority),
        _row("Source", L("source")),
        consent_row(),
        consent_dialog(),
        _row("Created", L("created")),
        _row("Last activity", L("last_activity")),
        spacing="2",
        testid="contact-box",
    )


def sales_info() -> rx.Component:
    return card_stack(
        rx.heading("Sales info", size="4"),
        _row("Property type", L("property_type_wanted"), "sales-property-type"),
        _row("Price range", L("price_range"), "sales-price-range"),
        _row("Move-in", L("move_timeframe")),
        _row("Closing date", L("closing_date_text"), "sales-closing"),
        _row("P&S due date", L("ps_due_date_text"), "sales-ps-due"),
        spacing="2",
        testid="sales-info",
    )
