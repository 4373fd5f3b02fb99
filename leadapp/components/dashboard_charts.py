"""Small plotly figures for the dashboard (D2, D3, D5, D6, D8), as plain JSON.

Each builder returns the dict plotly.py itself would send for the figure (`fig.to_json()`:
the "none" template, transparent background, only the data the chart draws), built
directly: a `go.Figure` held in a state var costs ~14 ms to unpickle, and with Redis every
event of a tab that has the dashboard's state loads it again. Colours come from one short
palette that reads in light and dark mode.
"""

from __future__ import annotations

from typing import Any

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


def months_figure(rows: list[dict], label: str) -> Figure:
    """D8: a bar per month."""
    bars = {
        "hovertemplate": f"%{{x}}<br>%{{y:,}} {label.lower()}<extra></extra>",
        "marker": {"color": PALETTE[0]},
        "x": [r["label"][:3] + " " + r["label"][-2:] for r in rows],
        "y": [r["count"] for r in rows],
        "type": "bar",
    }
    layout = _layout(
        230,
        margin={"l": 40, "r": 8, "t": 8, "b": 40},
        yaxis={"gridcolor": "rgba(139,141,152,0.2)", "rangemode": "tozero"},
        xaxis={"tickangle": -45},
        bargap=0.25,
    )
    return {"data": [bars], "layout": layout}
