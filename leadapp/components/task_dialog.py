"""The add/edit task dialog (T3, T4), used by the to-do page and the lead page.

Mount `task_dialog()` once on a page; open it with `TaskDialogState.open_new()` (or
`open_new(lead_id)` from a lead page, which fixes the lead) or `open_edit(task_id)`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.el.elements.forms import HTMLInputTypeAttribute

from leadapp.components.forms import cancel_button, field_error, field_stack, labelled
from leadapp.components.sections import lead_picker
from leadapp.components.ui import end_row, icon_action, icon_text_button, muted, stack_form
from leadapp.state.base import AuthState
from leadapp.state.todo import TaskDialogState as S


def _error(field: str) -> rx.Component:
    return field_error(S.errors, field, f"task-error-{field}")


def _field(label: str, control: rx.Component, field: str) -> rx.Component:
    return labelled(label, control, S.errors, field, error_testid=f"task-error-{field}")


def _when(
    label: Any, type_: HTMLInputTypeAttribute, name: str, value: Any, testid: str
) -> rx.Component:
    """The date or the time of the task, half the row."""
    return field_stack(
        label,
        rx.input(
            type=type_,
            name=name,
            default_value=value,
            width="100%",
            data_testid=testid,
            key=S.task_id.to(str) + value,
        ),
        _error(name),
        flex="1",
    )


def _lead_picker() -> rx.Component:
    return lead_picker(
        "Lead (optional)",
        picked=S.lead_id > 0,
        name=S.lead_name,
        clear=rx.cond(
            ~S.lead_locked,
            icon_action("x", "Remove lead", S.clear_lead, variant="ghost", type="button"),
        ),
        query=S.lead_query,
        on_search=S.search_leads,
        placeholder="Search your leads by name or email",
        results=rx.cond(
            S.lead_results.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.lead_results,
                    lambda ld: rx.box(
                        rx.text(ld["name"], size="2", weight="medium"),
                        muted(ld["email"], size="1"),
                        on_click=S.pick_lead(ld["id"]),
                        padding="6px 10px",
                        cursor="pointer",
                        width="100%",
                        _hover={"background": rx.color("accent", 3)},
                        data_testid="task-lead-option",
                    ),
                ),
                spacing="0",
                width="100%",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="6px",
                margin_top="4px",
                max_height="220px",
                overflow_y="auto",
            ),
        ),
        testid="task-lead",
    )


def task_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.is_edit, "Edit task", "New task")),
            stack_form(
                S.save,
                _field(
                    "Title",
                    rx.input(
                        name="title",
                        default_value=S.title,
                        placeholder="e.g. Call about the offer",
                        max_length=200,
                        width="100%",
                        data_testid="task-title-input",
                        key=S.task_id,
                    ),
                    "title",
                ),
                field_stack(
                    "Kind",
                    rx.segmented_control.root(
                        *[
                            rx.segmented_control.item(label, value=k)
                            for k, label in (
                                ("todo", "To-do"),
                                ("call", "Call"),
                                ("showing", "Showing"),
                                ("meeting", "Meeting"),
                            )
                        ],
                        value=S.kind,
                        on_change=S.set_kind,
                        size="1",
                        data_testid="task-kind",
                    ),
                    rx.cond(
                        S.kind != "todo",
                        muted(
                            "An event: it shows on your dashboard that day, with a reminder "
                            "before it starts.",
                            size="1",
                        ),
                    ),
                    width="100%",
                ),
                rx.hstack(
                    _when(
                        rx.cond(S.kind == "todo", "Due date", "Date"),
                        "date",
                        "due_date",
                        S.due_date,
                        "task-date",
                    ),
                    _when(
                        rx.cond(S.kind == "todo", "Due time", "Start time"),
                        "time",
                        "due_time",
                        S.due_time,
                        "task-time",
                    ),
                    width="100%",
                    spacing="3",
                ),
                _lead_picker(),
                rx.cond(
                    AuthState.is_broker,
                    _field(
                        "Assigned to",
                        rx.select.root(
                            rx.select.trigger(width="100%", data_testid="task-owner-select"),
                            rx.select.content(
                                rx.foreach(
                                    S.assignee_options,
                                    lambda o: rx.select.item(o[1], value=o[0]),
                                ),
                            ),
                            value=S.owner_id,
                            on_change=S.set_owner,
                        ),
                        "owner",
                    ),
                ),
                _field(
                    "Notes",
                    rx.text_area(
                        name="notes",
                        default_value=S.notes,
                        rows="3",
                        width="100%",
                        max_length=5000,
                        data_testid="task-notes",
                        key=S.task_id,
                    ),
                    "notes",
                ),
                end_row(
                    rx.cond(
                        S.is_edit,
                        icon_text_button(
                            "trash-2",
                            "Delete",
                            S.delete,
                            testid="task-delete",
                            color_scheme="red",
                            variant="ghost",
                            type="button",
                        ),
                    ),
                    rx.spacer(),
                    rx.dialog.close(cancel_button()),
                    rx.button("Save", type="submit", data_testid="task-save"),
                    spacing="3",
                ),
                spacing="4",
                reset_on_submit=False,
            ),
            max_width="520px",
            data_testid="task-dialog",
        ),
        open=S.open,
        on_open_change=S.set_open,
    )
