"""The property-search dialog (P7, P14): search, favourite, save or update a search; pick
listings for one email or one showing sheet (P18)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import form_input
from leadapp.components.forms import SELECT_STYLE, field_stack, table_header
from leadapp.components.ui import (
    dialog,
    end_row,
    ghost_button,
    gray_button,
    icon_text_button,
    inline,
    muted,
    stack_form,
    wide_row,
)
from leadapp.models.enums import PROPERTY_TYPES
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import ListingMail, PropertySearch

from .common import pager
from .listing_actions import sheet_link

PROPERTY_CHOICES = [{"code": "any", "label": "Any type"}] + [
    {"code": k, "label": v} for k, v in PROPERTY_TYPES.items()
]


def _picked_bar() -> rx.Component:
    """ "N selected: Email these listings · Showing sheet" while listings are picked."""
    sheet = (
        "/leads/"
        + LeadState.lead_id.to_string()
        + "/sheet?mls="
        + PropertySearch.ps_picked_mls.join(",")
    )
    return rx.cond(
        PropertySearch.ps_picked_ids.length() > 0,
        rx.hstack(
            rx.text(
                PropertySearch.ps_picked_ids.length().to_string(),
                " selected:",
                size="2",
                weight="medium",
                data_testid="ps-picked-count",
            ),
            rx.cond(
                LeadState.can_change,
                icon_text_button(
                    "mail",
                    "Email these listings",
                    ListingMail.open_picked,
                    testid="ps-email-picked",
                    icon_size=12,
                    size="1",
                    variant="soft",
                ),
            ),
            sheet_link(sheet, "ps-sheet-picked"),
            ghost_button(
                "Clear", PropertySearch.clear_picks, testid="ps-clear-picked", color_scheme="gray"
            ),
            align="center",
            spacing="2",
            wrap="wrap",
            padding="6px 8px",
            border_radius="6px",
            background="var(--accent-a3)",
            width="100%",
            data_testid="ps-picked-bar",
        ),
    )


def search_dialog() -> rx.Component:
    def inp(label: str, name: str, placeholder: str = "") -> rx.Component:
        return form_input(
            PropertySearch.ps_form, PropertySearch.ps_errors, "ps", label, name, placeholder
        )

    def sel(label, name, *options):
        control = rx.el.select(
            *options,
            name=name,
            default_value=PropertySearch.ps_form[name],
            style=SELECT_STYLE,
            data_testid=f"ps-{name}",
        )
        return field_stack(label, control, label_size="1", width="100%")

    title = rx.cond(
        PropertySearch.ps_mode == "search",
        rx.cond(
            PropertySearch.ps_edit_id > 0,
            "Update this search",
            "Property search: save a search for the lead",
        ),
        "Property search: add favourites",
    )
    return dialog(
        PropertySearch.ps_open,
        PropertySearch.close_search,
        title,
        stack_form(
            PropertySearch.run_search,
            rx.grid(
                inp("City", "city", "e.g. Berkeley"),
                sel(
                    "For",
                    "transaction",
                    rx.el.option("Sale", value="sale"),
                    rx.el.option("Rent", value="rent"),
                ),
                sel(
                    "Property type",
                    "property_type",
                    rx.foreach(
                        PROPERTY_CHOICES, lambda p: rx.el.option(p["label"], value=p["code"])
                    ),
                ),
                inp("Min price", "min_price", "$"),
                inp("Max price", "max_price", "$"),
                inp("Min beds", "min_beds", "any"),
                inp("Min baths", "min_baths", "any"),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="2",
                width="100%",
            ),
            inline(
                icon_text_button("search", "Search", testid="ps-search", type="submit"),
                muted(PropertySearch.ps_total, " matches", data_testid="ps-total"),
                spacing="3",
            ),
            key=PropertySearch.ps_key.to(str),
        ),
        _picked_bar(),
        rx.box(
            rx.table.root(
                table_header("", "Address", "Price", "Beds", "Baths", "MLS", ""),
                rx.table.body(
                    rx.foreach(
                        PropertySearch.ps_rows,
                        lambda r: rx.table.row(
                            rx.table.cell(
                                rx.checkbox(
                                    checked=PropertySearch.ps_picked_ids.contains(r["id"]),
                                    on_change=lambda _c: PropertySearch.toggle_pick(r["id"]),
                                    aria_label="Pick " + r["address"].to(str),
                                    data_testid="ps-pick",
                                )
                            ),
                            rx.table.cell(r["address"]),
                            rx.table.cell(r["price"]),
                            rx.table.cell(r["beds"]),
                            rx.table.cell(r["baths"]),
                            rx.table.cell(r["mls"]),
                            rx.table.cell(
                                rx.cond(
                                    PropertySearch.ps_mode == "favorite",
                                    rx.icon_button(
                                        rx.icon(
                                            "heart",
                                            size=14,
                                            fill=rx.cond(r["favorite"], "currentColor", "none"),
                                        ),
                                        size="1",
                                        variant="ghost",
                                        color_scheme="red",
                                        disabled=r["favorite"],
                                        on_click=PropertySearch.favorite_listing(r["id"]),
                                        aria_label="Add to favourites",
                                        data_testid="ps-heart",
                                    ),
                                )
                            ),
                            data_testid="ps-row",
                        ),
                    )
                ),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
            max_height="45vh",
            overflow_y="auto",
            margin_y="8px",
        ),
        rx.cond(
            PropertySearch.ps_total > 0,
            pager(
                PropertySearch.ps_page,
                PropertySearch.ps_pages,
                PropertySearch.search_goto,
                "ps",
            ),
        ),
        rx.cond(
            PropertySearch.ps_mode == "search",
            rx.form(
                wide_row(
                    rx.input(
                        name="name",
                        placeholder="Name the search (optional)",
                        default_value=PropertySearch.ps_name,
                        width="100%",
                        data_testid="ps-name",
                    ),
                    inline(
                        rx.checkbox(name="alerts", default_checked=True, data_testid="ps-alerts"),
                        rx.text("Send daily email updates", size="2", white_space="nowrap"),
                        spacing="3",
                    ),
                    rx.button(
                        rx.cond(PropertySearch.ps_edit_id > 0, "Update search", "Save search"),
                        type="submit",
                        data_testid="ps-save",
                    ),
                    wrap="wrap",
                ),
                on_submit=PropertySearch.save_search,
                key=PropertySearch.ps_key.to(str),
            ),
        ),
        end_row(
            gray_button("Close", PropertySearch.close_search, testid="ps-close"), margin_top="8px"
        ),
        max_width="900px",
    )
