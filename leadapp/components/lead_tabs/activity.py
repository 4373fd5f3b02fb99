"""The Activity (P5) and Site activity (P16) tabs."""

from __future__ import annotations

import reflex as rx

from leadapp.components.ui import muted
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.state.lead_tabs import ActivityTab, SiteTab

from .common import _select, tab_body, table

ACTIVITY_CHOICES = [{"code": "all", "label": "All activity"}] + [
    {"code": k, "label": v} for k, v in ACTIVITY_KINDS.items()
]

SITE_CHOICES = [
    {"code": "all", "label": "Searches and views"},
    {"code": "search", "label": "Searches run"},
    {"code": "listing_view", "label": "Listings viewed"},
]


def activity_tab() -> rx.Component:
    return tab_body(
        [
            _select(ACTIVITY_CHOICES, ActivityTab.filter, ActivityTab.filter_by, "activity-filter"),
            muted(ActivityTab.total, " activities", data_testid="activity-total"),
        ],
        ActivityTab,
        "activity",
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
        wrap=True,
    )


def site_tab() -> rx.Component:
    return tab_body(
        [
            _select(
                SITE_CHOICES,
                SiteTab.filter,
                SiteTab.filter_by,
                "site-filter",
            ),
            muted(SiteTab.total, " items"),
        ],
        SiteTab,
        "site",
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
        wrap=True,
    )
