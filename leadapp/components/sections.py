"""Builders several pages' forms and sections share: a switch with its label, a lead picker,
the time-zone select, a select of agents after the pool, a select setting one of a page's
filters, a progress block, a scrolling table, page buttons."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.forms import chosen_lead, field_stack


def _testid(testid: str) -> dict[str, Any]:
    """The data-testid prop when one is given (none for "")."""
    return {"data_testid": testid} if testid else {}


def switch_row(
    label: Any, checked: Any, on_change: Any, *, testid: str = "", **text_props: Any
) -> rx.Component:
    """A switch and its label (size 2 text; `text_props` add its weight) on one line."""
    return rx.hstack(
        rx.switch(checked=checked, on_change=on_change, **_testid(testid)),
        rx.text(label, size="2", **text_props),
        align="center",
    )


def lead_picker(
    label: str,
    *,
    picked: Any,
    name: Any,
    clear: rx.Component,
    query: Any,
    on_search: Any,
    placeholder: str,
    results: rx.Component,
    testid: str,
) -> rx.Component:
    """A lead field: while `picked`, the lead's `name` in a badge and its `clear` button, else
    a search box (`on_search` debounced) with the matching leads, `results`, under it; the
    badge's test id is `testid`-chosen, the box's `testid`-search."""
    return field_stack(
        label,
        rx.cond(
            picked,
            rx.hstack(chosen_lead(name, f"{testid}-chosen"), clear, align="center"),
            rx.box(
                rx.input(
                    placeholder=placeholder,
                    value=query,
                    on_change=on_search.debounce(250),
                    width="100%",
                    data_testid=f"{testid}-search",
                ),
                results,
                width="100%",
            ),
        ),
        width="100%",
    )


def timezone_select(zones: Any, value: Any, on_change: Any, testid: str = "") -> rx.Component:
    """The time-zone select: the zone names of the list var `zones`, showing `value`."""
    return rx.select(zones, value=value, on_change=on_change, **_testid(testid))


def pool_or_agent_select(
    pool_label: str, pool_value: str, agents: Any, value: Any, on_change: Any, testid: str = ""
) -> rx.Component:
    """A full-width select of the pool (`pool_label`) then each agent of the list var `agents`
    (dicts with "id" and "name")."""
    return rx.select.root(
        rx.select.trigger(width="100%", **_testid(testid)),
        rx.select.content(
            rx.select.item(pool_label, value=pool_value),
            rx.foreach(agents, lambda a: rx.select.item(a["name"], value=a["id"])),
        ),
        value=value,
        on_change=on_change,
    )


def filter_select(
    filters: Any, set_filter: Any, key: str, default: str, items: list[Any], **trigger_props: Any
) -> rx.Component:
    """A select showing the filter `key` of the state's `filters` (`default` while unset) and
    setting it with `set_filter(key, value)`."""
    return rx.select.root(
        rx.select.trigger(**trigger_props),
        rx.select.content(*items),
        value=filters.get(key, default),
        on_change=lambda v: set_filter(key, v),
    )


def progress_block(label: Any, value: Any, testid: str) -> rx.Component:
    """A full-width progress bar (`value` of 100) under its `label`."""
    return rx.vstack(
        label,
        rx.progress(value=value, max=100, width="100%"),
        width="100%",
        data_testid=testid,
    )


def scrolling_table(
    header: rx.Component,
    rows: Any,
    max_height: str,
    *,
    sideways: bool = False,
    **table_props: Any,
) -> rx.Component:
    """A small table (size 1) in a full-width box at most `max_height` high that scrolls down
    (and, with `sideways`, across)."""
    scroll: dict[str, Any] = {"overflow": "auto"} if sideways else {"overflow_y": "auto"}
    return rx.box(
        rx.table.root(header, rx.table.body(rows), size="1", **table_props),
        max_height=max_height,
        **scroll,
        width="100%",
    )


def page_buttons(
    page: Any,
    pages: Any,
    on_back: Any,
    on_forward: Any,
    labels: tuple[str, str] = ("Previous", "Next"),
    **props: Any,
) -> rx.Component:
    """Soft back and forward buttons around "Page n of m", each disabled at its end."""
    return rx.hstack(
        rx.button(labels[0], variant="soft", disabled=page <= 1, on_click=on_back),
        rx.text("Page ", page, " of ", pages, size="2"),
        rx.button(labels[1], variant="soft", disabled=page >= pages, on_click=on_forward),
        align="center",
        **props,
    )
