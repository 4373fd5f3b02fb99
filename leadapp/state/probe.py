"""A round-trip probe for the load test (`leadapp loadtest`): `ping(seq)` echoes a number.

Reflex 0.10 no longer marks the last update of an event, and one tab's events are
processed in order under its state lock, so a client that sends `ping(n)` right after an
event knows that event (and everything it yielded) is done when `seq == n` comes back.
It reads and writes nothing but its own counter.
"""

from __future__ import annotations

import reflex as rx


class ProbeState(rx.State):
    seq: int = 0

    @rx.event
    def ping(self, seq: int):
        try:
            value = int(seq)
        except (TypeError, ValueError, OverflowError):
            return
        if -(2**53) < value < 2**53:
            self.seq = value
