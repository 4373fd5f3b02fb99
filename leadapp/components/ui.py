"""Small building blocks the pages and components share: full-width columns and rows, grey
notes, empty-list lines, callouts, buttons, cards, tables, forms with their buttons, dialogs.

Each builder sets the props written in it and those passed on; a test id or a handler that
is not given is left out of the element (no empty data-testid, no empty on_click)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx

from leadapp.components.forms import cancel_button, form_footer, table_header
from leadapp.components.props import Accent, Spacing, TextSize


def _given(**props: Any) -> dict[str, Any]:
    """The props that were given (a test id of "" and a handler of None are left out)."""
    return {
        k: v for k, v in props.items() if v is not None and not (isinstance(v, str) and v == "")
    }


def column(*children: Any, spacing: Spacing = "2", **props: Any) -> rx.Component:
    """A full-width vertical stack of `children`."""
    return rx.vstack(*children, spacing=spacing, width="100%", **props)


def inline(*children: Any, spacing: Spacing = "2", **props: Any) -> rx.Component:
    """A row of `children` centred on one line (an icon and its text, a few badges)."""
    return rx.hstack(*children, spacing=spacing, align="center", **props)


def wide_row(*children: Any, **props: Any) -> rx.Component:
    """A full-width row of `children`, centred on one line: a heading and its actions."""
    return rx.hstack(*children, align="center", width="100%", **props)


def heading_row(title: Any, *actions: Any, size: TextSize = "4", **props: Any) -> rx.Component:
    """A card's or a section's heading with its `actions` pushed to the right."""
    return wide_row(rx.heading(title, size=size), rx.spacer(), *actions, **props)


def icon_heading(icon: str, title: Any) -> rx.Component:
    """A step's heading after its accent-coloured icon."""
    return rx.hstack(
        rx.icon(icon, size=22, color=rx.color("accent", 9)),
        rx.heading(title, size="4"),
        align="center",
        spacing="2",
    )


def end_row(*children: Any, **props: Any) -> rx.Component:
    """A full-width row with `children` on the right: a dialog's or a panel's buttons."""
    return rx.hstack(*children, justify="end", width="100%", **props)


def brand_mark(icon_size: int, padding: str, radius: str) -> rx.Component:
    """leadapp's mark: the white house on an accent-coloured square."""
    return rx.box(
        rx.icon("house", size=icon_size, color="white"),
        background=rx.color("accent", 9),
        padding=padding,
        border_radius=radius,
    )


def muted(*children: Any, size: TextSize = "2", **props: Any) -> rx.Component:
    """Grey secondary text: a note under a heading, a count, a date."""
    return rx.text(*children, size=size, color_scheme="gray", **props)


def empty_or(rows: Any, body: rx.Component, empty: str, **props: Any) -> rx.Component:
    """`body` while `rows` (a list var) has rows, else the grey line `empty`."""
    return rx.cond(rows.length() > 0, body, muted(empty, **props))


def rows_or(
    rows: Any, render: Any, empty: str, *, empty_testid: str = "", **props: Any
) -> rx.Component:
    """A full-width column of `render(row)` for each row of the list var `rows`, or the grey
    line `empty` while it has none; `props` (spacing, a max height) go on the column."""
    return empty_or(
        rows,
        rx.vstack(rx.foreach(rows, render), width="100%", **props),
        empty,
        **_given(data_testid=empty_testid),
    )


def error_line(message: Any, testid: str, size: TextSize = "2") -> rx.Component:
    """A red line while the state var `message` is not empty."""
    return rx.cond(
        message != "", rx.text(message, color_scheme="red", size=size, data_testid=testid)
    )


def notice(
    message: Any, icon: str, color_scheme: Accent, *, testid: str = "", **props: Any
) -> rx.Component:
    """A callout: `message` with its icon, in `color_scheme`."""
    return rx.callout(
        message, icon=icon, color_scheme=color_scheme, **_given(data_testid=testid), **props
    )


# A few lucide icons as plain SVG elements, for what a page of rows repeats (a lucide icon
# component per row costs more script per render than the rest of the row): each icon is
# its shapes, (SVG element, attributes), on lucide's 24 x 24 grid.
LUCIDE_SHAPES: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "arrow-up": (("path", {"d": "m5 12 7-7 7 7"}), ("path", {"d": "M12 19V5"})),
    "arrow-down": (("path", {"d": "M12 5v14"}), ("path", {"d": "m19 12-7 7-7-7"})),
    "chevrons-up-down": (("path", {"d": "m7 15 5 5 5-5"}), ("path", {"d": "m7 9 5-5 5 5"})),
    "ellipsis": tuple(("circle", {"cx": x, "cy": "12", "r": "1"}) for x in ("5", "12", "19")),
}


def plain_icon(name: str, size: int = 16, class_name: str = "", **props: Any) -> rx.Component:
    """lucide's `name` (one of LUCIDE_SHAPES) drawn as a plain <svg>; its stroke comes from
    the `lt-icon` class in assets/leadapp.css (as props, Reflex would make them an emotion
    style per element).
    """
    return rx.el.svg(
        *[getattr(rx.el.svg, tag)(**attrs) for tag, attrs in LUCIDE_SHAPES[name]],
        width=str(size),
        height=str(size),
        view_box="0 0 24 24",
        aria_hidden="true",
        class_name=f"lt-icon {class_name}".strip(),
        **props,
    )


def icon_action(
    icon: str,
    label: str,
    on_click: Any = None,
    *,
    testid: str = "",
    variant: Any = "soft",
    color_scheme: Any = "",
    icon_size: int = 14,
    **props: Any,
) -> rx.Component:
    """A small icon button; `label` is its accessible name."""
    return rx.icon_button(
        rx.icon(icon, size=icon_size),
        size="1",
        variant=variant,
        aria_label=label,
        **_given(color_scheme=color_scheme, on_click=on_click, data_testid=testid),
        **props,
    )


def delete_action(
    label: str, on_click: Any, *, testid: str = "", variant: str = "soft"
) -> rx.Component:
    """The red bin icon button of a row or a card."""
    return icon_action(
        "trash-2", label, on_click, testid=testid, variant=variant, color_scheme="red"
    )


def icon_text_button(
    icon: str,
    label: Any,
    on_click: Any = None,
    *,
    testid: str = "",
    icon_size: int = 14,
    **props: Any,
) -> rx.Component:
    """A button with an icon before its label."""
    return rx.button(
        rx.icon(icon, size=icon_size),
        label,
        **_given(on_click=on_click, data_testid=testid),
        **props,
    )


def filters_button(count: Any, testid: str, variant: Any) -> rx.Component:
    """The "Filters" button that opens a filter popover, with the number of filters set
    (`count`, an int var) in a badge while there are any."""
    return rx.button(
        rx.icon("list-filter", size=16),
        "Filters",
        rx.cond(
            count > 0,
            rx.badge(count, variant="solid", radius="full", data_testid="filter-count"),
        ),
        variant=variant,
        data_testid=testid,
    )


def small_button(
    label: Any, on_click: Any = None, *, testid: str = "", **props: Any
) -> rx.Component:
    """A small (size 1) button; `props` give its variant, colour and the rest."""
    return rx.button(label, size="1", **_given(on_click=on_click, data_testid=testid), **props)


def soft_button(
    label: Any, on_click: Any = None, *, testid: str = "", **props: Any
) -> rx.Component:
    """A small soft button (a row's or a card's action)."""
    return small_button(label, on_click, testid=testid, variant="soft", **props)


def ghost_button(
    label: Any, on_click: Any = None, *, testid: str = "", **props: Any
) -> rx.Component:
    """A small ghost button: a quiet action beside a heading ("Clear all", "Edit")."""
    return small_button(label, on_click, testid=testid, variant="ghost", **props)


def gray_button(
    label: Any, on_click: Any = None, *, testid: str = "", **props: Any
) -> rx.Component:
    """A grey soft button: a dialog's Cancel or Close that does not submit anything."""
    return rx.button(
        label,
        variant="soft",
        color_scheme="gray",
        **_given(on_click=on_click, data_testid=testid),
        **props,
    )


def wide_submit(label: Any, testid: str, **props: Any) -> rx.Component:
    """The large full-width submit button of a sign-in or account form."""
    return rx.button(label, type="submit", size="3", width="100%", data_testid=testid, **props)


def action_link(
    label: Any, on_click: Any, *, testid: str = "", size: TextSize = "1", **props: Any
) -> rx.Component:
    """A link that runs an event instead of leading to a page."""
    return rx.link(
        label, size=size, cursor="pointer", on_click=on_click, **_given(data_testid=testid), **props
    )


def card_stack(
    *children: Any, spacing: Spacing = "2", testid: str = "", **props: Any
) -> rx.Component:
    """A full-width card holding a full-width column of `children`."""
    return rx.card(
        rx.vstack(*children, spacing=spacing, width="100%", **props),
        width="100%",
        **_given(data_testid=testid),
    )


def section_card(title: str, note: str, *children: Any, spacing: Spacing = "3") -> rx.Component:
    """A settings section: its heading, a grey note, then its content."""
    return card_stack(rx.heading(title, size="4"), muted(note), *children, spacing=spacing)


def stack_form(
    on_submit: Any, *children: Any, spacing: Spacing = "3", **form_props: Any
) -> rx.Component:
    """A form whose `children` stand in one full-width column."""
    return rx.form(
        rx.vstack(*children, spacing=spacing, width="100%"), on_submit=on_submit, **form_props
    )


def form_card(
    title: str,
    on_submit: Any,
    submit_label: str,
    submit_testid: str,
    *fields: Any,
    spacing: Spacing = "3",
    testid: str = "",
    **form_props: Any,
) -> rx.Component:
    """A settings card that is one form: its heading, `fields`, then the submit button."""
    return rx.card(
        stack_form(
            on_submit,
            rx.heading(title, size="4"),
            *fields,
            rx.button(submit_label, type="submit", data_testid=submit_testid),
            spacing=spacing,
            **form_props,
        ),
        width="100%",
        **_given(data_testid=testid),
    )


def compact_table(headers: Sequence[str], rows: rx.Component, **props: Any) -> rx.Component:
    """A small full-width table (size 1) that scrolls sideways inside its box."""
    return rx.box(
        rx.table.root(table_header(*headers), rx.table.body(rows), size="1", width="100%", **props),
        overflow_x="auto",
        width="100%",
    )


def footed_form(
    on_cancel: Any,
    submit_label: str,
    submit_testid: str,
    on_submit: Any,
    *fields: Any,
    spacing: Spacing = "3",
    in_dialog: bool = False,
    **form_props: Any,
) -> rx.Component:
    """A form of `fields` in a full-width column, ending with Cancel (`on_cancel`; with
    `in_dialog` it also closes the dialog) and the submit button."""
    cancel = cancel_button(on_cancel)
    return stack_form(
        on_submit,
        *fields,
        form_footer(rx.dialog.close(cancel) if in_dialog else cancel, submit_label, submit_testid),
        spacing=spacing,
        **form_props,
    )


def dialog(
    open_: Any,
    on_close: Any,
    title: Any,
    *body: Any,
    description: Any = None,
    **content_props: Any,
) -> rx.Component:
    """A dialog: its title, an optional description (one child or a tuple of them), then
    `body`; closing it (Escape, a click outside) runs `on_close`."""
    head: list[rx.Component] = [rx.dialog.title(title)]
    if description is not None:
        parts = description if isinstance(description, tuple) else (description,)
        head.append(rx.dialog.description(*parts, size="2"))
    return rx.dialog.root(
        rx.dialog.content(*head, *body, **content_props),
        open=open_,
        on_open_change=lambda _o: on_close(),
    )


def confirm_dialog(
    open_: Any,
    title: Any,
    description: Any,
    buttons: rx.Component,
    *,
    on_close: Any = None,
    **content_props: Any,
) -> rx.Component:
    """An alert dialog: title, description, `buttons`; `on_close` also runs on Escape."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            buttons,
            **content_props,
        ),
        open=open_,
        **_given(on_open_change=None if on_close is None else lambda _o: on_close()),
    )


def confirm_buttons(
    cancel_label: str,
    on_cancel: Any,
    confirm_label: Any,
    on_confirm: Any,
    confirm_testid: str,
    *,
    cancel_testid: str = "",
) -> rx.Component:
    """An alert dialog's grey cancel and red confirm buttons, on the right."""
    return rx.hstack(
        gray_button(cancel_label, on_cancel, testid=cancel_testid),
        rx.button(
            confirm_label, color_scheme="red", on_click=on_confirm, data_testid=confirm_testid
        ),
        justify="end",
        spacing="2",
        margin_top="12px",
    )
