"""Task rows, the colour key by due state with its legend (P17), and the lead page's
to-dos and events panel (P9, P17). Shared by the to-do page and the lead page."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.forms import CheckboxInput
from reflex_components_core.react_router.dom import ReactRouterLink

from leadapp.components.blocks import plain_badge
from leadapp.components.ui import card_stack, column, inline, muted, wide_row
from leadapp.services.tasks import DUE_STATES
from leadapp.state.todo import LeadTasksState, TaskDialogState

KIND_ICONS = {"todo": "square-check", "call": "phone", "showing": "house", "meeting": "users"}


def _kind_icon(kind):
    return rx.match(
        kind,
        *[(k, rx.icon(icon, size=16)) for k, icon in KIND_ICONS.items()],
        rx.icon("square-check", size=16),
    )


def due_legend() -> rx.Component:
    """The colour key by due state, shown above every task list."""
    return rx.hstack(
        *[
            inline(
                rx.box(
                    width="10px", height="10px", border_radius="3px", background=rx.color(color, 9)
                ),
                muted(label, size="1"),
                spacing="1",
                data_testid=f"legend-{state}",
            )
            for state, (label, color) in DUE_STATES.items()
        ],
        spacing="4",
        wrap="wrap",
        data_testid="due-legend",
    )


# A task row is plain elements with Radix Themes' classes and the styles in
# assets/leadapp.css (`.task-*`): a list of rows renders without per-element style props
# (each would be serialized by emotion on every render). The due state's colour is the
# row's `color` (services/tasks.DUE_STATES) as Radix's data-accent-color, which sets the
# --accent-* colours the bar and the due time use. Rows are keyed by task id, so a tick
# removes one row instead of redrawing every row below it.
TEXT = "rt-Text rt-r-size-"


def task_row(
    task, on_toggle, *, show_owner: bool | rx.Var[bool] = False, show_lead: bool = True
) -> rx.Component:
    """One task block: tick box, title (opens the edit dialog), due time coloured by state,
    kind, lead link, owner. `on_toggle(task_id, checked)` is the tick handler."""
    done = task["completed"].to(bool)
    return rx.el.div(
        rx.el.span(class_name="task-bar", data_accent_color=task["color"].to(str)),
        # what rx.el.input(type="checkbox") builds; created directly, on_change gets a bool
        CheckboxInput.create(
            type="checkbox",
            checked=done,
            on_change=lambda checked: on_toggle(task["id"], checked),
            class_name="task-check",
            aria_label="Done",
            data_testid="task-check",
        ),
        rx.el.div(
            rx.el.div(
                rx.el.button(
                    task["title"].to(str),
                    type="button",
                    on_click=TaskDialogState.open_edit(task["id"]),
                    class_name=rx.cond(done, "task-title task-done", "task-title"),
                    data_testid="task-title",
                ),
                plain_badge(_kind_icon(task["kind"]), task["kind_label"].to(str), accent="gray"),
                class_name="task-line",
            ),
            rx.el.div(
                rx.el.span(
                    rx.icon("clock", size=13),
                    rx.el.span(
                        task["due_label"].to(str),
                        class_name=TEXT + "2 rt-r-weight-medium",
                        data_testid="task-due",
                    ),
                    class_name="task-due",
                    data_accent_color=task["color"].to(str),
                    data_state=task["state"].to(str),
                    data_testid="task-due-wrap",
                ),
                rx.cond(
                    done,
                    rx.el.span(
                        "Done " + task["completed_label"].to(str),
                        class_name=TEXT + "1",
                        data_accent_color="green",
                        data_testid="task-completed-at",
                    ),
                ),
                rx.cond(
                    show_lead & (task["lead_id"].to(int) > 0),
                    ReactRouterLink.create(
                        rx.icon("user", size=13),
                        task["lead_name"].to(str),
                        to="/leads/" + task["lead_id"].to(str),
                        class_name="rt-Text rt-reset rt-Link rt-r-size-2 rt-underline-auto "
                        "lt-link task-lead",
                        data_accent_color="",
                        data_testid="task-lead-link",
                    ),
                ),
                rx.cond(
                    show_owner | ~task["mine"].to(bool),
                    rx.el.span(
                        "· " + task["owner_name"].to(str),
                        class_name=TEXT + "1",
                        data_accent_color="gray",
                        data_testid="task-owner",
                    ),
                ),
                class_name="task-meta",
            ),
            rx.cond(
                task["notes"].to(str) != "",
                rx.el.p(
                    task["notes"].to(str),
                    class_name=TEXT + "1 task-notes",
                    data_accent_color="gray",
                ),
            ),
            class_name="task-main",
        ),
        class_name="task-row",
        key=task["id"].to(str),
        data_testid="task-row",
        data_task_id=task["id"].to(str),
    )


def lead_tasks_panel() -> rx.Component:
    """The lead page's To-dos & events card (P9, P17). Its state loads with
    LeadTasksState.load in the lead page's on_load; "New" opens the shared dialog."""
    return card_stack(
        wide_row(
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
            wrap="wrap",
        ),
        due_legend(),
        rx.cond(
            LeadTasksState.lead_tasks_error != "",
            rx.text(LeadTasksState.lead_tasks_error, color_scheme="red", size="2"),
            rx.cond(
                LeadTasksState.lead_tasks.length() > 0,
                column(
                    rx.foreach(
                        LeadTasksState.lead_tasks,
                        lambda t: task_row(
                            t, LeadTasksState.toggle, show_owner=True, show_lead=False
                        ),
                    )
                ),
                muted("No to-dos or events for this lead yet."),
            ),
        ),
        spacing="3",
        testid="lead-tasks",
    )
