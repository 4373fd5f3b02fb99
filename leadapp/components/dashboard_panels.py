"""The dashboard's cards (D1-D8, D10 status); D9 is components/task_agenda.py."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from leadapp.components import dashboard_charts as charts
from leadapp.state.dashboard import DashboardState as S

PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False}
PLAIN_TEMPLATE = go.layout.Template()  # the figures carry their own small layout


def _plot(fig, testid: str, on_click=None, height: str = "230px") -> rx.Component:
    props = {"on_click": on_click} if on_click is not None else {}
    return rx.box(
        rx.plotly(
            data=fig,
            config=PLOT_CONFIG,
            template=PLAIN_TEMPLATE,
            use_resize_handler=True,
            width="100%",
            height=height,
            **props,
        ),
        width="100%",
        data_testid=testid,
    )


def _card(title: str, *children, testid: str, icon: str, right=None, **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=16, color=rx.color("accent", 10)),
                rx.heading(title, size="3", weight="medium"),
                rx.spacer(),
                *(right if isinstance(right, list) else [right] if right is not None else []),
                align="center",
                width="100%",
                spacing="2",
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
        data_testid=testid,
        **props,
    )


# ---------------------------------------------------------------- header


def dashboard_toolbar() -> rx.Component:
    return rx.hstack(
        rx.cond(
            S.is_broker,
            rx.select.root(
                rx.select.trigger(placeholder="Whole team", data_testid="dash-agent"),
                rx.select.content(
                    rx.foreach(S.agent_options, lambda o: rx.select.item(o[1], value=o[0]))
                ),
                value=rx.cond(S.agent_id == "", "all", S.agent_id),
                on_change=S.set_agent,
                size="2",
            ),
            rx.text("Your leads", size="2", color_scheme="gray"),
        ),
        rx.spacer(),
        rx.hstack(
            rx.box(
                width="8px",
                height="8px",
                border_radius="50%",
                background=rx.color("grass", 9),
                class_name="live-dot",
            ),
            rx.text("Live · updated ", S.updated_at, size="1", color_scheme="gray"),
            rx.text(S.live_updates, data_testid="dash-live-count", display="none"),
            align="center",
            spacing="2",
            data_testid="dash-live",
            data_loads=S.loads,
        ),
        width="100%",
        align="center",
        wrap="wrap",
        spacing="3",
    )


# ---------------------------------------------------------------- D2, D3


def _share_card(
    title: str, icon: str, data, fig, testid: str, note: str, href=None
) -> rx.Component:
    count = rx.text(
        data["part"].to(int),
        " of ",
        data["total"].to(int),
        " leads",
        size="2",
        color_scheme="gray",
        data_testid=f"{testid}-counts",
    )
    return _card(
        title,
        rx.hstack(
            rx.box(
                _plot(fig, f"{testid}-chart", height="110px"),
                rx.center(
                    rx.text(
                        data["pct"].to(float),
                        "%",
                        size="4",
                        weight="bold",
                        data_testid=f"{testid}-pct",
                    ),
                    position="absolute",
                    inset="0",
                    pointer_events="none",
                ),
                position="relative",
                width="110px",
                min_width="110px",
            ),
            rx.vstack(
                rx.link(count, href=href, data_testid=f"{testid}-link")
                if href is not None
                else count,
                rx.text(note, size="1", color_scheme="gray"),
                spacing="1",
            ),
            align="center",
            spacing="4",
            width="100%",
        ),
        testid=testid,
        icon=icon,
    )


def active_card() -> rx.Component:
    return _share_card(
        "% with activity",
        "activity",
        S.active,
        S.active_fig,
        "dash-active",
        "had website activity in the last 30 days",
    )


def subscribed_card() -> rx.Component:
    return _share_card(
        "% subscribed",
        "mail-check",
        S.subscribed,
        S.subscribed_fig,
        "dash-subscribed",
        "subscribed to a campaign, market report or email alert",
        href=S.subscribed["url"].to(str),
    )


# ---------------------------------------------------------------- D4


def _done_item(d) -> rx.Component:
    return rx.vstack(
        rx.text(d["count"], size="5", weight="bold"),
        rx.text(d["label"], size="1", color_scheme="gray"),
        spacing="0",
        align="center",
        padding="6px",
        border_radius="8px",
        background=rx.color("gray", 3),
        data_testid="done-" + d["kind"].to(str),
    )


def _suggestion(s) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.badge(
                s["count"],
                color_scheme=rx.cond(s["count"].to(int) > 0, "orange", "gray"),
                variant="solid",
                size="2",
                min_width="36px",
                justify="center",
            ),
            rx.text(s["label"], size="2"),
            rx.spacer(),
            rx.icon("chevron-right", size=16, color=rx.color("gray", 9)),
            align="center",
            width="100%",
            padding_y="4px",
        ),
        href=s["url"].to(str),
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        data_testid="suggest-" + s["key"].to(str),
    )


def actions_card() -> rx.Component:
    return _card(
        "Action Center",
        rx.text("Done in the last 7 days", size="1", weight="bold", color_scheme="gray"),
        rx.grid(rx.foreach(S.done, _done_item), columns="3", spacing="2", width="100%"),
        rx.text("Suggested for today", size="1", weight="bold", color_scheme="gray"),
        rx.vstack(rx.foreach(S.suggestions, _suggestion), spacing="1", width="100%"),
        testid="dash-actions",
        icon="zap",
        right=rx.badge(S.done_total, " actions", variant="soft", data_testid="dash-done-total"),
    )


# ---------------------------------------------------------------- D5, D6


def _legend_row(r, testid_prefix: str, color) -> rx.Component:
    body = rx.hstack(
        rx.box(width="10px", height="10px", border_radius="3px", background=color, flex_shrink="0"),
        rx.text(
            r["label"], size="2", overflow="hidden", text_overflow="ellipsis", white_space="nowrap"
        ),
        rx.spacer(),
        rx.text(r["count"], size="2", weight="medium"),
        rx.text(r["pct"], "%", size="1", color_scheme="gray", min_width="44px", text_align="right"),
        align="center",
        width="100%",
        spacing="2",
    )
    return rx.cond(
        r["url"].to(str) != "",
        rx.link(
            body,
            href=r["url"].to(str),
            underline="none",
            color=rx.color("gray", 12),
            width="100%",
            data_testid=testid_prefix
            + r[("stage" if testid_prefix == "funnel-" else "label")].to(str),
        ),
        body,
    )


def funnel_card() -> rx.Component:
    return _card(
        "Pipeline",
        _plot(S.funnel_fig, "dash-funnel-chart", on_click=S.funnel_click, height="250px"),
        rx.vstack(
            rx.foreach(S.funnel_rows, lambda r: _legend_row(r, "funnel-", r["color"].to(str))),
            spacing="1",
            width="100%",
        ),
        testid="dash-funnel",
        icon="filter",
        right=rx.text(S.funnel_total, " leads", size="1", color_scheme="gray"),
    )


def sources_card() -> rx.Component:
    return _card(
        "Lead sources",
        rx.cond(
            S.source_rows.length() > 0,
            _plot(S.sources_fig, "dash-sources-chart", on_click=S.source_click, height="230px"),
            rx.text("No leads yet.", size="2", color_scheme="gray"),
        ),
        rx.vstack(
            rx.foreach(S.source_rows, lambda r: _legend_row(r, "source-", r["color"].to(str))),
            spacing="1",
            width="100%",
        ),
        testid="dash-sources",
        icon="pie-chart",
    )


# ---------------------------------------------------------------- D7


def _upcoming_row(i) -> rx.Component:
    return rx.hstack(
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
        rx.text(i["what"], size="1", color_scheme="gray"),
        rx.spacer(),
        rx.badge(i["when"], variant=rx.cond(i["when"] == "Today", "solid", "soft"), size="1"),
        align="center",
        width="100%",
        spacing="2",
    )


def upcoming_card() -> rx.Component:
    return _card(
        "Upcoming dates",
        rx.cond(
            S.upcoming.length() > 0,
            rx.vstack(
                rx.foreach(S.upcoming, _upcoming_row),
                spacing="2",
                width="100%",
                max_height="260px",
                overflow_y="auto",
            ),
            rx.text(
                "No birthdays or anniversaries in the next 7 days.", size="2", color_scheme="gray"
            ),
        ),
        rx.cond(S.upcoming_more, rx.text("Showing the first 50.", size="1", color_scheme="gray")),
        testid="dash-upcoming",
        icon="calendar-heart",
        id="upcoming-dates",
    )


# ---------------------------------------------------------------- D1


def _feed_row(r) -> rx.Component:
    ellipsis = {
        "overflow": "hidden",
        "text_overflow": "ellipsis",
        "white_space": "nowrap",
        "max_width": "100%",
    }
    return rx.hstack(
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
                    rx.text(r["detail"], size="1", color_scheme="gray", **ellipsis),
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
        rx.text(r["when"], size="1", color_scheme="gray", white_space="nowrap"),
        align="start",
        width="100%",
        spacing="3",
        padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="feed-row",
    )


def feed_card() -> rx.Component:
    return _card(
        "Latest activity",
        rx.cond(
            S.feed_rows.length() > 0,
            rx.vstack(rx.foreach(S.feed_rows, _feed_row), spacing="0", width="100%"),
            rx.text(
                "No website activity yet.", size="2", color_scheme="gray", data_testid="feed-empty"
            ),
        ),
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=14),
                "Newer",
                size="1",
                variant="soft",
                disabled=S.feed_page <= 1,
                on_click=S.newer,
                data_testid="feed-newer",
            ),
            rx.text("Page ", S.feed_page, size="1", color_scheme="gray", data_testid="feed-page"),
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
            align="center",
            width="100%",
        ),
        testid="dash-feed",
        icon="radio",
        right=rx.select.root(
            rx.select.trigger(data_testid="feed-kind"),
            rx.select.content(
                rx.foreach(S.kind_options, lambda o: rx.select.item(o[1], value=o[0]))
            ),
            value=rx.cond(S.feed_kind == "", "all", S.feed_kind),
            on_change=S.set_kind,
            size="1",
        ),
    )


# ---------------------------------------------------------------- D8


def months_card() -> rx.Component:
    return _card(
        "Past 12 months",
        rx.segmented_control.root(
            rx.segmented_control.item(
                "Lead actions", value="actions", data_testid="series-actions"
            ),
            rx.segmented_control.item("Viewed listings", value="views", data_testid="series-views"),
            rx.segmented_control.item(
                "Site searches", value="searches", data_testid="series-searches"
            ),
            value=S.series,
            on_change=S.set_series,
            size="1",
            width="100%",
        ),
        charts.months_chart(S.months_bars, S.months_ticks),
        testid="dash-months",
        icon="chart-column",
        right=rx.text(
            S.months_total,
            " ",
            S.months_label.lower(),
            size="1",
            color_scheme="gray",
            data_testid="dash-months-total",
        ),
        grid_column=rx.breakpoints(initial="auto", md="1 / -1"),
    )
