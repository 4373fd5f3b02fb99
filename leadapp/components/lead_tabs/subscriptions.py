"""The Subscriptions tab (P6): market reports, campaigns, email alerts, and their dialogs."""

from __future__ import annotations

import reflex as rx

from leadapp.components.blocks import accent_match, card_title_row
from leadapp.components.forms import SELECT_STYLE
from leadapp.components.ui import (
    action_link,
    card_stack,
    column,
    compact_table,
    confirm_buttons,
    confirm_dialog,
    dialog,
    empty_or,
    footed_form,
    heading_row,
    icon_text_button,
    inline,
    muted,
    notice,
    rows_or,
    soft_button,
)
from leadapp.models.enums import MARKET_REPORT_TYPES
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import SubscriptionsTab

REPORT_CHOICES = [{"code": k, "label": v} for k, v in MARKET_REPORT_TYPES.items()]


def _clicks(rows) -> rx.Component:
    return empty_or(
        rows,
        compact_table(
            ["Email", "Sent", "Clicked"],
            rx.foreach(
                rows,
                lambda c: rx.table.row(
                    rx.table.cell(c["subject"]),
                    rx.table.cell(c["sent"]),
                    rx.table.cell(c["clicked"]),
                ),
            ),
        ),
        "No click-throughs.",
        size="1",
    )


def _criteria_and_mail(sub, sent_testid: str = "") -> list[rx.Component]:
    """A subscription's criteria, the email it got in the last 30 days and their clicks."""
    sent = ("Emails sent in the last 30 days: ", sub["sent_30"])
    return [
        muted(sub["criteria"], size="1"),
        rx.text(*sent, size="1", data_testid=sent_testid)
        if sent_testid
        else rx.text(*sent, size="1"),
        _clicks(sub["clicks"]),
    ]


def _active_badge(active) -> rx.Component:
    return rx.badge(
        rx.cond(active, "Active", "Inactive"),
        color_scheme=rx.cond(active, "green", "gray"),
        variant="soft",
    )


def _deactivate(kind: str, sub) -> rx.Component:
    """Asks to confirm ending an active market or campaign subscription (kind)."""
    return rx.cond(
        sub["active"] & LeadState.can_change,
        soft_button(
            "Deactivate",
            SubscriptionsTab.ask_deactivate(kind, sub["id"]),
            testid=f"deactivate-{kind}",
            color_scheme="red",
        ),
    )


def _market_card(m) -> rx.Component:
    return card_stack(
        card_title_row(
            m["market"],
            rx.badge(m["type"], variant="outline"),
            _active_badge(m["active"]),
            action=_deactivate("market", m),
        ),
        *_criteria_and_mail(m, "market-sent-30"),
        spacing="2",
        testid="market-sub",
    )


def _campaign_card(c) -> rx.Component:
    return card_stack(
        card_title_row(
            c["campaign"],
            rx.badge(
                c["status_text"],
                variant="soft",
                color_scheme=accent_match(c["status"], {"active": "green", "completed": "blue"}),
            ),
            muted(
                c["remaining"],
                " of ",
                c["total"],
                " emails remaining",
                size="1",
                data_testid="campaign-remaining",
            ),
            action=_deactivate("campaign", c),
        ),
        empty_or(
            c["emails"],
            compact_table(
                ["Email", "Sent", "Opened", "Clicked"],
                rx.foreach(
                    c["emails"],
                    lambda e: rx.table.row(
                        rx.table.cell(e["subject"]),
                        rx.table.cell(e["sent"]),
                        rx.table.cell(e["opened"]),
                        rx.table.cell(e["clicked"]),
                    ),
                ),
            ),
            "No emails sent yet.",
            size="1",
        ),
        spacing="2",
        testid="campaign-sub",
    )


def _alert_card(a) -> rx.Component:
    return card_stack(
        inline(
            rx.text(a["name"], weight="bold", size="2"),
            _active_badge(a["active"]),
            muted("Saved ", a["saved"], size="1"),
            wrap="wrap",
            spacing="3",
        ),
        *_criteria_and_mail(a),
        spacing="2",
        testid="alert-sub",
    )


def _cards(rows, card, empty: str) -> rx.Component:
    return rows_or(rows, card, empty)


def _section(title: str, add, *children, testid: str) -> rx.Component:
    return column(
        heading_row(title, add, size="3"),
        *children,
        data_testid=testid,
    )


def subscriptions_tab() -> rx.Component:
    def add(what, testid):
        return rx.cond(
            LeadState.can_change,
            icon_text_button(
                "plus", "Add new", SubscriptionsTab.open_sub_dialog(what), testid=testid, size="1"
            ),
        )

    return column(
        rx.cond(  # C5: bounced / unsubscribed, with dates
            SubscriptionsTab.email_status.length() > 0,
            rx.vstack(
                rx.foreach(
                    SubscriptionsTab.email_status,
                    lambda line: notice(line, "mail-x", "orange", testid="email-status", size="1"),
                ),
                spacing="1",
            ),
        ),
        _section(
            "Market subscriptions",
            add("market", "add-market"),
            _cards(SubscriptionsTab.markets, _market_card, "No market reports."),
            testid="markets-section",
        ),
        _section(
            "Marketing automation campaigns",
            add("campaign", "add-campaign"),
            _cards(SubscriptionsTab.campaigns, _campaign_card, "No campaigns."),
            testid="campaigns-section",
        ),
        _section(
            "Email alerts",
            action_link(
                "Manage email alerts / saved searches",
                SubscriptionsTab.manage_alerts,
                testid="manage-alerts",
                size="2",
            ),
            _cards(SubscriptionsTab.alerts, _alert_card, "No saved search has email alerts on."),
            testid="alerts-section",
        ),
        _market_dialog(),
        _campaign_dialog(),
        _confirm_dialog(),
        spacing="5",
    )


def _choice_select(choices, name: str, testid: str, empty: rx.Component) -> rx.Component:
    return rx.cond(
        choices.length() > 0,
        rx.el.select(
            rx.foreach(choices, lambda m: rx.el.option(m["name"], value=m["id"])),
            name=name,
            data_testid=testid,
            style=SELECT_STYLE,
        ),
        empty,
    )


def _subscribe_dialog(kind: str, title: str, on_submit, *fields: rx.Component) -> rx.Component:
    """The add-a-subscription dialog for `kind` ("market" | "campaign"): fields, Cancel, Save."""
    close = SubscriptionsTab.close_sub_dialog
    return dialog(
        SubscriptionsTab.sub_dialog == kind,
        close,
        title,
        footed_form(close, "Save", f"save-{kind}", on_submit, *fields),
    )


def _market_dialog() -> rx.Component:
    return _subscribe_dialog(
        "market",
        "Subscribe to a market",
        SubscriptionsTab.add_market,
        _choice_select(
            SubscriptionsTab.market_choices,
            "market_id",
            "market-choice",
            muted(
                "No markets yet: create one under ",
                rx.link("Marketing", href="/marketing"),
                " first.",
            ),
        ),
        rx.text("Reports", size="2", weight="medium"),
        rx.foreach(
            REPORT_CHOICES,
            lambda t: inline(
                rx.checkbox(
                    name="type_" + t["code"],
                    default_checked=True,
                    data_testid="report-" + t["code"],
                ),
                rx.text(t["label"], size="2"),
                spacing="3",
            ),
        ),
    )


def _campaign_dialog() -> rx.Component:
    return _subscribe_dialog(
        "campaign",
        "Subscribe to a campaign",
        SubscriptionsTab.add_campaign,
        _choice_select(
            SubscriptionsTab.campaign_choices,
            "campaign_id",
            "campaign-choice",
            muted("No campaign is available for this lead."),
        ),
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        SubscriptionsTab.confirm_kind != "",
        "Deactivate subscription",
        SubscriptionsTab.confirm_text,
        confirm_buttons(
            "No",
            SubscriptionsTab.cancel_confirm,
            "Yes, deactivate",
            SubscriptionsTab.confirm_deactivate,
            "confirm-deactivate",
        ),
    )
