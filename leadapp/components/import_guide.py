"""I1: the template download and the guide to each column, beside it."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import table_header
from leadapp.components.sections import scrolling_table
from leadapp.components.ui import card_stack, icon_heading, icon_text_button, muted
from leadapp.state.base import AuthState
from leadapp.state.import_state import GuideItem, ImportState


def _guide_row(g: GuideItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(g.header, weight="medium", size="2"),
                rx.cond(
                    g.required == "Required",
                    rx.badge("Required", color_scheme="red", size="1", variant="soft"),
                ),
                spacing="1",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(rx.text(g.accepted, size="2")),
        rx.table.cell(muted(g.about)),
    )


def template_card() -> rx.Component:
    return card_stack(
        icon_heading("file-spreadsheet", "1. Start from the template"),
        muted(
            rx.cond(
                AuthState.is_broker,
                "Your template has an Agent ID column: fill it to assign each lead to an agent.",
                "Leads you import are assigned to you.",
            )
        ),
        icon_text_button(
            "download",
            "Download template",
            ImportState.download_template,
            testid="download-template",
            icon_size=16,
            variant="soft",
        ),
        muted(
            "Save your spreadsheet as CSV (UTF-8 or Windows). Only Email is required; headers "
            "may be "
            'in any order and case, and common names such as "E-mail" or "Zip" are understood.',
            size="1",
        ),
        spacing="3",
    )


def column_guide() -> rx.Component:
    return card_stack(
        rx.heading("Columns and accepted values", size="3"),
        scrolling_table(
            table_header("Column", "Accepted values", "What it does"),
            rx.foreach(ImportState.guide, _guide_row),
            "420px",
            variant="ghost",
            width="100%",
        ),
        spacing="2",
        testid="column-guide",
    )
