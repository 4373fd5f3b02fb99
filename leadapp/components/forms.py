"""Small builders the forms, settings sections and tables share: a labelled field with its
error line, an input that shows a loaded value, a table's header row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex.vars import ObjectVar, Var


def field_error(errors: ObjectVar[dict[str, str]], key: str, testid: str = "") -> rx.Component:
    """The red message under a field while the state's `errors` (field → message) has `key`."""
    props = {"data_testid": testid} if testid else {}
    return rx.cond(
        errors.contains(key),
        rx.text(errors[key], size="1", color_scheme="red", **props),
    )


def labelled(
    label: str,
    control: rx.Component,
    errors: ObjectVar[dict[str, str]],
    key: str,
    *,
    hint: str = "",
    error_testid: str = "",
) -> rx.Component:
    """A field: its label above the control, an optional grey hint, then its error line."""
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        control,
        *([rx.text(hint, size="1", color_scheme="gray")] if hint else []),
        field_error(errors, key, error_testid),
        spacing="1",
        width="100%",
    )


def loaded_input(name: str, value: Var[str], **props: Any) -> rx.Component:
    """A form input showing a value the state loaded, keyed on it so that a new load shows;
    full width unless `props` say otherwise."""
    return rx.input(name=name, default_value=value, key=value, **{"width": "100%", **props})


def loaded_text_area(name: str, value: Var[str], rows: str) -> rx.Component:
    """The text-area form of `loaded_input`."""
    return rx.text_area(name=name, default_value=value, key=value, rows=rows, width="100%")


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
