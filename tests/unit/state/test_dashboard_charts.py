"""The dashboard's plotly figures are the JSON plotly.py itself makes of them: plotly accepts each
one and serialises it back unchanged."""

import json

import plotly.graph_objects as go
import pytest

from leadapp.components import dashboard_charts as charts

STAGES = [
    {"label": "Uncontacted", "count": 1200, "pct": 60.0},
    {"label": "Nurturing", "count": 800, "pct": 40.0},
]
FIGURES = {
    "share": charts.share_figure(3, 10, charts.PALETTE[1]),
    "share of nothing": charts.share_figure(0, 0, charts.PALETTE[0]),
    "funnel": charts.funnel_figure(STAGES),
    "sources": charts.sources_figure(STAGES),
}


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_is_what_plotly_makes_of_it(name):
    fig = FIGURES[name]
    text = go.Figure(fig).to_json()
    assert text is not None and json.loads(text) == fig


def test_a_ring_shows_part_of_total():
    assert charts.share_figure(3, 10, "#000")["data"][0]["values"] == [3, 7]
