"""Mount point of the event reminders (T4, D9): include once per signed-in page.

`page_shell` mounts it, so every page (dashboard included) shows reminder toasts.
"""

from __future__ import annotations

import reflex as rx

from leadapp.state.reminders import ReminderState


def reminder_watcher() -> rx.Component:
    return rx.box(display="none", on_mount=ReminderState.watch, data_testid="reminder-watcher")
