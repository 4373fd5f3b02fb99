"""The Messages (P11), Listings sent (P18) and Tool use (P15) tabs."""

from __future__ import annotations

import reflex as rx

from leadapp.components.outbox import status_badge
from leadapp.components.ui import column, dialog, icon_text_button, muted, wide_row
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import ListingsTab, MessagesTab, ToolsTab

from .common import dated_row, tab_body, table
from .listing_actions import listing_actions


def all_mail_panel() -> rx.Component:
    """C5/G4: every email sent to the lead (campaigns, alerts, reports, greetings too)."""
    return column(
        wide_row(
            rx.heading("All email to this lead", size="3"),
            rx.badge(MessagesTab.all_mail_total, variant="soft"),
            rx.spacer(),
            rx.link(
                "Open in the outbox",
                href="/outbox?lead=" + LeadState.lead_id.to_string(),
                size="2",
                data_testid="lead-outbox-link",
            ),
        ),
        table(
            ["Queued", "Subject", "Kind", "Status"],
            MessagesTab.all_mail,
            lambda m: dated_row(
                m["created"],
                rx.vstack(
                    rx.link(m["subject"], href="/outbox?lead=" + m["lead_id"].to_string()),
                    muted(m["sent_by"], size="1"),
                    spacing="0",
                ),
                m["kind"],
                status_badge(m["status"], m["status_label"]),
                testid="lead-mail-row",
            ),
            "lead-mail-table",
            "No email sent to this lead yet.",
        ),
    )


def messages_tab() -> rx.Component:
    return tab_body(
        [
            rx.cond(
                LeadState.can_change,
                icon_text_button(
                    "mail-plus", "New message", LeadState.open_dialog("message"), size="2"
                ),
            )
        ],
        MessagesTab,
        "messages",
        table(
            ["Sent", "Subject", "From", "Delivery"],
            MessagesTab.rows,
            lambda m: dated_row(
                m["when"],
                rx.link(
                    m["title"],
                    on_click=MessagesTab.open_message(m["id"]),
                    cursor="pointer",
                    data_testid="open-message",
                ),
                m["who"],
                rx.badge(m["delivery"], variant="soft"),
                testid="message-row",
            ),
            "messages-table",
            "No messages yet.",
        ),
        all_mail_panel(),
        dialog(
            MessagesTab.open_msg["id"] > 0,
            MessagesTab.close_message,
            MessagesTab.open_msg["title"],
            muted(MessagesTab.open_msg["who"], " · ", MessagesTab.open_msg["when"], size="1"),
            rx.text(
                MessagesTab.open_msg["body"],
                white_space="pre-wrap",
                size="2",
                margin_y="12px",
                data_testid="message-full",
            ),
            rx.hstack(rx.button("Close", on_click=MessagesTab.close_message), justify="end"),
        ),
    )


def listings_tab() -> rx.Component:
    return tab_body(
        [muted(ListingsTab.total, " listings sent")],
        ListingsTab,
        "listings",
        table(
            ["When", "Listing", "Price", "Beds / baths", "MLS", "How", "By", ""],
            ListingsTab.rows,
            lambda r: dated_row(
                r["when"],
                r["address"],
                r["price"],
                (r["beds"], " / ", r["baths"]),
                r["mls"],
                rx.badge(r["via"], variant="soft"),
                r["who"],
                listing_actions(r["listing_id"], r["mls"]),
                testid="listing-sent-row",
            ),
            "listings-table",
            "No listings have been emailed or put on a showing sheet for this lead.",
        ),
    )


def tools_tab() -> rx.Component:
    return column(
        rx.grid(
            rx.foreach(
                ToolsTab.rows,
                lambda r: rx.card(
                    rx.vstack(
                        muted(r["label"], size="1"),
                        rx.heading(r["count"], size="6"),
                        muted(rx.cond(r["last"] != "", "Last: " + r["last"], "Never"), size="1"),
                        spacing="1",
                    ),
                    data_testid="tool-" + r["key"],
                ),
            ),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.heading("Form submissions", size="3"),
        table(
            ["When", "Form", "Details"],
            ToolsTab.forms,
            lambda f: dated_row(f["when"], f["kind_text"], f["details"]),
            "forms-table",
            "No contact or dynamic form submissions.",
        ),
        spacing="3",
    )
