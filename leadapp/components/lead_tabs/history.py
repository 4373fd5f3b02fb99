"""The History tab (P8, P10): notes, calls, quick events, messages and changes."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import ROW_DIVIDER, accent_match
from leadapp.components.forms import cancel_button, form_footer
from leadapp.components.ui import (
    action_link,
    column,
    icon_text_button,
    inline,
    muted,
    rows_or,
    small_button,
    wide_row,
)
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import HistoryTab

from ..lead_header.common import title_and_body
from .common import _select, tab_body

HISTORY_CHOICES = [
    {"code": "all", "label": "Everything"},
    {"code": "notes", "label": "Notes, calls, quick events"},
    {"code": "messages", "label": "Messages"},
    {"code": "changes", "label": "Changes (audit trail)"},
]


def history_tab() -> rx.Component:
    def entry(e) -> rx.Component:
        return rx.box(
            column(
                wide_row(
                    rx.badge(
                        e["kind_text"],
                        variant="soft",
                        color_scheme=accent_match(
                            e["kind"],
                            {
                                "note": "blue",
                                "call": "green",
                                "quick_event": "indigo",
                                "message": "violet",
                            },
                        ),
                    ),
                    rx.text(e["title"], weight="bold", size="2"),
                    rx.cond(e["change"] != "", muted(e["change"])),
                    rx.spacer(),
                    muted(e["who"], " · ", e["when"], size="1"),
                    wrap="wrap",
                ),
                rx.cond(
                    HistoryTab.details_id == e["id"],
                    rx.form(
                        column(
                            rx.text_area(
                                name="details",
                                default_value=HistoryTab.details_text,
                                rows="3",
                                width="100%",
                                data_testid="details-input",
                            ),
                            rx.hstack(
                                cancel_button(HistoryTab.cancel_details, size="1"),
                                small_button("Save details", testid="save-details", type="submit"),
                            ),
                            spacing="3",
                        ),
                        on_submit=HistoryTab.save_details,
                        width="100%",
                    ),
                    inline(
                        rx.cond(
                            e["body"] != "",
                            rx.text(
                                e["body"],
                                size="2",
                                white_space="pre-wrap",
                                data_testid="history-body",
                            ),
                        ),
                        rx.cond(
                            e["can_edit"],
                            action_link(
                                rx.cond(e["body"] != "", "Edit details", "Add details"),
                                HistoryTab.start_details(e["id"]),
                                testid="add-details",
                            ),
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                ),
                spacing="1",
            ),
            padding_y="8px",
            border_bottom=ROW_DIVIDER,
            width="100%",
            data_testid="history-row",
        )

    return tab_body(
        [
            _select(
                HISTORY_CHOICES,
                HistoryTab.filter,
                HistoryTab.filter_by,
                "history-filter",
                "220px",
            ),
            rx.cond(
                LeadState.can_change,
                rx.menu.root(
                    rx.menu.trigger(
                        icon_text_button("plus", "Add new", testid="history-add", size="2")
                    ),
                    rx.menu.content(
                        rx.menu.item(
                            "Note", on_click=HistoryTab.open_note("note"), data_testid="add-note"
                        ),
                        rx.menu.item(
                            "Phone call",
                            on_click=HistoryTab.open_note("call"),
                            data_testid="add-call",
                        ),
                    ),
                ),
            ),
        ],
        HistoryTab,
        "history",
        rx.cond(
            HistoryTab.note_kind != "",
            rx.card(
                rx.form(
                    column(
                        rx.text(
                            rx.cond(
                                HistoryTab.note_kind == "call", "Log a phone call", "Add a note"
                            ),
                            weight="bold",
                            size="2",
                        ),
                        *title_and_body(
                            HistoryTab.note_draft,
                            HistoryTab.note_errors,
                            "note",
                            "Title (optional)",
                            rx.cond(HistoryTab.note_kind == "call", "What was said", "Note"),
                            "4",
                        ),
                        form_footer(cancel_button(HistoryTab.close_note), "Save", "save-note"),
                        spacing="3",
                    ),
                    on_submit=HistoryTab.add_note,
                ),
                width="100%",
            ),
        ),
        rows_or(
            HistoryTab.rows,
            entry,
            "No history yet.",
            spacing="0",
        ),
        wrap=True,
    )
