"""The lead list table (L1, L3, L5): sortable headers, one page of rows, the pager.

`lead_table(row_menu=None)`: `row_menu(row)` may return a component for the last cell of each
row (e.g. a "⋯" menu with delete / reactivate / claim); `selection_bar(extra)` shows the
selected count with room for bulk-action buttons.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex_components_core.el.elements.forms import CheckboxInput
from reflex_components_core.react_router.dom import ReactRouterLink

from leadapp.components.blocks import plain_badge
from leadapp.components.ui import ghost_button, inline, plain_icon, wide_row
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
            plain_icon("arrow-up", 14, data_testid=f"sorted-{column}-asc"),
            plain_icon("arrow-down", 14, data_testid=f"sorted-{column}-desc"),
        ),
        plain_icon("chevrons-up-down", 12, class_name="lt-unsorted"),
    )


def _header(column: str, label: str, sortable: bool) -> rx.Component:
    inner = inline(rx.text(label), _sort_icon(column), spacing="1") if sortable else rx.text(label)
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
    return rx.el.span(
        *[
            rx.el.span("★", class_name=rx.cond(n >= i, "lt-star lt-on", "lt-star"))
            for i in (1, 2, 3)
        ],
        class_name=TEXT,
        aria_label=n.to(str) + " of 3 stars",
        title=n.to(str) + " of 3 stars",
        role="img",
    )


# A page of rows is drawn with plain elements carrying Radix Themes' own classes (the same
# look as rx.table.cell / rx.text / rx.badge / rx.link, the link a bare ReactRouterLink):
# each row is then a handful of DOM elements and almost no component work.
# Styles live in assets/leadapp.css (no per-element style props: each would be serialized
# by emotion on every render).
CELL = "rt-TableCell"
TEXT = "rt-Text rt-r-size-2"


def _cell(column: str, content: rx.Component) -> rx.Component:
    return rx.cond(S.columns.contains(column), rx.el.td(content, class_name=CELL))


def _text(value, gray: bool = False, clip: bool = False) -> rx.Component:
    """A cell's text; clip: cut with an ellipsis at the column's width, whole on hover."""
    return rx.el.p(
        value,
        class_name=TEXT + (" lt-clip" if clip else ""),
        title=value if clip else None,
        data_accent_color="gray" if gray else None,
    )


def _tags(tags) -> rx.Component:
    """The first two tags, then "+N" for the rest (all of them on hover)."""
    return rx.el.span(
        rx.foreach(tags[:2], lambda t: plain_badge(t, variant="surface")),
        rx.cond(
            tags.length() > 2,
            plain_badge("+" + (tags.length() - 2).to_string(), accent="gray"),
        ),
        class_name="lt-tags",
        title=tags.join(", "),
    )


def _row(row, row_menu: Callable | None) -> rx.Component:
    lid = row["id"].to(int)
    return rx.el.tr(
        rx.el.td(
            # what rx.el.input(type="checkbox") builds; created directly, on_change gets a bool
            CheckboxInput.create(
                type="checkbox",
                checked=S.selected.contains(lid) | S.all_matching,
                on_change=lambda c: S.toggle_row(lid, c),
                class_name="lt-check",
                aria_label="Select lead",
                data_testid="row-select",
            ),
            class_name=CELL,
        ),
        rx.el.th(
            ReactRouterLink.create(
                row["name"].to(str),
                to="/leads/" + row["id"].to(str),
                class_name="rt-Text rt-reset rt-Link rt-r-weight-medium rt-underline-auto lt-link",
                data_accent_color="",
                data_testid="lead-name",
            ),
            scope="row",
            class_name="rt-TableCell rt-TableRowHeaderCell",
        ),
        _cell("email", _text(row["email"].to(str), clip=True)),
        _cell("phone", _text(row["phone"].to(str))),
        _cell("type", _text(row["type"].to(str))),
        _cell(
            "status",
            plain_badge(
                row["status"].to(str),
                accent=rx.match(row["status_code"].to(str), *STATUS_COLORS),
            ),
        ),
        _cell("stage", _text(row["stage"].to(str))),
        _cell("rating", stars(row["stars"].to(int))),
        _cell("source", _text(row["source"].to(str), clip=True)),
        _cell("agent", _text(row["agent"].to(str))),
        _cell(
            "tags",
            _tags(row["tags"].to(list[str])),
        ),
        _cell("last_activity", _text(row["last_activity"].to(str), gray=True)),
        _cell("created", _text(row["created"].to(str), gray=True)),
        rx.el.td(row_menu(row) if row_menu else rx.fragment(), class_name=CELL),
        class_name="rt-TableRow rt-r-va-middle",
        data_testid="lead-row",
    )


def lead_table(row_menu: Callable | None = None) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        CheckboxInput.create(
                            type="checkbox",
                            checked=S.page_all_selected | S.all_matching,
                            on_change=S.toggle_page,
                            class_name="lt-check",
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
            # as wide as its columns (at least the box): the header's background and the
            # border follow the table when it scrolls sideways
            width="max-content",
            min_width="100%",
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
        # The table scrolls in its own box no taller than the window, so its sideways
        # scrollbar is always on screen and the header stays on top (.lt-scroll).
        class_name="lt-scroll",
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
                ghost_button(
                    "Select all " + S.total.to(str) + " matching",
                    S.select_all_matching,
                    testid="select-all-matching",
                ),
            ),
            ghost_button("Clear selection", S.clear_selection, color_scheme="gray"),
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
    return wide_row(
        inline(
            rx.text("Rows per page", size="2", color_scheme="gray"),
            # a native select: no popup to mount and position, keyboard and screen readers
            # as the platform does them
            rx.el.select(
                *[rx.el.option(n, value=n) for n in ("20", "50", "100")],
                value=S.size_text,
                on_change=S.set_size,
                aria_label="Rows per page",
                data_testid="page-size",
                class_name="lt-select",
            ),
            spacing="2",
        ),
        rx.spacer(),
        # the range and its two buttons wrap as one (at phone width: a line of their own)
        inline(
            rx.text(S.range_text, size="2", data_testid="range-text"),
            _page_button("chevron-left", S.prev_page, ~S.has_prev, "Previous page", "prev-page"),
            _page_button("chevron-right", S.next_page, ~S.has_next, "Next page", "next-page"),
            spacing="3",
            margin_left="auto",
        ),
        spacing="3",
        wrap="wrap",
    )


def _page_button(icon: str, on_click, disabled, label: str, testid: str) -> rx.Component:
    return rx.icon_button(
        rx.icon(icon, size=16),
        on_click=on_click,
        disabled=disabled,
        variant="soft",
        size="2",
        aria_label=label,
        data_testid=testid,
    )
