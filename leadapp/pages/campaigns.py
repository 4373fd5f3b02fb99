"""Campaigns (C2), under Marketing: list, ordered steps, pause/resume, preview for a lead.

Agents see campaigns, their steps and previews read-only; brokers create, edit, reorder,
pause and resume.
"""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import SELECT_STYLE, data_table, field_error, table_header
from leadapp.components.marketing import email_card, marketing_page
from leadapp.components.shell import add_signed_in_page
from leadapp.components.ui import (
    card_stack,
    gray_button,
    icon_text_button,
    muted,
    small_button,
    soft_button,
    wide_row,
)
from leadapp.state.base import AuthState
from leadapp.state.campaigns import CampaignsState as C

# the email statistics (services/campaign_admin.STATS) as table columns: (key, heading)
STAT_COLUMNS = (
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("opened", "Opened"),
    ("clicked", "Clicked"),
    ("unsubscribed", "Unsubscribed"),
    ("bounced", "Bounced"),
)
STATS_NOTE = (
    "Delivered and bounced are shares of the emails sent; opened, clicked and unsubscribed"
    " of those delivered. Opens fetched by mail-privacy proxies right after delivery are not"
    " counted."
)


def _stat_cells(r) -> list[rx.Component]:
    """One cell per statistic: the count, with its rate beside it (sent has none)."""
    return [
        rx.table.cell(
            rx.text(
                r[key].to(str),
                *(
                    []
                    if key == "sent"
                    else [rx.text.span(" ", r[f"{key}_rate"].to(str), color_scheme="gray")]
                ),
                size="2",
                white_space="nowrap",
            ),
            data_testid=f"stat-{key}",
        )
        for key, _ in STAT_COLUMNS
    ]


MERGE_HINT = (
    "Merge fields: {first_name} {last_name} {agent_name} {agent_phone} {agent_email} {brokerage}"
)


def _list() -> rx.Component:
    def row(r):
        return rx.table.row(
            rx.table.cell(
                rx.button(r["name"], variant="ghost", size="2", on_click=C.open_campaign(r["id"])),
                data_testid="campaign-name",
            ),
            rx.table.cell(rx.code(r["id"].to(str)), data_testid="campaign-id"),
            rx.table.cell(
                rx.badge(r["status"], color_scheme=rx.cond(r["active"], "green", "orange"))
            ),
            rx.table.cell(r["steps"].to(str)),
            rx.table.cell(r["subscribers"].to(str), data_testid="campaign-subscribers"),
            *_stat_cells(r),
            data_testid="campaign-row",
        )

    heads = (
        "Campaign",
        "Campaign ID",
        "Status",
        "Steps",
        "Subscribers",
        *(h for _, h in STAT_COLUMNS),
    )
    return rx.box(
        rx.table.root(
            table_header(*heads),
            rx.table.body(rx.foreach(C.rows, row)),
            width="100%",
            variant="surface",
        ),
        rx.cond(C.rows.length() == 0, rx.text("No campaigns yet.", color_scheme="gray")),
        width="100%",
        overflow_x="auto",
    )


def _step_editor(s, i) -> rx.Component:
    def bound(key: str) -> dict:
        """The props that show this step's `key` in a control and write its edits back."""
        return {"value": s[key], "on_change": lambda v: C.set_step(i, key, v)}

    return card_stack(
        wide_row(
            rx.text("Step ", (i + 1).to(str), weight="bold"),
            rx.el.select(
                rx.el.option("Email", value="email"),
                rx.el.option("Text message", value="text"),
                **bound("channel"),
                style=SELECT_STYLE | {"width": "160px"},
                data_testid="step-channel",
            ),
            rx.text("after", size="2"),
            rx.input(
                **bound("delay_days"),
                width="70px",
                data_testid="step-delay",
            ),
            rx.text("days", size="2"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=C.remove_step(i),
                type="button",
            ),
            wrap="wrap",
        ),
        rx.input(
            placeholder="Subject",
            **bound("subject"),
            width="100%",
            data_testid="step-subject",
        ),
        rx.text_area(
            placeholder="Message",
            **bound("body"),
            rows="4",
            width="100%",
            data_testid="step-body",
        ),
        field_error(C.errors, "step_" + (i + 1).to(str), "step-error"),
        spacing="2",
    )


def _editor() -> rx.Component:
    return card_stack(
        rx.heading(rx.cond(C.edit_id > 0, "Edit campaign", "New campaign"), size="4"),
        rx.input(
            placeholder="Name",
            value=C.name,
            on_change=C.set_name,
            width="100%",
            data_testid="campaign-name-input",
        ),
        field_error(C.errors, "name"),
        rx.text_area(
            placeholder="Description",
            value=C.description,
            on_change=C.set_description,
            rows="2",
            width="100%",
        ),
        muted(MERGE_HINT, size="1"),
        rx.foreach(C.steps, _step_editor),
        rx.hstack(
            icon_text_button("plus", "Add step", C.add_step, testid="step-add", variant="soft"),
            rx.button("Save campaign", on_click=C.save, data_testid="campaign-save"),
            gray_button("Cancel", C.cancel_edit),
        ),
        spacing="3",
        testid="campaign-editor",
    )


def _move_button(s, direction: str, by: int) -> rx.Component:
    """The arrow button moving step `s` one place `direction` ("up" or "down")."""
    return rx.icon_button(
        rx.icon(f"arrow-{direction}", size=12),
        size="1",
        variant="soft",
        on_click=C.move(s["position"], by),
        data_testid=f"step-{direction}",
    )


def _detail() -> rx.Component:
    d = C.detail

    def step(s):
        return rx.table.row(
            rx.table.cell(s["position"].to(str)),
            rx.table.cell(s["channel_label"]),
            rx.table.cell(s["delay_days"].to(str), " days"),
            rx.table.cell(s["subject"], data_testid="step-subject-cell"),
            *_stat_cells(s),
            rx.table.cell(
                rx.cond(
                    AuthState.is_broker,
                    rx.hstack(
                        _move_button(s, "up", -1),
                        _move_button(s, "down", 1),
                    ),
                )
            ),
            data_testid="step-row",
        )

    heads = ("#", "Channel", "Delay", "Subject", *(h for _, h in STAT_COLUMNS), "")
    return card_stack(
        wide_row(
            rx.heading(d["name"].to(str), size="4"),
            rx.text("Campaign ID ", rx.code(d["id"].to(str)), size="2"),
            rx.badge(
                rx.cond(d["active"].to(bool), "Active", "Paused"),
                color_scheme=rx.cond(d["active"].to(bool), "green", "orange"),
                data_testid="campaign-status",
            ),
            rx.text(d["subscribers"].to(str), " subscribers", size="2"),
            rx.spacer(),
            rx.cond(
                AuthState.is_broker,
                rx.hstack(
                    soft_button("Edit", C.edit_campaign, testid="campaign-edit"),
                    rx.cond(
                        d["active"].to(bool),
                        small_button(
                            "Pause",
                            C.set_active(False),
                            testid="campaign-pause",
                            color_scheme="orange",
                        ),
                        small_button(
                            "Resume",
                            C.set_active(True),
                            testid="campaign-resume",
                            color_scheme="green",
                        ),
                    ),
                ),
            ),
            wrap="wrap",
        ),
        data_table(heads, rx.foreach(C.steps_view, step)),
        muted(STATS_NOTE, size="1"),
        rx.heading("Preview for a lead", size="3"),
        rx.hstack(
            rx.el.select(
                rx.el.option("Choose a lead", value=""),
                rx.foreach(C.lead_choices, lambda c: rx.el.option(c["name"], value=c["id"])),
                value=C.preview_lead,
                on_change=C.set_preview_lead,
                style=SELECT_STYLE | {"width": "320px"},
                data_testid="preview-lead",
            ),
            rx.el.select(
                rx.foreach(
                    C.steps_view,
                    lambda s: rx.el.option(
                        "Step " + s["position"].to(str), value=s["position"].to(str)
                    ),
                ),
                value=C.preview_step,
                on_change=C.set_preview_step,
                style=SELECT_STYLE | {"width": "120px"},
                data_testid="preview-step",
            ),
            rx.button("Preview", size="2", on_click=C.preview, data_testid="campaign-preview"),
            wrap="wrap",
        ),
        rx.cond(
            C.preview_out.contains("subject"),
            email_card(
                rx.text("To: ", C.preview_out["to"], size="2"),
                rx.text("Subject: ", C.preview_out["subject"], weight="bold", size="2"),
                body=C.preview_out["body"],
                testid="preview-out",
            ),
        ),
        spacing="3",
        testid="campaign-detail",
    )


def campaigns_view() -> rx.Component:
    return marketing_page(
        "Campaigns",
        "campaigns",
        "A campaign sends its steps in order, each the given number of days after the"
        " previous one. Import files name a campaign by its Campaign ID.",
        rx.cond(
            AuthState.is_broker,
            icon_text_button("plus", "New campaign", C.new_campaign, testid="campaign-new"),
        ),
        rx.cond(C.editing & AuthState.is_broker, _editor()),
        _list(),
        rx.cond(C.detail.contains("name"), _detail()),
    )


def register(app: rx.App) -> None:
    add_signed_in_page(app, campaigns_view, "/marketing/campaigns", "Campaigns", C.load)
