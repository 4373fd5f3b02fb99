"""Small builders the forms, settings sections and tables share: a labelled field with its
error line, an input that shows a loaded value, a date-range filter's ends, a table's header row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias, cast

import reflex as rx
from reflex.event import EventType
from reflex.vars import ObjectVar, Var

from leadapp.components.props import SelectSize, Spacing, TextSize
from leadapp.models.enums import LEAD_TYPES

# A state var read on its class (SettingsState.errors) is a Var when the page is built, though
# the checker sees the plain type it is declared with; these builders take either.
Errors: TypeAlias = ObjectVar[dict[str, str]] | dict[str, str]

# A native select (rx.el.select) that sits with the Radix inputs: full width, the surface colour.
SELECT_STYLE = {"padding": "6px", "width": "100%", "background": "var(--color-surface)"}
# The lead forms' native select, with the inputs' grey border (its width left to the caller).
BORDERED_SELECT_STYLE = {
    "padding": "6px",
    "border_radius": "6px",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
}


def field_error(errors: Errors, key: str | Var[str], testid: str = "") -> rx.Component:
    """The red message under a field while the state's `errors` (field → message) has `key`."""
    errs = cast(ObjectVar[dict[str, str]], errors)
    message = errs[key]
    return rx.cond(
        errs.contains(key),
        rx.text(message, size="1", color_scheme="red", data_testid=testid)
        if testid
        else rx.text(message, size="1", color_scheme="red"),
    )


def field_stack(
    label: Any, *children: Any, label_size: TextSize = "2", **props: Any
) -> rx.Component:
    """A field's label over its control (and any hint or error line), close together."""
    return rx.vstack(
        rx.text(label, size=label_size, weight="medium"), *children, spacing="1", **props
    )


def labelled(
    label: str,
    control: rx.Component,
    errors: Errors,
    key: str,
    *,
    hint: str = "",
    error_testid: str = "",
    label_size: TextSize = "2",
) -> rx.Component:
    """A field: its label above the control, an optional grey hint, then its error line."""
    return field_stack(
        label,
        control,
        *([rx.text(hint, size="1", color_scheme="gray")] if hint else []),
        field_error(errors, key, error_testid),
        label_size=label_size,
        width="100%",
    )


def loaded_input(name: str, value: Var[str] | str, **props: Any) -> rx.Component:
    """A form input showing a value the state loaded, keyed on it so that a new load shows;
    full width unless `props` say otherwise."""
    return rx.input(name=name, default_value=value, key=value, **{"width": "100%", **props})


def loaded_text_area(name: str, value: Var[str] | str, rows: str) -> rx.Component:
    """The text-area form of `loaded_input`."""
    return rx.text_area(name=name, default_value=value, key=value, rows=rows, width="100%")


def filter_date(
    filters: ObjectVar[dict[str, str]], name: str, key_suffix: str, testid: str
) -> rx.Component:
    """One end of a date-range filter: a date input showing the filter's value (`filters`: the
    state's name → value), keyed on it so that a new view shows it; `key_suffix` keeps the two
    ends' keys apart when both dates are the same."""
    value = filters.get(name, "").to(str)
    return rx.input(
        type="date", name=name, default_value=value, key=value + key_suffix, data_testid=testid
    )


def chosen_lead(name: Any, testid: str) -> rx.Component:
    """The lead a lead picker holds: its name in a soft badge after the person icon."""
    return rx.badge(rx.icon("user", size=13), name, size="2", variant="soft", data_testid=testid)


def table_header(*names: str) -> rx.Component:
    return rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in names]))


def data_table(headers: Sequence[str], rows: rx.Component, **props: Any) -> rx.Component:
    """A full-width surface table: the header row, then `rows` (usually an rx.foreach); it
    scrolls sideways inside its box where the page is narrower than the table."""
    return rx.box(
        rx.table.root(
            table_header(*headers), rx.table.body(rows), width="100%", variant="surface", **props
        ),
        width="100%",
        overflow_x="auto",
    )


def cancel_button(on_click: EventType[()] | None = None, **props: Any) -> rx.Component:
    """A form's Cancel: never submits it; in a dialog, wrap it in rx.dialog.close."""
    if on_click is None:
        return rx.button("Cancel", type="button", variant="soft", color_scheme="gray", **props)
    return rx.button(
        "Cancel", type="button", variant="soft", color_scheme="gray", on_click=on_click, **props
    )


def form_footer(
    cancel: rx.Component,
    submit_label: Any,
    submit_testid: str,
    *,
    spacing: Spacing | None = None,
    **submit_props: Any,
) -> rx.Component:
    """A form's buttons on the right: `cancel`, then the submit button (with `submit_props`:
    its colour, its busy state)."""
    row_props: dict[str, Any] = {} if spacing is None else {"spacing": spacing}
    return rx.hstack(
        cancel,
        rx.button(submit_label, type="submit", data_testid=submit_testid, **submit_props),
        justify="end",
        width="100%",
        **row_props,
    )


def lead_type_options() -> list[rx.Component]:
    """The options of a lead-type select: none ("—"), then every type."""
    return [rx.el.option("—", value=""), *[rx.el.option(v, value=k) for k, v in LEAD_TYPES.items()]]


def option_select(
    options: Any, value: Any, on_change: Any, trigger: rx.Component, size: SelectSize
) -> rx.Component:
    """A select from a list var of [value, label] pairs."""
    return rx.select.root(
        trigger,
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
        value=value,
        on_change=on_change,
        size=size,
    )
