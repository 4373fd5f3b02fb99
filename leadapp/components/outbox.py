"""Outbox pieces (C5): the filter bar, the email table and the email dialog."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import accent_match
from leadapp.components.forms import filter_date
from leadapp.components.props import Accent
from leadapp.components.sections import filter_select, page_buttons
from leadapp.components.ui import column, end_row, gray_button, inline, muted, notice, soft_button
from leadapp.models.enums import EMAIL_KINDS
from leadapp.services.outbox import STATUS_FILTERS
from leadapp.state.outbox import OutboxState as S

STATUS_COLORS: dict[str, Accent] = {
    "queued": "gray",
    "sending": "blue",
    "sent": "green",
    "failed": "red",
    "bounced": "orange",
    "skipped": "gray",
}


def _select(key: str, label: str, options: dict[str, str]) -> rx.Component:
    return filter_select(
        S.filters,
        S.set_filter,
        key,
        "any",
        [
            rx.select.item(f"Any {label.lower()}", value="any"),
            *[rx.select.item(v, value=k) for k, v in options.items()],
        ],
        placeholder=label,
        data_testid=f"outbox-filter-{key}",
    )


def filter_bar() -> rx.Component:
    return rx.flex(
        _select("kind", "Kind", EMAIL_KINDS),
        _select("status", "Status", STATUS_FILTERS),
        rx.form(
            inline(
                filter_date(S.filters, "from", "f", "outbox-from"),
                muted("to"),
                filter_date(S.filters, "to", "t", "outbox-to"),
                rx.button("Apply", type="submit", variant="soft", data_testid="outbox-apply"),
            ),
            on_submit=S.apply_range,
        ),
        rx.cond(
            S.filters.contains("lead"),
            rx.badge("Only one lead's email", variant="soft", size="2", data_testid="outbox-lead"),
        ),
        rx.cond(
            S.filters.length() > 0,
            rx.button("Clear filters", variant="ghost", on_click=S.clear_filters),
        ),
        rx.spacer(),
        muted(S.total, " emails", data_testid="outbox-total"),
        gap="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def status_badge(status, label) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=accent_match(status, STATUS_COLORS),
        variant="soft",
    )


def _row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["created"], size="2", white_space="nowrap")),
        rx.table.cell(
            rx.vstack(
                rx.link(
                    r["subject"],
                    on_click=S.open_email(r["id"]),
                    cursor="pointer",
                    weight="medium",
                    data_testid="outbox-open",
                ),
                muted(r["sent_by"], size="1"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    r["lead_id"].to(int) > 0,
                    rx.link(r["lead_name"], href="/leads/" + r["lead_id"].to_string(), size="2"),
                ),
                muted(r["to"], size="1"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                status_badge(r["status"], r["status_label"]),
                rx.cond(
                    r["error"] != "",
                    rx.text(r["error"], size="1", color_scheme="red", max_width="180px"),
                ),
                spacing="1",
            ),
            data_testid="outbox-status",
        ),
        rx.table.cell(
            rx.text(r["opens"], " · ", r["clicks"], size="2", white_space="nowrap"),
            text_align="right",
        ),
        rx.table.cell(
            rx.cond(
                r["can_retry"],
                soft_button("Retry", S.retry(r["id"]), testid="outbox-retry"),
            )
        ),
        data_testid="outbox-row",
    )


def email_table() -> rx.Component:
    return rx.cond(
        S.rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Queued", "Subject", "To", "Status")
                        ],
                        rx.table.column_header_cell(
                            "Opens · clicks", text_align="right", white_space="nowrap"
                        ),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                variant="surface",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        notice(
            rx.cond(
                S.loaded,
                "No email matches these filters.",
                "Loading…",
            ),
            "inbox",
            "gray",
            testid="outbox-empty",
        ),
    )


def pager() -> rx.Component:
    return rx.cond(
        S.pages > 1,
        page_buttons(S.page, S.pages, S.go_page(S.page - 1), S.go_page(S.page + 1), spacing="3"),
    )


def _fact(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            muted(label, min_width="90px"),
            rx.text(value, size="2"),
            spacing="2",
        ),
    )


def email_dialog() -> rx.Component:
    e = S.email
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(e["subject"]),
            column(
                _fact("To", e["to"]),
                _fact("Sent by", e["sent_by"]),
                _fact("Queued", e["created"]),
                _fact("Sent", e["sent"]),
                _fact("Opened", e["opened"]),
                _fact("Clicked", e["clicked"]),
                rx.hstack(
                    status_badge(e["status"], e["status_label"]),
                    muted(
                        e["opens"],
                        " opens · ",
                        e["clicks"],
                        " clicks · ",
                        e["machine_opens"],
                        " privacy-proxy fetches",
                        size="1",
                    ),
                    align="center",
                ),
                rx.cond(e["error"] != "", rx.callout(e["error"], color_scheme="red", size="1")),
                rx.cond(
                    e["html"] != "",
                    rx.el.iframe(
                        src_doc=e["html"],
                        sandbox="",
                        title="The email as sent",
                        style={
                            "width": "100%",
                            "height": "480px",
                            "border": "1px solid var(--gray-5)",
                            "borderRadius": "8px",
                            "background": "white",
                        },
                        data_testid="outbox-email-html",
                    ),
                    rx.box(
                        rx.text(e["text"], white_space="pre-wrap", size="2"),
                        padding="12px",
                        border="1px solid var(--gray-5)",
                        border_radius="8px",
                        width="100%",
                    ),
                ),
                end_row(
                    rx.cond(
                        e["can_retry"],
                        rx.button("Retry", on_click=S.retry(e["id"]), variant="soft"),
                    ),
                    rx.dialog.close(gray_button("Close")),
                ),
            ),
            max_width="760px",
            data_testid="outbox-dialog",
        ),
        open=S.open_id > 0,
        on_open_change=lambda o: rx.cond(o, rx.noop(), S.close_email()),
    )
