"""The dashboard's two lists: the latest website activity (D1) and the upcoming dates (D7)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.blocks import divided_row
from leadapp.components.dashboard_panels import panel_card
from leadapp.components.forms import option_select
from leadapp.components.ui import icon_text_button, muted, rows_or, wide_row
from leadapp.state.dashboard import DashboardState as S

# ---------------------------------------------------------------- D7


def _upcoming_row(i) -> rx.Component:
    return wide_row(
        rx.icon(
            rx.cond(i["what"] == "Birthday", "cake", "key-round"),
            size=16,
            color=rx.cond(i["what"] == "Birthday", rx.color("pink", 9), rx.color("amber", 9)),
        ),
        rx.link(
            i["lead_name"],
            href="/leads/" + i["lead_id"].to(str),
            size="2",
            weight="medium",
            data_testid="upcoming-lead",
        ),
        muted(i["what"], size="1"),
        rx.spacer(),
        rx.badge(i["when"], variant=rx.cond(i["when"] == "Today", "solid", "soft"), size="1"),
        spacing="2",
    )


def upcoming_card() -> rx.Component:
    return panel_card(
        "Upcoming dates",
        rows_or(
            S.upcoming,
            _upcoming_row,
            "No birthdays or anniversaries in the next 7 days.",
            spacing="2",
            max_height="260px",
            overflow_y="auto",
        ),
        rx.cond(S.upcoming_more, muted("Showing the first 50.", size="1")),
        testid="dash-upcoming",
        icon="calendar-heart",
        id="upcoming-dates",
    )


# ---------------------------------------------------------------- D1


def _feed_row(r) -> rx.Component:
    ellipsis: dict[str, Any] = {
        "overflow": "hidden",
        "text_overflow": "ellipsis",
        "white_space": "nowrap",
        "max_width": "100%",
    }
    return divided_row(
        rx.vstack(
            rx.link(
                r["lead_name"],
                href="/leads/" + r["lead_id"].to(str),
                size="2",
                weight="medium",
                data_testid="feed-lead",
                **ellipsis,
            ),
            rx.hstack(
                rx.badge(r["kind_label"], variant="soft", size="1", data_testid="feed-kind-label"),
                rx.cond(
                    r["detail"].to(str) != "",
                    muted(r["detail"], size="1", **ellipsis),
                ),
                spacing="2",
                align="center",
                min_width="0",
                width="100%",
            ),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        muted(r["when"], size="1", white_space="nowrap"),
        spacing="3",
        testid="feed-row",
    )


def feed_card() -> rx.Component:
    return panel_card(
        "Latest activity",
        rows_or(
            S.feed_rows,
            _feed_row,
            "No website activity yet.",
            spacing="0",
            empty_testid="feed-empty",
        ),
        wide_row(
            icon_text_button(
                "chevron-left",
                "Newer",
                S.newer,
                testid="feed-newer",
                size="1",
                variant="soft",
                disabled=S.feed_page <= 1,
            ),
            muted("Page ", S.feed_page, size="1", data_testid="feed-page"),
            rx.button(
                "Older",
                rx.icon("chevron-right", size=14),
                size="1",
                variant="soft",
                disabled=~S.feed_has_older,
                on_click=S.older,
                data_testid="feed-older",
            ),
            justify="between",
        ),
        testid="dash-feed",
        icon="radio",
        right=option_select(
            S.kind_options,
            rx.cond(S.feed_kind == "", "all", S.feed_kind),
            S.set_kind,
            rx.select.trigger(data_testid="feed-kind"),
            "1",
        ),
    )
