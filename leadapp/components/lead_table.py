"""The lead list table (L1, L3, L5): sortable headers, one page of rows, the pager.

`lead_table(row_menu=None)`: `row_menu(row)` may return a component for the last cell of each
row (e.g. a "⋯" menu with delete / reactivate / claim); `selection_bar(extra)` shows the
selected count with room for bulk-action buttons.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from leadapp.state.leads import LeadListState as S

# (column key, header, sortable); "name" is always shown.
HEADERS = [
    ("email", "Email", True),
    ("phone", "Phone", True),
    ("type", "Type", True),
    ("status", "Status", True),
    ("stage", "Stage", True),
    ("rating", "Rating", True),
    ("source", "Source", True),
    ("agent", "Agent", True),
    ("tags", "Tags", False),
    ("last_activity", "Last activity", True),
    ("created", "Created", True),
]
STATUS_COLORS = (
    ("new", "blue"),
    ("active", "green"),
    ("inactive", "orange"),
    ("deleted", "red"),
    "gray",
)


def _sort_icon(column: str) -> rx.Component:
    return rx.cond(
        S.sort == column,
        rx.cond(
            S.dir == "asc",
            rx.icon("arrow-up", size=14, data_testid=f"sorted-{column}-asc"),
            rx.icon("arrow-down", size=14, data_testid=f"sorted-{column}-desc"),
        ),
        rx.icon("chevrons-up-down", size=12, color=rx.color("gray", 8)),
    )


def _header(column: str, label: str, sortable: bool) -> rx.Component:
    inner = (
        rx.hstack(rx.text(label), _sort_icon(column), spacing="1", align="center")
        if sortable
        else rx.text(label)
    )
    cell = rx.table.column_header_cell(
        inner,
        on_click=S.set_sort(column) if sortable else None,
        cursor="pointer" if sortable else "default",
        white_space="nowrap",
        data_testid=f"col-{column}",
        aria_sort=rx.cond(
            S.sort == column, rx.cond(S.dir == "asc", "ascending", "descending"), "none"
        )
        if sortable
        else None,
    )
    if column == "name":
        return cell
    return rx.cond(S.columns.contains(column), cell)


def stars(n) -> rx.Component:
    """0-3 stars as three characters in one element (a page of rows draws no icon per star)."""
    return rx.text(
        *[
            rx.el.span("★", color=rx.cond(n >= i, rx.color("amber", 9), rx.color("gray", 7)))
            for i in (1, 2, 3)
        ],
        size="2",
        white_space="nowrap",
        aria_label=n.to(str) + " of 3 stars",
        title=n.to(str) + " of 3 stars",
        role="img",
    )


def _cell(column: str, content: rx.Component) -> rx.Component:
    return rx.cond(S.columns.contains(column), rx.table.cell(content, white_space="nowrap"))


def _row(row, row_menu: Callable | None) -> rx.Component:
    lid = row["id"].to(int)
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=S.selected.contains(lid) | S.all_matching,
                on_change=lambda c: S.toggle_row(lid, c),
                aria_label="Select lead",
                data_testid="row-select",
            ),
            width="36px",
        ),
        rx.table.row_header_cell(
            rx.link(
                row["name"].to(str),
                href="/leads/" + row["id"].to(str),
                weight="medium",
                data_testid="lead-name",
            ),
            white_space="nowrap",
        ),
        _cell("email", rx.text(row["email"].to(str), size="2")),
        _cell("phone", rx.text(row["phone"].to(str), size="2")),
        _cell("type", rx.text(row["type"].to(str), size="2")),
        _cell(
            "status",
            rx.badge(
                row["status"].to(str),
                variant="soft",
                color_scheme=rx.match(row["status_code"].to(str), *STATUS_COLORS),
            ),
        ),
        _cell("stage", rx.text(row["stage"].to(str), size="2")),
        _cell("rating", stars(row["stars"].to(int))),
        _cell("source", rx.text(row["source"].to(str), size="2")),
        _cell("agent", rx.text(row["agent"].to(str), size="2")),
        _cell(
            "tags",
            rx.hstack(
                rx.foreach(
                    row["tags"].to(list[str]), lambda t: rx.badge(t, variant="surface", size="1")
                ),
                spacing="1",
                wrap="nowrap",
            ),
        ),
        _cell(
            "last_activity", rx.text(row["last_activity"].to(str), size="2", color_scheme="gray")
        ),
        _cell("created", rx.text(row["created"].to(str), size="2", color_scheme="gray")),
        rx.table.cell(row_menu(row) if row_menu else rx.fragment(), width="40px"),
        data_testid="lead-row",
        align="center",
    )


def lead_table(row_menu: Callable | None = None) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        rx.checkbox(
                            checked=S.page_all_selected | S.all_matching,
                            on_change=S.toggle_page,
                            aria_label="Select this page",
                            data_testid="select-page",
                        ),
                        width="36px",
                    ),
                    _header("name", "Name", True),
                    *[_header(*h) for h in HEADERS],
                    rx.table.column_header_cell(width="40px"),
                )
            ),
            rx.table.body(rx.foreach(S.rows, lambda r: _row(r, row_menu))),
            variant="surface",
            size="1",
            width="100%",
            data_testid="lead-table",
        ),
        rx.cond(
            S.loaded & (S.total == 0),
            rx.center(
                rx.vstack(
                    rx.icon("search-x", size=28, color=rx.color("gray", 8)),
                    rx.text("No leads match this view.", color_scheme="gray"),
                    rx.cond(
                        S.filter_count > 0,
                        rx.button(
                            "Clear all filters", variant="soft", size="1", on_click=S.clear_filters
                        ),
                    ),
                    align="center",
                    spacing="2",
                ),
                padding="32px",
                data_testid="no-leads",
            ),
        ),
        width="100%",
        overflow_x="auto",
    )


def selection_bar(*extra: rx.Component) -> rx.Component:
    """Shown while rows are selected: the count, 'select all N matching', clear, and `extra`
    actions.
    """
    return rx.cond(
        S.selected.length() > 0,
        rx.hstack(
            rx.text(
                rx.cond(
                    S.all_matching,
                    "All " + S.total.to(str) + " matching leads selected",
                    S.selected.length().to(str) + " selected",
                ),
                size="2",
                weight="medium",
                data_testid="selection-count",
            ),
            rx.cond(
                S.page_all_selected & ~S.all_matching & (S.total > S.selected.length()),
                rx.button(
                    "Select all " + S.total.to(str) + " matching",
                    variant="ghost",
                    size="1",
                    on_click=S.select_all_matching,
                    data_testid="select-all-matching",
                ),
            ),
            rx.button(
                "Clear selection",
                variant="ghost",
                size="1",
                color_scheme="gray",
                on_click=S.clear_selection,
            ),
            *extra,
            spacing="3",
            align="center",
            wrap="wrap",
            padding="8px 12px",
            border_radius="8px",
            background=rx.color("accent", 3),
            width="100%",
        ),
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.text("Rows per page", size="2", color_scheme="gray"),
            rx.select.root(
                rx.select.trigger(data_testid="page-size", aria_label="Rows per page"),
                rx.select.content(*[rx.select.item(n, value=n) for n in ("20", "50", "100")]),
                value=S.size_text,
                on_change=S.set_size,
                size="1",
            ),
            spacing="2",
            align="center",
        ),
        rx.spacer(),
        rx.text(S.range_text, size="2", data_testid="range-text"),
        rx.icon_button(
            rx.icon("chevron-left", size=16),
            on_click=S.prev_page,
            disabled=~S.has_prev,
            variant="soft",
            size="2",
            aria_label="Previous page",
            data_testid="prev-page",
        ),
        rx.icon_button(
            rx.icon("chevron-right", size=16),
            on_click=S.next_page,
            disabled=~S.has_next,
            variant="soft",
            size="2",
            aria_label="Next page",
            data_testid="next-page",
        ),
        width="100%",
        align="center",
        spacing="3",
        wrap="wrap",
    )
