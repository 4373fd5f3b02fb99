"""The Property organizer (P7) and Email updates (P14) tabs."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import card_title_row
from leadapp.components.ui import (
    action_link,
    card_stack,
    column,
    delete_action,
    empty_or,
    heading_row,
    inline,
    muted,
    wide_row,
)
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import OrganizerTab, PropertySearch, UpdatesTab

from ..lead_header.common import L
from .common import _select
from .listing_actions import listing_actions

FAVORITE_SORTS = [
    {"code": "newest", "label": "Newest first"},
    {"code": "price_asc", "label": "Price: low to high"},
    {"code": "price_desc", "label": "Price: high to low"},
    {"code": "beds", "label": "Most bedrooms"},
]


def _theirs(by_lead) -> rx.Component:
    return rx.cond(
        by_lead,
        rx.badge(
            rx.icon("user", size=12),
            "Saved by the lead",
            color_scheme="violet",
            variant="soft",
            data_testid="by-lead",
        ),
        rx.badge("Added by agent", color_scheme="gray", variant="soft"),
    )


def _delete(row, label: str, on_click, testid: str) -> rx.Component:
    """The bin button of a card, for a row the user may delete."""
    return rx.cond(
        row["can_delete"], delete_action(label, on_click, testid=testid, variant="ghost")
    )


def _alert_switch(s, testid: str) -> rx.Component:
    """A saved search's email alerts on or off (greyed where the user may not toggle it)."""
    return rx.switch(
        checked=s["alerts"],
        disabled=~s["can_toggle"],
        on_change=lambda v: OrganizerTab.toggle_alert(s["id"], v),
        data_testid=testid,
    )


def _search_card(s) -> rx.Component:
    return card_stack(
        card_title_row(
            s["name"],
            _theirs(s["by_lead"]),
            action=_delete(
                s, "Delete search", OrganizerTab.delete_search(s["id"]), "delete-search"
            ),
        ),
        muted(s["criteria"], size="1"),
        rx.cond(
            s["can_delete"],
            action_link(
                "Update this search", PropertySearch.edit_search(s["id"]), testid="edit-search"
            ),
        ),
        wide_row(
            muted("Created ", s["created"], size="1"),
            rx.spacer(),
            rx.text("Email alerts", size="1"),
            _alert_switch(s, "alert-switch"),
        ),
        spacing="1",
        testid="saved-search",
    )


def _fav_card(f) -> rx.Component:
    return card_stack(
        card_title_row(
            f["address"],
            action=_delete(
                f, "Remove favourite", OrganizerTab.delete_favorite(f["fav_id"]), "delete-favorite"
            ),
            wrap=False,
        ),
        inline(
            rx.text(f["price"], weight="bold", size="2", color=rx.color("accent", 11)),
            rx.text(f["beds"], " bd · ", f["baths"], " ba", size="2"),
            muted("MLS ", f["mls"], size="1"),
            wrap="wrap",
            spacing="3",
        ),
        rx.hstack(
            _theirs(f["by_lead"]),
            muted("Added ", f["added"], size="1"),
            wrap="wrap",
        ),
        listing_actions(f["id"], f["mls"]),
        spacing="1",
        testid="favorite",
    )


def _add_new(label: str, kind: str, testid: str, tr: str = "sale", **props) -> rx.Component:
    """Opens the property search for a new saved search or favourite (kind), for users who may
    change the lead."""
    return rx.cond(
        LeadState.can_change,
        rx.button(
            rx.icon("plus", size=14),
            label,
            size="1",
            on_click=PropertySearch.open_search(kind, tr),
            data_testid=testid,
            **props,
        ),
    )


def _card_grid(noun: str, rows, card, *tools: rx.Component) -> rx.Component:
    """One organizer view: the count of its rows, its tools on the right, then the cards in
    two columns from medium screens up."""
    return column(
        wide_row(muted(rows.length(), noun), rx.spacer(), *tools, wrap="wrap"),
        rx.grid(
            rx.foreach(rows, card),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
    )


def organizer_tab() -> rx.Component:
    return column(
        rx.segmented_control.root(
            rx.segmented_control.item("Saved searches", value="searches"),
            rx.segmented_control.item("Favourites", value="favorites"),
            value=OrganizerTab.org_view,
            on_change=OrganizerTab.set_org_view,
            data_testid="organizer-view",
        ),
        rx.cond(
            OrganizerTab.org_view == "searches",
            _card_grid(
                " saved searches",
                OrganizerTab.searches,
                _search_card,
                _add_new("Add new", "search", "add-search"),
            ),
            _card_grid(
                " favourites",
                OrganizerTab.favs,
                _fav_card,
                _select(
                    FAVORITE_SORTS,
                    OrganizerTab.fav_sort,
                    OrganizerTab.sort_favorites,
                    "favorite-sort",
                    "170px",
                ),
                _add_new("Add new", "favorite", "add-favorite"),
            ),
        ),
        spacing="3",
    )


def updates_tab() -> rx.Component:
    def group(title: str, rows, tr: str) -> rx.Component:
        return column(
            heading_row(
                title,
                _add_new("New daily search", "search", f"new-daily-{tr}", tr, variant="soft"),
                size="3",
            ),
            empty_or(
                rows,
                column(
                    rx.foreach(
                        rows,
                        lambda s: rx.card(
                            wide_row(
                                rx.vstack(
                                    rx.hstack(
                                        rx.text(s["name"], weight="bold", size="2"),
                                        _theirs(s["by_lead"]),
                                        wrap="wrap",
                                    ),
                                    muted(s["criteria"], size="1"),
                                    muted("Last sent: ", s["last_sent"], size="1"),
                                    rx.cond(
                                        s["can_delete"],
                                        action_link(
                                            "Update this search criteria",
                                            PropertySearch.edit_search(s["id"]),
                                            testid="edit-daily",
                                        ),
                                    ),
                                    spacing="1",
                                ),
                                rx.spacer(),
                                rx.vstack(
                                    rx.text("Send daily email updates", size="1"),
                                    _alert_switch(s, "daily-switch"),
                                    align="end",
                                    spacing="1",
                                ),
                            ),
                            width="100%",
                            data_testid="daily-search",
                        ),
                    ),
                    spacing="3",
                ),
                "No daily searches.",
            ),
        )

    return column(
        rx.callout(
            "At most two emails a day (one for sales, one for rentals), only when a matching "
            "listing is new or updated in the last 24 hours. Switching a search off keeps it.",
            icon="info",
            size="1",
        ),
        group("Sales", UpdatesTab.sales, "sale"),
        group("Rentals", UpdatesTab.rentals, "rent"),
        rx.cond(
            LeadState.can_change,
            rx.button(
                rx.icon("send", size=14),
                "Send all searches to ",
                L("name"),
                " now",
                on_click=UpdatesTab.send_all_now,
                data_testid="send-all-now",
            ),
        ),
        spacing="4",
    )
