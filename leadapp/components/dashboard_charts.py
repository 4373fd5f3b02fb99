"""The dashboard's charts: small plotly figures (D2, D3, D5, D6) and the 12-month bars (D8).

Each figure builder returns the dict plotly.py itself would send for the figure
(`fig.to_json()`: the "none" template, transparent background, only the data the chart
draws), built directly: a `go.Figure` held in a state var costs ~14 ms to unpickle, and with
Redis every event of a tab that has the dashboard's state loads it again. Colours come from
one short palette that reads in light and dark mode.

D8 switches between three series in place, so it is no plotly figure: `month_bars` turns a
series into twelve bars and the axis ticks (plain numbers), and `months_chart(bars, ticks)`
draws them as one SVG of rectangles with HTML labels — a switch changes twelve heights
instead of re-running plotly's layout, and the first render costs no plotly instance.
"""

from __future__ import annotations

import math
from typing import Any

import reflex as rx

Figure = dict[str, Any]
EMPTY: Figure = {"data": [], "layout": {}}

PALETTE = [
    "#3e63dd",
    "#12a594",
    "#e5484d",
    "#f76b15",
    "#8e4ec6",
    "#ffc53d",
    "#0090ff",
    "#30a46c",
    "#d6409f",
    "#978365",
]
FONT = {"family": "Inter, system-ui, sans-serif", "size": 12, "color": "#8b8d98"}


# How plotly.py serialises `template="none"`.
NONE_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def _layout(height: int, **extra) -> dict:
    return {
        "template": NONE_TEMPLATE,
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": FONT,
        "showlegend": False,
        **extra,
    }


def share_figure(part: int, total: int, color: str) -> Figure:
    """D2 / D3: a ring showing part of total."""
    rest = max(total - part, 0)
    ring = {
        "direction": "clockwise",
        "hole": 0.72,
        "hoverinfo": "skip",
        "marker": {"colors": [color, "rgba(139,141,152,0.18)"]},
        "sort": False,
        "textinfo": "none",
        "values": [part, rest] if total else [0, 1],
        "type": "pie",
    }
    return {"data": [ring], "layout": _layout(110)}


def funnel_figure(rows: list[dict]) -> Figure:
    """D5: stage counts; hover shows count and share; a click opens the list (state)."""
    funnel = {
        "connector": {"line": {"width": 0}},
        "customdata": [r["pct"] for r in rows],
        "hovertemplate": "%{y}<br>%{x:,} leads · %{customdata}%<extra></extra>",
        "marker": {"color": PALETTE[: len(rows)]},
        "textinfo": "value",
        "x": [r["count"] for r in rows],
        "y": [r["label"] for r in rows],
        "type": "funnel",
    }
    return {"data": [funnel], "layout": _layout(250, margin={"l": 120, "r": 8, "t": 8, "b": 8})}


def sources_figure(rows: list[dict]) -> Figure:
    """D6: a donut of lead sources; hover shows count and share."""
    donut = {
        "hole": 0.55,
        "hovertemplate": "%{label}<br>%{value:,} leads · %{percent}<extra></extra>",
        "labels": [r["label"] for r in rows],
        "marker": {"colors": PALETTE[: len(rows)]},
        "sort": False,
        "textinfo": "percent",
        "textposition": "inside",
        "values": [r["count"] for r in rows],
        "type": "pie",
    }
    return {"data": [donut], "layout": _layout(230)}


def _nice_step(top: int) -> int:
    """An axis step of 1, 2 or 5 times a power of ten giving three to five intervals."""
    if top <= 4:
        return 1
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return int(m * power)
    return int(10 * power)


def month_bars(rows: list[dict], label: str) -> dict:
    """D8: {"bars": [...], "ticks": [...]} for `months_chart`. A bar's `h` is its height in
    percent of the axis; ticks run from the top of the axis down to 0."""
    peak = max((int(r["count"]) for r in rows), default=0)
    step = _nice_step(peak)
    top = max(step * math.ceil(peak / step), step)
    unit = label.lower()
    bars = [
        {
            "label": r["label"][:3] + " " + r["label"][-2:],
            "h": round(100 * int(r["count"]) / top, 2),
            "y": round(100 - 100 * int(r["count"]) / top, 2),
            "title": f"{r['label']}: {int(r['count']):,} {unit}",
        }
        for r in rows
    ]
    ticks = [f"{v:,}" for v in range(top, -1, -step)]
    return {"bars": bars, "ticks": ticks}


def months_chart(bars, ticks) -> rx.Component:
    """D8's bars: `bars` and `ticks` are the state's vars holding `month_bars`' lists."""
    return rx.el.div(
        rx.el.div(rx.foreach(ticks, lambda t: rx.el.span(t)), class_name="mchart-y"),
        rx.el.div(
            rx.el.svg(
                rx.foreach(
                    bars,
                    lambda b, i: rx.el.svg.rect(
                        rx.el.svg.title(b["title"].to(str)),
                        x=(i * 10 + 1.25).to(str),
                        y=b["y"].to(str),
                        width="7.5",
                        height=b["h"].to(str),
                        class_name="mchart-bar",
                    ),
                ),
                view_box="0 0 120 100",
                preserve_aspect_ratio="none",
                class_name="mchart-svg",
                role="img",
                aria_label="Per month, the past 12 months",
            ),
            rx.el.div(
                rx.foreach(ticks, lambda _t: rx.el.span(class_name="mchart-grid")),
                class_name="mchart-lines",
            ),
            class_name="mchart-plot",
        ),
        rx.el.div(),
        rx.el.div(
            rx.foreach(bars, lambda b: rx.el.span(b["label"].to(str))),
            class_name="mchart-x",
        ),
        class_name="mchart",
        data_testid="dash-months-chart",
    )
