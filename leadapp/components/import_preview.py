"""I3/I4: the preview (counts, verdict, warnings, grid with red cells, list of errors), the
import's progress bar and the success message."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.constants.colors import ColorType

from leadapp.components.props import Accent
from leadapp.components.sections import progress_block, scrolling_table, switch_row
from leadapp.components.ui import (
    column,
    heading_row,
    icon_text_button,
    inline,
    muted,
    notice,
    wide_row,
)
from leadapp.state.import_state import ErrorItem, GridCell, GridRow, ImportState


def _count(label: str, value: Any, color: ColorType, testid: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            muted(label, size="1", weight="medium"),
            rx.text(value, size="6", weight="bold", color=rx.color(color, 11), data_testid=testid),
            spacing="0",
        ),
        min_width="110px",
        flex="1",
    )


def _count_row(*cards: rx.Component) -> rx.Component:
    """Count cards side by side, wrapping onto more lines on a narrow page."""
    return rx.flex(*cards, gap="12px", wrap="wrap", width="100%")


def counts() -> rx.Component:
    return _count_row(
        _count("Rows", ImportState.rows, "gray", "count-rows"),
        _count("Valid", ImportState.valid, "grass", "count-valid"),
        _count("Errors", ImportState.errors_total, "red", "count-errors"),
        _count("Warnings", ImportState.warnings.length(), "amber", "count-warnings"),
    )


def _verdict(icon: str, color: Accent, testid: str) -> rx.Component:
    return notice(ImportState.verdict, icon, color, testid=testid, size="2", width="100%")


def verdict() -> rx.Component:
    return rx.cond(
        ImportState.ok,
        _verdict("circle-check", "grass", "looks-good"),
        _verdict("circle-alert", "red", "verdict-errors"),
    )


def warnings() -> rx.Component:
    return rx.cond(
        ImportState.warnings.length() > 0,
        notice(
            rx.vstack(
                rx.text("Warnings (these do not block the import):", weight="medium"),
                rx.foreach(
                    ImportState.warnings,
                    lambda w: rx.text("• ", w, size="2", data_testid="warning"),
                ),
                spacing="1",
            ),
            "triangle-alert",
            "amber",
            size="1",
            width="100%",
        ),
    )


# A grid cell keeps to one line, cut with an ellipsis past 240px.
_CELL: dict[str, Any] = {
    "white_space": "nowrap",
    "max_width": "240px",
    "overflow": "hidden",
    "text_overflow": "ellipsis",
}


def _cell(c: GridCell) -> rx.Component:
    return rx.cond(
        c.error != "",
        rx.table.cell(
            rx.tooltip(
                rx.text(rx.cond(c.value == "", "(empty)", c.value), size="2", trim="both"),
                content=c.error,
            ),
            background=rx.color("red", 4),
            color=rx.color("red", 12),
            box_shadow=f"inset 0 0 0 1px {rx.color('red', 8)}",
            title=c.error,
            data_testid="cell-error",
            **_CELL,
        ),
        rx.table.cell(
            rx.text(c.value, size="2"),
            **_CELL,
        ),
    )


def _row(r: GridRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            muted(r.row, size="1"),
            background=rx.cond(r.bad, rx.color("red", 3), "transparent"),
        ),
        rx.foreach(r.cells, _cell),
    )


def grid() -> rx.Component:
    return rx.vstack(
        heading_row(
            "Your file",
            rx.cond(
                ImportState.error_rows > 0,
                switch_row(
                    "Only rows with errors",
                    ImportState.only_errors,
                    ImportState.set_only_errors,
                    testid="only-errors",
                ),
            ),
            size="3",
        ),
        scrolling_table(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Row"),
                    rx.foreach(
                        ImportState.columns,
                        lambda h: rx.table.column_header_cell(h, white_space="nowrap"),
                    ),
                )
            ),
            rx.foreach(ImportState.grid_rows, _row),
            "560px",
            sideways=True,
            variant="surface",
            data_testid="preview-grid",
        ),
        muted(
            "Red cells have an error: hover over one to see why. Showing up to 200 rows; row "
            "numbers are "
            "those of your spreadsheet.",
            size="1",
        ),
        spacing="2",
        width="100%",
        min_width="0",
        flex="2",
    )


def _error(e: ErrorItem) -> rx.Component:
    return rx.box(
        rx.text(rx.text.strong("row ", e.row, ", ", e.column), ": ", e.message, size="2"),
        padding="6px 8px",
        border_left=f"3px solid {rx.color('red', 9)}",
        background=rx.color("red", 2),
        border_radius="4px",
        width="100%",
        data_testid="error-item",
    )


def error_list() -> rx.Component:
    return rx.cond(
        ImportState.errors_total > 0,
        rx.vstack(
            rx.heading("Errors to fix", size="3"),
            rx.box(
                rx.vstack(rx.foreach(ImportState.errors, _error), spacing="1"),
                max_height="560px",
                overflow_y="auto",
                width="100%",
            ),
            rx.cond(
                ImportState.errors_hidden > 0,
                muted(
                    "… and ",
                    ImportState.errors_hidden,
                    " more (the first 500 are listed).",
                    size="1",
                ),
            ),
            spacing="2",
            width="100%",
            flex="1",
            min_width="260px",
            data_testid="error-list",
        ),
    )


def actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            ImportState.ok,
            rx.button(
                rx.icon("upload", size=16),
                "Import ",
                ImportState.rows,
                rx.cond(ImportState.rows == 1, " lead", " leads"),
                size="3",
                on_click=ImportState.start_import,
                loading=ImportState.phase == "importing",
                data_testid="import-button",
            ),
        ),
        icon_text_button(
            "refresh-cw",
            "Upload again",
            ImportState.upload_again,
            testid="upload-again",
            icon_size=16,
            size="3",
            variant="soft",
            color_scheme="gray",
            disabled=ImportState.phase == "importing",
        ),
        spacing="3",
        wrap="wrap",
    )


def import_progress() -> rx.Component:
    return rx.cond(
        ImportState.phase == "importing",
        progress_block(
            rx.text(ImportState.progress_label, "… ", ImportState.progress, "%", size="2"),
            ImportState.progress,
            "import-progress",
        ),
    )


def preview_card() -> rx.Component:
    return rx.card(
        column(
            wide_row(
                rx.icon("table", size=22, color=rx.color("accent", 9)),
                rx.heading("3. Check the preview", size="4"),
                rx.spacer(),
                muted(
                    ImportState.filename,
                    " · ",
                    ImportState.encoding,
                    size="1",
                    data_testid="preview-file",
                ),
                spacing="2",
                wrap="wrap",
            ),
            verdict(),
            counts(),
            warnings(),
            rx.cond(
                ImportState.rows > 0,
                rx.flex(
                    grid(),
                    error_list(),
                    direction=rx.breakpoints(initial="column", md="row"),
                    gap="16px",
                    width="100%",
                    align="start",
                ),
            ),
            import_progress(),
            actions(),
            spacing="4",
        ),
        width="100%",
        id="import-preview",
        data_testid="preview",
    )


def success_card() -> rx.Component:
    return rx.card(
        column(
            inline(
                rx.icon("party-popper", size=28, color=rx.color("grass", 9)),
                rx.heading("Import complete", size="5"),
                spacing="3",
            ),
            rx.text(ImportState.result_message, size="3", data_testid="import-success"),
            _count_row(
                _count("Leads", ImportState.result.leads, "grass", "result-leads"),
                _count("Tags", ImportState.result.tags, "gray", "result-tags"),
                _count("Notes", ImportState.result.notes, "gray", "result-notes"),
                _count(
                    "Market enrolments",
                    ImportState.result.market_enrolments,
                    "gray",
                    "result-markets",
                ),
                _count(
                    "Campaign enrolments",
                    ImportState.result.campaign_enrolments,
                    "gray",
                    "result-campaigns",
                ),
            ),
            muted("Each lead's history says it came from this import."),
            rx.hstack(
                rx.link(rx.button("See your leads", size="3"), href="/leads"),
                rx.button(
                    "Import another file",
                    size="3",
                    variant="soft",
                    on_click=ImportState.upload_again,
                    data_testid="import-another",
                ),
                spacing="3",
            ),
            spacing="3",
        ),
        width="100%",
        border=f"1px solid {rx.color('grass', 7)}",
    )
