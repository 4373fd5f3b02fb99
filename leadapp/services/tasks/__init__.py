"""To-dos and events (T1-T4, P9, P17, D9).

Who sees what: a broker sees and changes every task of the brokerage; an agent sees and
changes only their own tasks and the tasks on the leads assigned to them (which may
belong to other agents, e.g. from before a reassignment).

Time zones: "today" and "overdue" follow the acting user's time zone (User.timezone).
A task is overdue once its due time has passed; due today when it is still ahead but
before the end of the user's local day; upcoming after that.

Adding, completing, reopening and deleting a task that names a lead record a history
entry (kind "task", field "task", new_value = the task id) naming the acting user.

Modules: `clock` (the user's day, due labels, the dialog's date and time), `view`
(`get_task`, `task_row`), `listing` (the to-do page's sections and filters, a lead's
tasks), `writes` (add / edit / complete / reopen / delete), `pickers` (the task dialog's
lead picker and assignees), `agenda` (the dashboard's D9, overdue counts, reminders T4).
This module is the one entry point: import the names from here.
"""

from __future__ import annotations

from .agenda import AGENDA_LIMIT, due_reminders, overdue_count, reminder_minutes, todays_agenda
from .clock import day_bounds, default_due, due_label, parse_local
from .listing import (
    COMPLETED_CHOICES,
    SECTION_LABELS,
    SECTION_LIMIT,
    SECTIONS,
    TaskFilters,
    list_tasks,
    tasks_for_lead,
)
from .pickers import assignees, lead_choice, search_leads, task_form
from .view import DUE_STATES, get_task, task_row
from .writes import (
    NOTES_MAX,
    TITLE_MAX,
    UNDO_WINDOW,
    complete_task,
    create_task,
    delete_task,
    reopen_task,
    update_task,
)

__all__ = [
    "AGENDA_LIMIT",
    "COMPLETED_CHOICES",
    "DUE_STATES",
    "NOTES_MAX",
    "SECTIONS",
    "SECTION_LABELS",
    "SECTION_LIMIT",
    "TITLE_MAX",
    "UNDO_WINDOW",
    "TaskFilters",
    "assignees",
    "complete_task",
    "create_task",
    "day_bounds",
    "default_due",
    "delete_task",
    "due_label",
    "due_reminders",
    "get_task",
    "lead_choice",
    "list_tasks",
    "overdue_count",
    "parse_local",
    "reminder_minutes",
    "reopen_task",
    "search_leads",
    "task_form",
    "task_row",
    "tasks_for_lead",
    "todays_agenda",
    "update_task",
]
