"""Markets (C1), under Marketing: list, create/edit, Market ID, report previews, archive.

Agents see the list and the previews read-only; brokers create, edit and archive.
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import data_table
from leadapp.components.marketing import (
    email_card,
    field,
    marketing_page,
    native_select,
    text_input,
)
from leadapp.components.sections import switch_row
from leadapp.components.shell import add_signed_in_page
from leadapp.components.ui import icon_text_button, inline, soft_button, stack_form
from leadapp.state.base import AuthState
from leadapp.state.markets import MarketsState as M


def _form() -> rx.Component:
    f, e = M.form, M.errors
    return rx.card(
        stack_form(
            M.save,
            rx.heading(rx.cond(M.edit_id > 0, "Edit market", "New market"), size="4"),
            rx.cond(
                M.edit_id > 0,
                rx.text("Market ID ", rx.code(M.edit_id.to(str)), size="2"),
            ),
            text_input(f, e, "Name", "name", "e.g. Condos in Berkeley under $800K"),
            rx.text("Criteria (the lead page's property search)", size="2", weight="medium"),
            rx.grid(
                text_input(f, e, "City", "city", "e.g. Berkeley"),
                text_input(f, e, "Postal code", "postal_code", "e.g. 94704"),
                field(
                    "For",
                    native_select(
                        "transaction",
                        f["transaction"],
                        [
                            rx.el.option("Sale", value="sale"),
                            rx.el.option("Rent", value="rent"),
                        ],
                        "f-transaction",
                    ),
                    e,
                    "transaction",
                ),
                field(
                    "Property type",
                    native_select(
                        "property_type",
                        f["property_type"],
                        rx.foreach(
                            M.property_types,
                            lambda p: rx.el.option(p["label"], value=p["code"]),
                        ),
                        "f-property_type",
                    ),
                    e,
                    "property_type",
                ),
                text_input(f, e, "Min price", "min_price", "$"),
                text_input(f, e, "Max price", "max_price", "$"),
                text_input(f, e, "Min beds", "min_beds", "any"),
                text_input(f, e, "Min baths", "min_baths", "any"),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="2",
                width="100%",
            ),
            rx.box(text_input(f, e, "Reports every (days)", "every", "7"), width="200px"),
            rx.cond(
                e.contains("criteria"),
                rx.callout(e["criteria"], color_scheme="red", data_testid="error-criteria"),
            ),
            rx.hstack(
                rx.button("Save market", type="submit", data_testid="market-save"),
                rx.button("Cancel", variant="soft", type="button", on_click=M.cancel_edit),
            ),
            key=M.form_key.to(str),
        ),
        width="100%",
        data_testid="market-form",
    )


def _row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["name"], weight="medium"), rx.text(r["criteria"], size="1")),
        rx.table.cell(rx.code(r["id"].to(str)), data_testid="market-id"),
        rx.table.cell(r["subscribers"].to(str), data_testid="market-subscribers"),
        rx.table.cell(
            rx.text(
                r["listing"].to(str),
                " / ",
                r["open_house"].to(str),
                " / ",
                r["market"].to(str),
                size="2",
            )
        ),
        rx.table.cell(r["every"].to(str), " days"),
        rx.table.cell(
            rx.hstack(
                soft_button("Preview", M.preview(r["id"]), testid="market-preview"),
                rx.cond(
                    AuthState.is_broker,
                    rx.hstack(
                        soft_button("Edit", M.edit_market(r["id"]), testid="market-edit"),
                        soft_button(
                            rx.cond(r["archived"], "Restore", "Archive"),
                            M.archive(r["id"], ~r["archived"].to(bool)),
                            testid="market-archive",
                            color_scheme="gray",
                        ),
                    ),
                ),
                spacing="2",
            )
        ),
        data_testid="market-row",
    )


def _preview() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Report previews: ", M.preview_name),
            rx.vstack(
                rx.foreach(
                    M.preview_rows,
                    lambda p: email_card(
                        rx.text(p["label"], weight="bold", size="2"),
                        rx.text("Subject: ", p["subject"], size="2"),
                        body=p["body"],
                        testid="report-preview",
                    ),
                ),
                spacing="3",
            ),
            rx.dialog.close(rx.button("Close", variant="soft", margin_top="12px")),
            max_width="720px",
        ),
        open=M.preview_open,
        on_open_change=M.close_preview,
    )


def markets_view() -> rx.Component:
    return marketing_page(
        "Markets",
        "markets",
        "A market is a set of listing criteria; leads subscribed to it receive its"
        " listing report, open-house report and market report. Import files name a"
        " market by its Market ID.",
        inline(
            rx.cond(
                AuthState.is_broker,
                icon_text_button("plus", "New market", M.new_market, testid="market-new"),
            ),
            switch_row("Show archived", M.show_archived, M.toggle_archived),
            spacing="4",
        ),
        rx.cond(M.editing & AuthState.is_broker, _form()),
        data_table(
            (
                "Market",
                "Market ID",
                "Subscribers",
                "Listing / open-house / market",
                "Schedule",
                "",
            ),
            rx.foreach(M.rows, _row),
        ),
        rx.cond(
            M.rows.length() == 0,
            rx.text("No markets yet.", color_scheme="gray", data_testid="markets-empty"),
        ),
        _preview(),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, markets_view, "/marketing", "Markets", M.load)
