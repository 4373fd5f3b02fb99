"""Small plotly figures for the dashboard (D2, D3, D5, D6, D8).

Plain: the "none" template (no embedded theme), transparent background, only the data the
chart draws, so the state sends a few hundred bytes per figure. Colours come from one
short palette that reads in light and dark mode.
"""

from __future__ import annotations

import plotly.graph_objects as go

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


def _layout(height: int, **extra) -> dict:
    return {
        "template": "none",
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": FONT,
        "showlegend": False,
        **extra,
    }


def share_figure(part: int, total: int, color: str) -> go.Figure:
    """D2 / D3: a ring showing part of total."""
    rest = max(total - part, 0)
    fig = go.Figure(
        go.Pie(
            values=[part, rest] if total else [0, 1],
            hole=0.72,
            sort=False,
            direction="clockwise",
            marker={"colors": [color, "rgba(139,141,152,0.18)"]},
            textinfo="none",
            hoverinfo="skip",
        )
    )
    fig.update_layout(**_layout(110))
    return fig


def funnel_figure(rows: list[dict]) -> go.Figure:
    """D5: stage counts; hover shows count and share; a click opens the list (state)."""
    fig = go.Figure(
        go.Funnel(
            y=[r["label"] for r in rows],
            x=[r["count"] for r in rows],
            customdata=[r["pct"] for r in rows],
            textinfo="value",
            marker={"color": PALETTE[: len(rows)]},
            connector={"line": {"width": 0}},
            hovertemplate="%{y}<br>%{x:,} leads · %{customdata}%<extra></extra>",
        )
    )
    fig.update_layout(**_layout(250, margin={"l": 120, "r": 8, "t": 8, "b": 8}))
    return fig


def sources_figure(rows: list[dict]) -> go.Figure:
    """D6: a donut of lead sources; hover shows count and share."""
    fig = go.Figure(
        go.Pie(
            labels=[r["label"] for r in rows],
            values=[r["count"] for r in rows],
            hole=0.55,
            sort=False,
            marker={"colors": PALETTE[: len(rows)]},
            textinfo="percent",
            textposition="inside",
            hovertemplate="%{label}<br>%{value:,} leads · %{percent}<extra></extra>",
        )
    )
    fig.update_layout(**_layout(230))
    return fig


def months_figure(rows: list[dict], label: str) -> go.Figure:
    """D8: a bar per month."""
    fig = go.Figure(
        go.Bar(
            x=[r["label"][:3] + " " + r["label"][-2:] for r in rows],
            y=[r["count"] for r in rows],
            marker={"color": PALETTE[0]},
            hovertemplate=f"%{{x}}<br>%{{y:,}} {label.lower()}<extra></extra>",
        )
    )
    fig.update_layout(
        **_layout(
            230,
            margin={"l": 40, "r": 8, "t": 8, "b": 40},
            yaxis={"gridcolor": "rgba(139,141,152,0.2)", "rangemode": "tozero"},
            xaxis={"tickangle": -45},
            bargap=0.25,
        )
    )
    return fig
