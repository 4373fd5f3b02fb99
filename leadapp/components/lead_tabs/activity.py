"""The Activity (P5) and Site activity (P16) tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from leadapp.components.ui import muted
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.state.lead_tabs import ActivityTab, SiteTab

from .common import _select, dated_row, tab_body, table

ACTIVITY_CHOICES = [{"code": "all", "label": "All activity"}] + [
    {"code": k, "label": v} for k, v in ACTIVITY_KINDS.items()
]

SITE_CHOICES = [
    {"code": "all", "label": "Searches and views"},
    {"code": "search", "label": "Searches run"},
    {"code": "listing_view", "label": "Listings viewed"},
]


def _events_tab(
    tab: Any,
    key: str,
    choices: list[dict[str, str]],
    count_text: str,
    kind_header: str,
    empty: str,
    kind_color: Callable[[Any], Any] | None = None,
    total_testid: str = "",
) -> rx.Component:
    """A filtered, paged tab of website events: when, the kind's badge (coloured by
    `kind_color(row)` when given), the details."""
    color = (lambda r: {"color_scheme": kind_color(r)}) if kind_color else (lambda r: {})
    total: dict[str, Any] = {"data_testid": total_testid} if total_testid else {}
    return tab_body(
        [
            _select(choices, tab.filter, tab.filter_by, f"{key}-filter"),
            muted(tab.total, count_text, **total),
        ],
        tab,
        key,
        table(
            ["When", kind_header, "Details"],
            tab.rows,
            lambda r: dated_row(
                r["when"],
                rx.badge(r["kind_text"], variant="soft", **color(r)),
                r["what"],
                testid=f"{key}-row",
            ),
            f"{key}-table",
            empty,
        ),
        wrap=True,
    )


def activity_tab() -> rx.Component:
    return _events_tab(
        ActivityTab,
        "activity",
        ACTIVITY_CHOICES,
        " activities",
        "Activity",
        "No website activity yet.",
        total_testid="activity-total",
    )


def site_tab() -> rx.Component:
    return _events_tab(
        SiteTab,
        "site",
        SITE_CHOICES,
        " items",
        "What",
        "No searches or listing views yet.",
        kind_color=lambda r: rx.cond(r["kind"] == "search", "violet", "cyan"),
    )
