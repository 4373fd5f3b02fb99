"""The to-do board (T1-T4): the user's tasks across all leads, in sections by due state."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.forms import field_stack, filter_date
from leadapp.components.props import Accent
from leadapp.components.sections import filter_select, lead_picker
from leadapp.components.shell import page_shell
from leadapp.components.task_dialog import task_dialog
from leadapp.components.task_list import due_legend, task_row
from leadapp.components.ui import (
    column,
    end_row,
    filters_button,
    ghost_button,
    icon_action,
    inline,
    muted,
    soft_button,
    stack_form,
    wide_row,
)
from leadapp.state.base import AuthState
from leadapp.state.todo import TaskDialogState
from leadapp.state.todo import TodoState as S

SECTIONS: list[tuple[str, str, Accent, Any]] = [
    ("overdue", "Overdue", "red", S.overdue),
    ("today", "Due today", "amber", S.today),
    ("upcoming", "Upcoming", "blue", S.upcoming),
    ("completed", "Completed", "green", S.completed),
]


def _section(key: str, label: str, color: Accent, rows: Any) -> rx.Component:
    # the rows on screen: the section's list without those taken out since it was sent
    on_screen = S.shown[key].to(int)
    body = column(
        inline(
            rx.box(width="10px", height="10px", border_radius="3px", background=rx.color(color, 9)),
            rx.heading(label, size="3"),
            rx.badge(
                S.counts[key].to(int),
                variant="soft",
                color_scheme=color,
                data_testid=f"count-{key}",
            ),
        ),
        rx.foreach(
            rows,
            lambda t: rx.cond(
                S.gone[key].to(list[int]).contains(t["id"]),
                rx.fragment(),
                task_row(t, S.toggle, show_owner=S.filters.contains("agent")),
            ),
        ),
        rx.cond(
            S.hidden[key].to(int) > 0,
            inline(
                muted("Showing ", on_screen, " of ", S.counts[key].to(int), size="1"),
                soft_button("Show more", S.show_more(key), testid=f"more-{key}"),
                spacing="3",
            ),
            rx.cond(
                S.counts[key].to(int) > on_screen,
                muted(
                    "Showing the first ",
                    on_screen,
                    " of ",
                    S.counts[key].to(int),
                    " — narrow the list with the filters.",
                    size="1",
                ),
            ),
        ),
        data_testid=f"section-{key}",
    )
    visible = on_screen > 0
    if key == "completed":
        visible = visible & S.show_completed
    return rx.cond(visible, body)


def _select(
    label: str,
    key: str,
    default: str,
    options: list[tuple[str, str]],
    testid: str,
    dynamic: Any = None,
) -> rx.Component:
    items: list[rx.Component] = [rx.select.item(text, value=val) for val, text in options]
    if dynamic is not None:
        items.append(rx.foreach(dynamic, lambda o: rx.select.item(o[1], value=o[0])))
    return field_stack(
        label,
        filter_select(
            S.filters, S.set_filter, key, default, items, width="100%", data_testid=testid
        ),
        width="100%",
    )


def _lead_filter() -> rx.Component:
    return lead_picker(
        "Lead",
        picked=S.filters.contains("lead"),
        name=S.filter_lead_name,
        clear=icon_action("x", "Any lead", S.set_filter("lead", ""), variant="ghost"),
        query=S.lead_query,
        on_search=S.search_filter_leads,
        placeholder="Any lead — search to pick one",
        results=rx.foreach(
            S.lead_results,
            lambda ld: rx.box(
                rx.text(ld["name"], size="2"),
                padding="4px 8px",
                cursor="pointer",
                _hover={"background": rx.color("accent", 3)},
                on_click=S.set_filter("lead", ld["id"].to(str)),
                data_testid="filter-lead-option",
            ),
        ),
        testid="filter-lead",
    )


def _range_filter() -> rx.Component:
    return stack_form(
        S.apply_range,
        rx.text("Due between", size="2", weight="medium"),
        inline(
            filter_date(S.filters, "from", "f", "filter-from"),
            rx.text("and", size="2"),
            filter_date(S.filters, "to", "t", "filter-to"),
            wrap="wrap",
        ),
        soft_button("Apply dates", testid="filter-range-apply", type="submit"),
        spacing="1",
        reset_on_submit=False,
    )


def _filters() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(filters_button(S.filter_count, "filter-button", "soft")),
        rx.popover.content(
            column(
                _select(
                    "Kind",
                    "kind",
                    "any",
                    [
                        ("any", "Any kind"),
                        ("todo", "To-do"),
                        ("call", "Call"),
                        ("showing", "Showing"),
                        ("meeting", "Meeting"),
                    ],
                    "filter-kind",
                ),
                _select(
                    "Completed tasks",
                    "done",
                    "open",
                    [
                        ("open", "Hide completed"),
                        ("all", "Show completed too"),
                        ("done", "Only completed"),
                    ],
                    "filter-done",
                ),
                rx.cond(
                    AuthState.is_broker,
                    _select(
                        "Agent",
                        "agent",
                        "me",
                        [("me", "My tasks"), ("all", "Everyone")],
                        "filter-agent",
                        dynamic=S.agent_options,
                    ),
                ),
                _lead_filter(),
                _range_filter(),
                end_row(
                    ghost_button(
                        "Clear all", S.clear_filters, testid="filter-clear", color_scheme="gray"
                    )
                ),
                spacing="3",
            ),
            width="320px",
            max_width="92vw",
        ),
    )


def _empty() -> rx.Component:
    return rx.cond(
        S.loaded & (S.total_open == 0) & ~(S.show_completed & (S.shown["completed"].to(int) > 0)),
        rx.card(
            rx.vstack(
                rx.icon("party-popper", size=28, color=rx.color("accent", 9)),
                rx.text(
                    rx.cond(
                        S.filter_count > 0,
                        "No tasks match these filters.",
                        "Nothing to do — all caught up.",
                    ),
                    weight="medium",
                ),
                align="center",
                padding="24px",
            ),
            width="100%",
            data_testid="todo-empty",
        ),
    )


def todo_view() -> rx.Component:
    return page_shell(
        "To-Do",
        rx.vstack(
            wide_row(
                rx.button(
                    rx.icon("plus", size=16),
                    "Add task",
                    on_click=TaskDialogState.open_new(None),
                    data_testid="add-task",
                ),
                rx.spacer(),
                _filters(),
            ),
            due_legend(),
            column(*[_section(*s) for s in SECTIONS], _empty(), spacing="5"),
            task_dialog(),
            spacing="4",
            width="100%",
            max_width="900px",
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        todo_view, route="/todo", title="To-Do · leadapp", on_load=[AuthState.require_login, S.load]
    )
