"""The load test's round-trip probe echoes a number and touches nothing else."""

from __future__ import annotations

import pytest
import reflex as rx

from leadapp.state.probe import ProbeState
from tests.unit.state_harness import call


def _root_values(root) -> dict:
    return {k: v for k, v in root.dict().items() if k != ProbeState.get_full_name()}


@pytest.mark.authz("ProbeState.ping")
async def test_ping_echoes_only_a_number_and_changes_nothing_else():
    root = rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]
    st = root.substates[ProbeState.get_name()]
    assert isinstance(st, ProbeState)
    before = _root_values(root)
    await call(st, "ping", 7)
    assert st.seq == 7
    for bad in ("x", None, 2**60, [1], {"seq": 1}):
        await call(st, "ping", bad)
        assert st.seq == 7
    # with no session token at all the probe still answers, but it reveals nothing:
    # no other var changed
    assert _root_values(root) == before
