"""The CSV import (I1-I4): template and column guide, upload, cell-by-cell preview, import."""

from __future__ import annotations

import reflex as rx

from leadapp.components.import_guide import column_guide, template_card
from leadapp.components.import_preview import preview_card, success_card
from leadapp.components.import_upload import upload_card
from leadapp.components.shell import add_signed_in_page, page_shell
from leadapp.components.ui import column, muted
from leadapp.state.import_state import ImportState


def import_page_view() -> rx.Component:
    return page_shell(
        "Import leads",
        column(
            muted(
                "Bring your leads from another CRM or a spreadsheet. Nothing is written until the "
                "preview looks good and you click Import; then everything goes in together."
            ),
            rx.cond(
                ImportState.phase == "done",
                success_card(),
                column(
                    rx.flex(
                        rx.vstack(
                            template_card(),
                            upload_card(),
                            spacing="4",
                            width="100%",
                            flex="1",
                            min_width="0",
                        ),
                        rx.box(column_guide(), flex="1", min_width="0", width="100%"),
                        direction=rx.breakpoints(initial="column", lg="row"),
                        gap="16px",
                        width="100%",
                    ),
                    rx.cond(
                        (ImportState.phase == "preview") | (ImportState.phase == "importing"),
                        preview_card(),
                    ),
                    spacing="4",
                ),
            ),
            spacing="4",
        ),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, import_page_view, "/import", "Import leads", ImportState.load)
