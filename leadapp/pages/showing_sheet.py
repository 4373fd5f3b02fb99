"""The printable showing sheet (P18): one or several listings for one lead on a date.

A page of its own (no sidebar, no header) so that it prints as a sheet: brokerage logo
and name, the date and the lead, each listing's photo, facts and a notes box (numbered,
in the order picked, each kept whole on a printed page), the agent's name, phone, email
and signature. The toolbar (back to the lead, date, Print) does not print
(`.no-print` in assets/leadapp.css).
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.shell import add_signed_in_page
from leadapp.components.ui import column, icon_text_button, muted, notice, wide_row
from leadapp.state.base import AuthState
from leadapp.state.showing_sheet import ShowingSheetState as S


def _fact(label: str, value) -> rx.Component:
    return rx.vstack(
        muted(label, size="1"),
        rx.text(value, size="3", weight="bold"),
        spacing="0",
        min_width="110px",
    )


def _toolbar() -> rx.Component:
    return wide_row(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), rx.text("Back to the lead"), spacing="1"),
            href="/leads/" + S.sheet_lead_id.to_string(),
            size="2",
        ),
        rx.spacer(),
        rx.text("Showing date", size="2", as_="label", html_for="sheet-date"),
        rx.input(
            id="sheet-date",
            type="date",
            value=S.sheet["day"],
            on_change=S.set_day.debounce(300),
            width="170px",
            data_testid="sheet-date",
        ),
        icon_text_button("printer", "Print", S.print_sheet, testid="sheet-print"),
        spacing="3",
        wrap="wrap",
        class_name="no-print",
        padding_bottom="12px",
    )


def _listing(li, i) -> rx.Component:
    # Var.create returns the state var's item as is, typed as the Var it is on the class
    count = rx.Var.create(S.sheet["listings"]).length()
    return rx.box(
        rx.cond(
            count > 1,
            muted(
                "Listing ",
                (i + 1).to_string(),
                " of ",
                count.to_string(),
                size="1",
                padding_bottom="4px",
                data_testid="sheet-listing-n",
            ),
        ),
        rx.cond(
            li["photo_url"] != "",
            rx.image(
                src=li["photo_url"],
                alt=li["address"],
                width="100%",
                max_height="360px",
                object_fit="cover",
                border_radius="6px",
                data_testid="sheet-photo",
            ),
        ),
        rx.hstack(
            rx.vstack(
                rx.heading(li["address"], size="6", data_testid="sheet-address"),
                rx.text(li["place"], size="3"),
                spacing="0",
            ),
            rx.spacer(),
            rx.heading(li["price"], size="6", data_testid="sheet-price"),
            width="100%",
            align="end",
            padding_top="14px",
        ),
        rx.hstack(
            _fact("Bedrooms", li["beds"]),
            _fact("Bathrooms", li["baths"]),
            rx.cond(li["sqft"] != "", _fact("Living area (sq ft)", li["sqft"])),
            _fact("Type", li["type"]),
            _fact("Status", li["status"]),
            _fact("Listed", li["listed"]),
            _fact("MLS number", li["mls"]),
            rx.cond(li["open_house"] != "", _fact("Open house", li["open_house"])),
            spacing="5",
            wrap="wrap",
            padding_y="14px",
            data_testid="sheet-facts",
        ),
        column(
            muted("Notes", size="1"),
            rx.box(height="90px", width="100%", border="1px solid #bbb", border_radius="4px"),
            spacing="1",
        ),
        padding_top="10px",
        padding_bottom="4px",
        border_top="1px solid #ddd",
        style={"break_inside": "avoid"},
        width="100%",
        data_testid="sheet-listing",
    )


def _sheet() -> rx.Component:
    return rx.box(
        wide_row(
            rx.cond(
                S.sheet["logo_url"] != "",
                rx.image(
                    src=S.sheet["logo_url"],
                    alt=S.sheet["brokerage"],
                    height="48px",
                    data_testid="sheet-logo",
                ),
            ),
            rx.vstack(
                rx.heading(S.sheet["brokerage"], size="5", data_testid="sheet-brokerage"),
                muted(S.sheet["postal_address"], size="1"),
                spacing="0",
            ),
            rx.spacer(),
            rx.vstack(
                muted("Showing sheet", size="1"),
                rx.text(S.sheet["date"], size="3", weight="bold", data_testid="sheet-day"),
                align="end",
                spacing="0",
            ),
            spacing="3",
            padding_bottom="12px",
            border_bottom="2px solid #333",
        ),
        rx.hstack(
            rx.text("Prepared for ", rx.text.strong(S.sheet["lead"]), size="2"),
            muted(S.sheet["lead_phone"]),
            muted(S.sheet["lead_email"]),
            spacing="4",
            wrap="wrap",
            padding_y="10px",
            data_testid="sheet-lead",
        ),
        rx.foreach(S.sheet["listings"], _listing),
        rx.vstack(
            rx.text(S.sheet["agent"], size="3", weight="bold", data_testid="sheet-agent"),
            rx.text(S.sheet["agent_phone"], " · ", S.sheet["agent_email"], size="2"),
            rx.cond(
                S.sheet["signature"] != "",
                rx.text(S.sheet["signature"], size="2", white_space="pre-wrap"),
            ),
            spacing="0",
            padding_top="16px",
            margin_top="16px",
            border_top="1px solid #ccc",
            width="100%",
            data_testid="sheet-signature",
        ),
        class_name="sheet",
        background="white",
        color="#111",
        padding="28px",
        border_radius="8px",
        width="100%",
        data_testid="showing-sheet-page",
    )


def sheet_view() -> rx.Component:
    return rx.cond(
        AuthState.signed_in,
        rx.box(
            _toolbar(),
            rx.cond(
                S.sheet_error != "",
                notice(S.sheet_error, "shield_alert", "red", testid="sheet-error"),
                rx.cond(S.sheet["day"] != "", _sheet(), rx.center(rx.spinner(size="3"))),
            ),
            max_width="860px",
            margin_x="auto",
            padding="24px",
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )


def register(app: rx.App) -> None:
    for route in ("/leads/[lead_id]/listing/[mls]/sheet", "/leads/[lead_id]/sheet"):
        add_signed_in_page(app, sheet_view, route, "Showing sheet", S.load)
