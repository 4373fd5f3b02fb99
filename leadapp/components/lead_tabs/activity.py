"""The Activity (P5) and Site activity (P16) tabs."""

from __future__ import annotations

import reflex as rx

from leadapp.components.ui import muted
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.state.lead_tabs import ActivityTab, SiteTab

from .common import _select, pager, table

ACTIVITY_CHOICES = [{"code": "all", "label": "All activity"}] + [
    {"code": k, "label": v} for k, v in ACTIVITY_KINDS.items()
]


def activity_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _select(ACTIVITY_CHOICES, ActivityTab.filter, ActivityTab.filter_by, "activity-filter"),
            muted(ActivityTab.total, " activities", data_testid="activity-total"),
            rx.spacer(),
            pager(ActivityTab.page, ActivityTab.pages, ActivityTab.goto, "activity"),
            wrap="wrap",
            width="100%",
            align="center",
        ),
        table(
            ["When", "Activity", "Details"],
            ActivityTab.rows,
            lambda r: rx.table.row(
                rx.table.cell(r["when"], white_space="nowrap"),
                rx.table.cell(rx.badge(r["kind_text"], variant="soft")),
                rx.table.cell(r["what"]),
                data_testid="activity-row",
            ),
            "activity-table",
            "No website activity yet.",
        ),
        width="100%",
        spacing="3",
    )


def site_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _select(
                [
                    {"code": "all", "label": "Searches and views"},
                    {"code": "search", "label": "Searches run"},
                    {"code": "listing_view", "label": "Listings viewed"},
                ],
                SiteTab.filter,
                SiteTab.filter_by,
                "site-filter",
            ),
            muted(SiteTab.total, " items"),
            rx.spacer(),
            pager(SiteTab.page, SiteTab.pages, SiteTab.goto, "site"),
            wrap="wrap",
            width="100%",
            align="center",
        ),
        table(
            ["When", "What", "Details"],
            SiteTab.rows,
            lambda r: rx.table.row(
                rx.table.cell(r["when"], white_space="nowrap"),
                rx.table.cell(
                    rx.badge(
                        r["kind_text"],
                        variant="soft",
                        color_scheme=rx.cond(r["kind"] == "search", "violet", "cyan"),
                    )
                ),
                rx.table.cell(r["what"]),
                data_testid="site-row",
            ),
            "site-table",
            "No searches or listing views yet.",
        ),
        width="100%",
        spacing="3",
    )
