"""Today's events and to-dos (D9), a card for the dashboard.

Mount `todays_agenda_card()` on the dashboard and add `AgendaState.load` to its on_load;
brokers narrow it to one agent with `AgendaState.set_agent(agent_id)` ("" = themselves).
Reminders are separate (components/reminders.py, mounted by the page shell).
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.ui import card_stack, heading_row, muted, rows_or
from leadapp.state.todo import AgendaState as S

from .task_list import task_row


def _more(count, label: str, testid: str) -> rx.Component:
    """ "+ N more … today", linking to the to-do page (the card shows the first rows only)."""
    return rx.cond(
        count > 0,
        rx.link("+ ", count, f" {label}", href=S.agenda_todo_url, size="2", data_testid=testid),
    )


def _group(title: str, rows, empty: str, more: rx.Component) -> tuple[rx.Component, ...]:
    """One part of the card: its grey title, its rows (or `empty`), then the "+ N more" link."""
    return (
        muted(title, weight="bold"),
        rows_or(rows, lambda t: task_row(t, S.toggle), empty, spacing="2"),
        more,
    )


def todays_agenda_card() -> rx.Component:
    return card_stack(
        heading_row(
            "Today",
            rx.cond(
                S.agenda_overdue > 0,
                rx.link(
                    rx.badge(S.agenda_overdue, " overdue", color_scheme="red", variant="soft"),
                    href=S.agenda_todo_url,
                    data_testid="agenda-overdue",
                ),
            ),
            rx.link("To-Do", href=S.agenda_todo_url, size="2"),
        ),
        *_group(
            "Events",
            S.agenda_events,
            "No calls, showings or meetings today.",
            _more(S.agenda_more_events, "more events today", "agenda-more-events"),
        ),
        *_group(
            "To-dos",
            S.agenda_tasks,
            "Nothing else due today.",
            _more(S.agenda_more_tasks, "more to-dos today", "agenda-more-tasks"),
        ),
        testid="todays-agenda",
    )
