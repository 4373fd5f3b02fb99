"""The lead list's search box, filter panel and "Show columns" menu (L2, L4, L5)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.props import Spacing
from leadapp.components.ui import (
    column,
    empty_or,
    filters_button,
    ghost_button,
    heading_row,
    icon_text_button,
    inline,
    muted,
)
from leadapp.state.leads import LeadListState as S


def search_box() -> rx.Component:
    # Uncontrolled (default_value) so the URL round-trip never fights the typing; the key
    # changes when the URL's text differs (reload, clear), which re-shows it.
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        placeholder="Search name, email or phone",
        default_value=S.search,
        key=S.search_key.to(str),
        on_change=S.set_search.debounce(350),
        type="search",
        width=["100%", "100%", "320px"],
        max_length=100,
        data_testid="lead-search",
        aria_label="Search leads",
    )


def _tick(label: Any, spacing: Spacing, **checkbox: Any) -> rx.Component:
    """A tick box and its label, the whole label clickable."""
    return rx.el.label(
        inline(rx.checkbox(**checkbox), rx.text(label, size="2"), spacing=spacing),
        cursor="pointer",
    )


def _checks(key: str, options, testid: str) -> rx.Component:
    """Tick boxes for a list filter; options: list of [code, label]."""
    current = S.ticked[key]
    return rx.flex(
        rx.foreach(
            options,
            lambda o: _tick(
                o[1],
                "1",
                checked=current.contains(o[0].lower() if key == "tags" else o[0]),
                on_change=lambda _c: S.toggle_filter(key, o[0]),
                data_testid=f"{testid}-{o[0]}",
            ),
        ),
        wrap="wrap",
        spacing="3",
    )


def _section(label: str, body: rx.Component) -> rx.Component:
    return column(rx.text(label, size="2", weight="bold"), body, spacing="1")


def _select(key: str, items: list, testid: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="Any", width="100%", data_testid=testid),
        rx.select.content(*items),
        value=S.single[key],
        on_change=lambda v: S.set_filter(key, v),
        size="2",
    )


def _choice_section(label: str, key: str, choices: dict[str, str]) -> rx.Component:
    """A filter picked from fixed `choices` (value: label), test id `filter-<key>`."""
    items = [rx.select.item(text, value=value) for value, text in choices.items()]
    return _section(label, _select(key, items, f"filter-{key}"))


def _rating_options() -> list[list[str]]:
    return [["3", "★★★"], ["2", "★★"], ["1", "★"], ["0", "No stars"]]


def filter_panel() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            filters_button(
                S.filter_count, "filters-button", rx.cond(S.filter_count > 0, "soft", "outline")
            )
        ),
        rx.popover.content(
            column(
                heading_row(
                    "Filters",
                    ghost_button(
                        "Clear all",
                        S.clear_filters,
                        testid="clear-filters",
                        disabled=S.filter_count == 0,
                    ),
                    size="3",
                ),
                rx.cond(
                    S.is_broker,
                    _section(
                        "Agent",
                        _select(
                            "agent",
                            [
                                rx.select.item("Any agent", value="any"),
                                rx.select.item("Unassigned", value="unassigned"),
                                rx.foreach(
                                    S.agents, lambda a: rx.select.item(a["name"], value=a["id"])
                                ),
                            ],
                            "filter-agent",
                        ),
                    ),
                ),
                _section("Lead type", _checks("type", S.type_options, "filter-type")),
                _section("Status", _checks("status", S.status_options, "filter-status")),
                muted("Deleted leads show only when Deleted is ticked.", size="1"),
                _section("Rating", _checks("rating", _rating_options(), "filter-rating")),
                _section("Pipeline stage", _checks("stage", S.stage_options, "filter-stage")),
                _section(
                    "Lead source",
                    _select(
                        "source",
                        [
                            rx.select.item("Any source", value="any"),
                            rx.foreach(S.sources, lambda s: rx.select.item(s, value=s)),
                        ],
                        "filter-source",
                    ),
                ),
                _choice_section(
                    "Subscribed",
                    "subscribed",
                    {"any": "Any", "yes": "Subscribed", "no": "Not subscribed"},
                ),
                _choice_section("Email", "email", {"any": "Any", "bounced": "Email bounced"}),
                _section(
                    "Tags (any of)",
                    empty_or(
                        S.tag_names, _checks("tags", S.tag_options, "filter-tag"), "No tags yet."
                    ),
                ),
                spacing="3",
            ),
            width=["92vw", "380px"],
            max_height="70vh",
            overflow_y="auto",
            data_testid="filter-panel",
        ),
    )


def columns_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            icon_text_button(
                "columns-3",
                "Show columns",
                testid="columns-button",
                icon_size=16,
                variant="outline",
            )
        ),
        rx.popover.content(
            rx.vstack(
                muted("Name is always shown.", size="1"),
                rx.foreach(
                    S.column_options,
                    lambda c: _tick(
                        c[1],
                        "2",
                        checked=S.columns.contains(c[0]),
                        on_change=lambda _v: S.toggle_column(c[0]),
                        data_testid="show-col-" + c[0],
                    ),
                ),
                spacing="2",
            ),
            data_testid="columns-menu",
        ),
    )
