"""The dashboard's cards (D2-D6, D8, D10 status); D1 and D7 are components/dashboard_lists.py,
D9 is components/task_agenda.py."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from leadapp.components import dashboard_charts as charts
from leadapp.components.forms import option_select
from leadapp.components.ui import column, empty_or, inline, muted, wide_row
from leadapp.state.dashboard import DashboardState as S

PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False}
PLAIN_TEMPLATE = go.layout.Template()  # the figures carry their own small layout


def _plot(fig, testid: str, on_click=None, height: str = "230px") -> rx.Component:
    """A chart of a state's figure var: plain JSON (components/dashboard_charts.py), which
    the plotly component takes as it takes a Figure."""
    props = {"on_click": on_click} if on_click is not None else {}
    return rx.box(
        rx.plotly(
            data=fig.to(go.Figure),
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


def panel_card(title: str, *children, testid: str, icon: str, right=None, **props) -> rx.Component:
    """A dashboard card: its icon and title, `right` (one component or a list) at the end of
    the title row, then `children`."""
    return rx.card(
        column(
            wide_row(
                rx.icon(icon, size=16, color=rx.color("accent", 10)),
                rx.heading(title, size="3", weight="medium"),
                rx.spacer(),
                *(right if isinstance(right, list) else [right] if right is not None else []),
                spacing="2",
            ),
            *children,
            spacing="3",
        ),
        width="100%",
        min_width="0",
        data_testid=testid,
        **props,
    )


# ---------------------------------------------------------------- header


def dashboard_toolbar() -> rx.Component:
    return wide_row(
        rx.cond(
            S.is_broker,
            option_select(
                S.agent_options,
                rx.cond(S.agent_id == "", "all", S.agent_id),
                S.set_agent,
                rx.select.trigger(placeholder="Whole team", data_testid="dash-agent"),
                "2",
            ),
            muted("Your leads"),
        ),
        rx.spacer(),
        inline(
            rx.box(
                width="8px",
                height="8px",
                border_radius="50%",
                background=rx.color("grass", 9),
                class_name="live-dot",
            ),
            muted("Live · updated ", S.updated_at, size="1"),
            rx.text(S.live_updates, data_testid="dash-live-count", display="none"),
            spacing="2",
            data_testid="dash-live",
            data_loads=S.loads,
        ),
        wrap="wrap",
        spacing="3",
    )


# ---------------------------------------------------------------- D2, D3


def _share_card(
    title: str, icon: str, data, fig, testid: str, note: str, href=None
) -> rx.Component:
    count = muted(
        data["part"].to(int),
        " of ",
        data["total"].to(int),
        " leads",
        data_testid=f"{testid}-counts",
    )
    return panel_card(
        title,
        wide_row(
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
                muted(note, size="1"),
                spacing="1",
            ),
            spacing="4",
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
        muted(d["label"], size="1"),
        spacing="0",
        align="center",
        padding="6px",
        border_radius="8px",
        background=rx.color("gray", 3),
        data_testid="done-" + d["kind"].to(str),
    )


def _plain_link(body: rx.Component, href, testid) -> rx.Component:
    """A full-width link around a row, in the text colour and not underlined."""
    return rx.link(
        body,
        href=href,
        underline="none",
        color=rx.color("gray", 12),
        width="100%",
        data_testid=testid,
    )


def _suggestion(s) -> rx.Component:
    return _plain_link(
        wide_row(
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
            padding_y="4px",
        ),
        s["url"].to(str),
        "suggest-" + s["key"].to(str),
    )


def actions_card() -> rx.Component:
    return panel_card(
        "Action Center",
        muted("Done in the last 7 days", size="1", weight="bold"),
        rx.grid(rx.foreach(S.done, _done_item), columns="3", spacing="2", width="100%"),
        muted("Suggested for today", size="1", weight="bold"),
        column(rx.foreach(S.suggestions, _suggestion), spacing="1"),
        testid="dash-actions",
        icon="zap",
        right=rx.badge(S.done_total, " actions", variant="soft", data_testid="dash-done-total"),
    )


# ---------------------------------------------------------------- D5, D6


def _legend_row(r, testid_prefix: str, color) -> rx.Component:
    body = wide_row(
        rx.box(width="10px", height="10px", border_radius="3px", background=color, flex_shrink="0"),
        rx.text(
            r["label"], size="2", overflow="hidden", text_overflow="ellipsis", white_space="nowrap"
        ),
        rx.spacer(),
        rx.text(r["count"], size="2", weight="medium"),
        muted(r["pct"], "%", size="1", min_width="44px", text_align="right"),
        spacing="2",
    )
    return rx.cond(
        r["url"].to(str) != "",
        _plain_link(
            body,
            r["url"].to(str),
            testid_prefix + r[("stage" if testid_prefix == "funnel-" else "label")].to(str),
        ),
        body,
    )


def _legend(rows, testid_prefix: str) -> rx.Component:
    return column(
        rx.foreach(rows, lambda r: _legend_row(r, testid_prefix, r["color"].to(str))), spacing="1"
    )


def funnel_card() -> rx.Component:
    return panel_card(
        "Pipeline",
        _plot(S.funnel_fig, "dash-funnel-chart", on_click=S.funnel_click, height="250px"),
        _legend(S.funnel_rows, "funnel-"),
        testid="dash-funnel",
        icon="filter",
        right=muted(S.funnel_total, " leads", size="1"),
    )


def sources_card() -> rx.Component:
    return panel_card(
        "Lead sources",
        empty_or(
            S.source_rows,
            _plot(S.sources_fig, "dash-sources-chart", on_click=S.source_click, height="230px"),
            "No leads yet.",
        ),
        _legend(S.source_rows, "source-"),
        testid="dash-sources",
        icon="pie-chart",
    )


# ---------------------------------------------------------------- D8


def months_card() -> rx.Component:
    return panel_card(
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
        right=muted(
            S.months_total, " ", S.months_label.lower(), size="1", data_testid="dash-months-total"
        ),
        grid_column=rx.breakpoints(initial="auto", md="1 / -1"),
    )
