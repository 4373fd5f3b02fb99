"""The texting-consent (TCPA) row of the contact box and its editor dialog."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import SELECT_STYLE, cancel_button, form_footer
from leadapp.components.ui import action_link, column, dialog, inline, muted, rows_or, stack_form
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import ConsentEditor as C

from .common import L, field_error


def V(key: str):
    """A value of the editor's ConsentView (the service fills every key)."""
    return C.consent[key]


def consent_row() -> rx.Component:
    """ "Texting consent: Yes" with the last change (who, when, how) and, for a user who may
    change the lead, the button that opens the editor."""
    return rx.hstack(
        muted("Texting consent", min_width="120px"),
        rx.vstack(
            inline(
                rx.badge(
                    L("texting"),
                    color_scheme=rx.cond(L("texting") == "Yes", "green", "gray"),
                    variant="soft",
                    data_testid="consent-state",
                ),
                rx.cond(
                    LeadState.can_change,
                    action_link("Change", C.open_consent, testid="consent-open", size="2"),
                ),
            ),
            muted(L("texting_line"), size="1", data_testid="consent-line"),
            spacing="1",
            align="start",
        ),
        spacing="3",
        width="100%",
        align="start",
    )


def _change(c) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.span(rx.cond(c["given"], "Given", "Withdrawn"), weight="bold"),
            " · ",
            c["at"],
            " · ",
            c["who"],
            size="2",
        ),
        muted(c["how"], size="1"),
        rx.cond(c["note"] != "", rx.text("“", c["note"], "”", size="1")),
        padding_y="4px",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        data_testid="consent-change",
    )


def consent_dialog() -> rx.Component:
    giving = V("action") == "give"
    return dialog(
        C.consent_open,
        C.close_consent,
        "Texting consent",
        column(
            inline(
                rx.text("Now:", size="2"),
                rx.badge(
                    V("status"),
                    color_scheme=rx.cond(V("given"), "green", "gray"),
                    data_testid="consent-dialog-state",
                ),
                muted(V("line"), size="1"),
                spacing="3",
                wrap="wrap",
            ),
            stack_form(
                C.record_consent,
                rx.el.input(type="hidden", name="action", value=V("action")),
                rx.text(
                    rx.cond(
                        giving,
                        "Record consent: how did the lead give it?",
                        "Record a withdrawal: how did the lead withdraw?",
                    ),
                    size="2",
                    weight="medium",
                ),
                rx.el.select(
                    rx.el.option("Choose how", value=""),
                    rx.foreach(
                        V("methods"),
                        lambda m: rx.el.option(m["label"], value=m["code"]),
                    ),
                    name="method",
                    default_value="",
                    style=SELECT_STYLE,
                    data_testid="consent-method",
                ),
                field_error(C.consent_errors, "consent_method"),
                rx.text_area(
                    name="note",
                    placeholder="Note (optional): where, the form's name, the text ...",
                    rows="2",
                    width="100%",
                    data_testid="consent-note",
                ),
                form_footer(
                    cancel_button(C.close_consent),
                    rx.cond(giving, "Record consent", "Record withdrawal"),
                    "consent-save",
                    color_scheme=rx.cond(giving, "green", "orange"),
                ),
                spacing="2",
                key=C.consent_key,
                reset_on_submit=False,
                width="100%",
            ),
            rx.heading("Changes", size="2"),
            rows_or(
                V("changes"),
                _change,
                "No change recorded yet.",
                spacing="0",
            ),
            spacing="3",
        ),
        description="Campaign text messages go only to leads who consented (TCPA). Every change is"
        " kept with who recorded it, when, and how the lead gave or withdrew consent.",
        max_width="560px",
        data_testid="consent-dialog",
    )
