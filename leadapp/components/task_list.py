"""Task rows, the colour key by due state with its legend (P17), and the lead page's
to-dos and events panel (P9, P17). Shared by the to-do page and the lead page."""

from __future__ import annotations

import reflex as rx

from leadapp.services.tasks import DUE_STATES
from leadapp.state.todo import LeadTasksState, TaskDialogState

KIND_ICONS = {"todo": "square-check", "call": "phone", "showing": "house", "meeting": "users"}


def _kind_icon(kind) -> rx.Component:
    return rx.match(
        kind,
        *[(k, rx.icon(icon, size=16)) for k, icon in KIND_ICONS.items()],
        rx.icon("square-check", size=16),
    )


def due_legend() -> rx.Component:
    """The colour key by due state, shown above every task list."""
    return rx.hstack(
        *[
            rx.hstack(
                rx.box(
                    width="10px", height="10px", border_radius="3px", background=rx.color(color, 9)
                ),
                rx.text(label, size="1", color_scheme="gray"),
                spacing="1",
                align="center",
                data_testid=f"legend-{state}",
            )
            for state, (label, color) in DUE_STATES.items()
        ],
        spacing="4",
        wrap="wrap",
        data_testid="due-legend",
    )


def _state_color(state, shade: int):
    return rx.match(
        state,
        *[(s, rx.color(c, shade)) for s, (_, c) in DUE_STATES.items()],
        rx.color("gray", shade),
    )


def task_row(task, on_toggle, *, show_owner=False, show_lead=True) -> rx.Component:
    """One task block: tick box, title (opens the edit dialog), due time coloured by state,
    kind, lead link, owner. `on_toggle(task_id, checked)` is the tick handler."""
    return rx.hstack(
        rx.box(
            width="4px",
            align_self="stretch",
            border_radius="4px",
            background=_state_color(task["state"], 9),
        ),
        rx.checkbox(
            checked=task["completed"].to(bool),
            on_change=lambda checked: on_toggle(task["id"], checked),
            size="3",
            aria_label="Done",
            data_testid="task-check",
            margin_top="2px",
        ),
        rx.vstack(
            rx.hstack(
                rx.link(
                    rx.text(
                        task["title"],
                        weight="medium",
                        size="3",
                        text_decoration=rx.cond(task["completed"].to(bool), "line-through", "none"),
                    ),
                    on_click=TaskDialogState.open_edit(task["id"]),
                    cursor="pointer",
                    underline="hover",
                    color=rx.color("gray", 12),
                    data_testid="task-title",
                ),
                rx.badge(
                    _kind_icon(task["kind"]),
                    task["kind_label"],
                    variant="soft",
                    color_scheme="gray",
                    size="1",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.hstack(
                    rx.icon("clock", size=13),
                    rx.text(task["due_label"], size="2", weight="medium", data_testid="task-due"),
                    spacing="1",
                    align="center",
                    color=_state_color(task["state"], 11),
                    data_state=task["state"],
                    data_testid="task-due-wrap",
                ),
                rx.cond(
                    task["completed"].to(bool),
                    rx.text(
                        "Done " + task["completed_label"].to(str),
                        size="1",
                        color_scheme="green",
                        data_testid="task-completed-at",
                    ),
                ),
                rx.cond(
                    show_lead & (task["lead_id"].to(int) > 0),
                    rx.link(
                        rx.hstack(
                            rx.icon("user", size=13),
                            rx.text(task["lead_name"], size="2"),
                            spacing="1",
                            align="center",
                        ),
                        href="/leads/" + task["lead_id"].to(str),
                        data_testid="task-lead-link",
                    ),
                ),
                rx.cond(
                    show_owner | ~task["mine"].to(bool),
                    rx.text(
                        "· " + task["owner_name"].to(str),
                        size="1",
                        color_scheme="gray",
                        data_testid="task-owner",
                    ),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                task["notes"].to(str) != "",
                rx.text(
                    task["notes"],
                    size="1",
                    color_scheme="gray",
                    trim="both",
                    style={"white-space": "pre-wrap", "overflow-wrap": "anywhere"},
                ),
            ),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        width="100%",
        align="start",
        spacing="3",
        padding="10px 12px",
        border_radius="8px",
        background=rx.color("gray", 1),
        border=f"1px solid {rx.color('gray', 4)}",
        data_testid="task-row",
        data_task_id=task["id"].to(str),
    )


def lead_tasks_panel() -> rx.Component:
    """The lead page's To-dos & events card (P9, P17). Its state loads with
    LeadTasksState.load in the lead page's on_load; "New" opens the shared dialog."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("To-dos & events", size="4", white_space="nowrap"),
                rx.badge(LeadTasksState.open_lead_tasks, " open", variant="soft"),
                rx.spacer(),
                rx.link(
                    "View all",
                    href="/todo?lead=" + LeadTasksState.lead_tasks_lead_id.to(str),
                    size="2",
                    white_space="nowrap",
                    data_testid="lead-tasks-view-all",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    "New",
                    size="1",
                    on_click=TaskDialogState.open_new(LeadTasksState.lead_tasks_lead_id),
                    data_testid="lead-task-new",
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            due_legend(),
            rx.cond(
                LeadTasksState.lead_tasks_error != "",
                rx.text(LeadTasksState.lead_tasks_error, color_scheme="red", size="2"),
                rx.cond(
                    LeadTasksState.lead_tasks.length() > 0,
                    rx.vstack(
                        rx.foreach(
                            LeadTasksState.lead_tasks,
                            lambda t: task_row(
                                t, LeadTasksState.toggle, show_owner=True, show_lead=False
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.text(
                        "No to-dos or events for this lead yet.", color_scheme="gray", size="2"
                    ),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="lead-tasks",
    )
