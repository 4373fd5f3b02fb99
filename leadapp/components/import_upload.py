"""I3: the drop zone (drag and drop or browse) and the progress bars."""

from __future__ import annotations

import reflex as rx

from leadapp.components.sections import progress_block
from leadapp.components.ui import card_stack, icon_heading, muted, notice
from leadapp.state.import_state import UPLOAD_ID, ImportState


def dropzone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.icon("cloud-upload", size=36, color=rx.color("accent", 9)),
            rx.text("Drag and drop your CSV file here", weight="medium"),
            muted("or"),
            rx.button("Browse file", variant="outline", type="button", data_testid="browse-file"),
            muted("CSV, up to ", ImportState.max_mb, " MB", size="1"),
            align="center",
            spacing="2",
            padding="28px",
        ),
        id=UPLOAD_ID,
        multiple=False,
        max_files=1,
        accept={
            "text/csv": [".csv"],
            "text/plain": [".csv", ".txt"],
            "application/vnd.ms-excel": [".csv"],
        },
        on_drop=ImportState.handle_upload(
            rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=ImportState.upload_progress)
        ),
        border=f"2px dashed {rx.color('accent', 7)}",
        border_radius="12px",
        background=rx.color("accent", 2),
        width="100%",
        cursor="pointer",
        data_testid="dropzone",
    )


def upload_card() -> rx.Component:
    return card_stack(
        icon_heading("upload", "2. Upload your file"),
        dropzone(),
        rx.cond(
            (ImportState.phase == "idle") & (ImportState.file_errors.length() > 0),
            notice(ImportState.verdict, "circle-x", "red", testid="file-refused", width="100%"),
        ),
        rx.cond(
            ImportState.uploading | (ImportState.phase == "checking"),
            progress_block(
                rx.hstack(
                    rx.spinner(size="2"),
                    rx.text(
                        rx.cond(
                            ImportState.uploading,
                            f"Uploading… {ImportState.upload_pct}%",
                            "Checking every cell…",
                        ),
                        size="2",
                    ),
                    align="center",
                ),
                ImportState.upload_pct,
                "upload-progress",
            ),
        ),
        spacing="3",
    )
