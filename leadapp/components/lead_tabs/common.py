"""What the lead page's tabs share: a pager, a table with an empty text, a dated row, a
select."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.props import Spacing
from leadapp.components.ui import (
    column,
    compact_table,
    empty_or,
    icon_action,
    inline,
    muted,
    wide_row,
)


def pager(page, pages, goto, testid: str) -> rx.Component:
    return inline(
        icon_action(
            "chevron-left",
            "Previous page",
            goto(page - 1),
            testid=f"{testid}-prev",
            icon_size=16,
            disabled=page <= 0,
        ),
        muted("Page ", page + 1, " of ", pages, size="1", data_testid=f"{testid}-page"),
        icon_action(
            "chevron-right",
            "Next page",
            goto(page + 1),
            testid=f"{testid}-next",
            icon_size=16,
            disabled=page >= pages - 1,
        ),
    )


def table(headers: list[str], rows, row_fn, testid: str, empty: str) -> rx.Component:
    return empty_or(
        rows,
        compact_table(headers, rx.foreach(rows, row_fn), variant="surface", data_testid=testid),
        empty,
        padding_y="12px",
        data_testid=f"{testid}-empty",
    )


def dated_row(when: Any, *cells: Any, testid: str = "") -> rx.Component:
    """A tab table's row: its date kept on one line, then a cell per item of `cells` (a tuple
    is one cell of several children)."""
    row_props: dict[str, Any] = {"data_testid": testid} if testid else {}
    return rx.table.row(
        rx.table.cell(when, white_space="nowrap"),
        *[rx.table.cell(*c) if isinstance(c, tuple) else rx.table.cell(c) for c in cells],
        **row_props,
    )


def _select(items, value, on_change, testid: str, width: str = "200px") -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width=width, data_testid=testid),
        rx.select.content(rx.foreach(items, lambda k: rx.select.item(k["label"], value=k["code"]))),
        value=value,
        on_change=on_change,
        size="2",
    )


def tab_body(
    tools: list[rx.Component],
    paged: Any,
    testid: str,
    *body: rx.Component,
    wrap: bool = False,
    spacing: Spacing = "3",
) -> rx.Component:
    """A paged tab: its tools on the left and `paged`'s pager (a Pager substate) on the right,
    then `body`."""
    wrap_props: dict[str, Any] = {"wrap": "wrap"} if wrap else {}
    bar = wide_row(
        *tools,
        rx.spacer(),
        pager(paged.page, paged.pages, paged.goto, testid),
        **wrap_props,
    )
    return column(bar, *body, spacing=spacing)
