"""P18 on every listing the lead page shows: "Email this listing" and "Showing sheet".

`listing_actions(listing_id, mls)` is the pair of buttons; `listing_mail_dialog()` (once, in
the tab card) the dialog with the optional note, for one listing or the several picked in
the property search (search_dialog.py). The sheet opens in a new browser tab at
/leads/<lead>/listing/<mls>/sheet (pages/showing_sheet.py).
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import cancel_button
from leadapp.components.ui import column, dialog, end_row, icon_text_button, inline, muted
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import ListingMail
from leadapp.state.lead_tabs.listing_mail import NOTE_MAX

from ..lead_header.common import L


def sheet_href(mls) -> rx.Var:
    return "/leads/" + LeadState.lead_id.to_string() + "/listing/" + mls + "/sheet"


def sheet_link(href, testid: str) -> rx.Component:
    """The "Showing sheet" button: opens the printable sheet at `href` in a new tab."""
    return rx.link(
        icon_text_button(
            "printer", "Showing sheet", icon_size=12, size="1", variant="soft", color_scheme="gray"
        ),
        href=href,
        is_external=True,
        data_testid=testid,
    )


def listing_actions(listing_id, mls) -> rx.Component:
    return inline(
        rx.cond(
            LeadState.can_change,
            icon_text_button(
                "mail",
                "Email this listing",
                ListingMail.open_email(listing_id),
                testid="email-listing",
                icon_size=12,
                size="1",
                variant="soft",
            ),
        ),
        sheet_link(sheet_href(mls), "showing-sheet"),
        wrap="wrap",
    )


def listing_mail_dialog() -> rx.Component:
    return dialog(
        ListingMail.lm_listings.length() > 0,
        ListingMail.close_email,
        rx.cond(
            ListingMail.lm_listings.length() > 1,
            "Email these listings",
            "Email this listing",
        ),
        rx.dialog.description(
            rx.vstack(
                rx.foreach(
                    ListingMail.lm_listings,
                    lambda li: muted(
                        li["address"],
                        " · ",
                        li["price"],
                        " · MLS ",
                        li["mls"],
                        as_="div",
                        data_testid="listing-mail-item",
                    ),
                ),
                spacing="1",
            ),
            as_child=True,
        ),
        rx.form(
            column(
                rx.text("To ", L("name"), " (", L("email"), ")", size="2"),
                rx.text_area(
                    name="note",
                    placeholder="A personal note (optional)",
                    rows="5",
                    max_length=NOTE_MAX - 1,
                    width="100%",
                    data_testid="listing-note",
                ),
                rx.cond(
                    ListingMail.lm_error != "",
                    rx.text(ListingMail.lm_error, color_scheme="red", size="1"),
                ),
                end_row(
                    cancel_button(ListingMail.close_email),
                    icon_text_button("send", "Send", testid="send-listing", type="submit"),
                ),
                spacing="3",
                margin_top="12px",
            ),
            on_submit=ListingMail.send_email,
            reset_on_submit=False,
            key=ListingMail.lm_key.to_string(),
        ),
        max_width="480px",
        data_testid="listing-mail-dialog",
    )
