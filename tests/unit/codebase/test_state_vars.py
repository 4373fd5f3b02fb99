"""State vars hold plain data: every event of a tab with Redis unpickles its states again,
and a plotly Figure costs ~14 ms to unpickle (it re-validates itself); the dashboard's
figures are plain JSON (components/dashboard_charts.py)."""

import typing

import plotly.basedatatypes
import reflex as rx

import leadapp.leadapp  # noqa: F401  (registers every page's states)


def _states(cls):
    yield cls
    for sub in cls.get_substates():
        yield from _states(sub)


def _types(tp) -> set[type]:
    found = {tp} if isinstance(tp, type) else set()
    for arg in typing.get_args(tp):
        found |= _types(arg)
    return found


def test_no_state_var_holds_a_plotly_object():
    offenders = [
        f"{cls.__name__}.{name}"
        for cls in _states(rx.State)
        for name, field in cls.get_fields().items()
        if any(
            issubclass(t, plotly.basedatatypes.BasePlotlyType | plotly.basedatatypes.BaseFigure)
            for t in _types(field.outer_type_)
        )
    ]
    assert offenders == []
