"""The browser bench's measuring (bench/browser.py): a timer installed in the page, the
socket.io frame count, one timed action and a case of repetitions, and signing in.

An action is timed in the page itself: from the input event (pointerdown / keydown / input,
caught on the document before the app sees it) to the animation frame after the watched
element's text changed. Every socket.io event frame the page sends ("42...") is one server
round trip.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

REPS = 30
PASSWORD = "leadapp-demo"
BROKER = "broker@demo.leadapp.io"

# Installed in every page: arm(snapshot, done) starts watching; the result lands in __lat.
TIMER_JS = """
window.__lat = {
  t0: null, t1: null,
  arm(snapshotSrc, doneSrc) {
    const snap = new Function("return (" + snapshotSrc + ")()");
    const done = new Function("before", "now", "return (" + doneSrc + ")(before, now)");
    const before = snap();
    this.t0 = null; this.t1 = null;
    const start = () => { if (this.t0 === null) this.t0 = performance.now(); };
    for (const ev of ["pointerdown", "mousedown", "keydown", "input"]) {
      document.addEventListener(ev, start, { capture: true, once: true });
    }
    const check = () => {
      if (this.t0 === null || this.t1 !== null) return;
      if (done(before, snap())) {
        obs.disconnect();
        requestAnimationFrame(() => { this.t1 = performance.now(); });
      }
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, { subtree: true, childList: true, characterData: true,
                                 attributes: true });
  },
};
"""

CHANGED = "(b, n) => n !== b"
FIRST_ROW = "() => (document.querySelector('[data-testid=lead-row]') || {}).textContent || ''"
RANGE = "() => (document.querySelector('[data-testid=range-text]') || {}).textContent || ''"
TITLE = "() => (document.querySelector('[data-testid=page-title]') || {}).textContent || ''"
ACTIVE_PANEL = (
    "() => (document.querySelector('[role=tabpanel][data-state=active]') || {}).textContent || ''"
)
NOT_LOADING = "(b, n) => n !== b && n.trim() !== ''"
# the tab badges: a quick event adds to the lead's history count
TAB_COUNTS = "() => (document.querySelector('[role=tablist]') || {}).textContent || ''"


class Frames:
    """Counts the socket.io event frames a page sends and receives."""

    def __init__(self, page):
        self.sent = 0
        self.received = 0
        self.received_bytes = 0
        page.on("websocket", self._ws)

    def _ws(self, ws):
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, payload):
        if isinstance(payload, str) and payload.startswith("42"):
            self.sent += 1

    def _received(self, payload):
        if isinstance(payload, str) and payload.startswith("42"):
            self.received += 1
            self.received_bytes += len(payload)

    def reset(self):
        self.sent = self.received = self.received_bytes = 0


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def time_action(page, frames: Frames, prepare, act, snapshot: str, done: str = CHANGED):
    """One timed action: prepare() (not timed), arm, act(); seconds, frames sent, bytes in."""
    if prepare:
        prepare()
    page.evaluate("([s, d]) => window.__lat.arm(s, d)", [snapshot, done])
    frames.reset()
    act()
    page.wait_for_function("window.__lat.t1 !== null", timeout=15_000, polling=20)
    page.wait_for_timeout(250)  # a trailing frame (a second round trip) is counted too
    took = page.evaluate("window.__lat.t1 - window.__lat.t0") / 1000
    return took, frames.sent, frames.received_bytes


def clicks(page, *test_ids: str) -> list[tuple[None, Callable[[], None]]]:
    """The steps of a case that clicks each test id in turn (nothing to prepare)."""

    def click(test_id: str) -> Callable[[], None]:
        return lambda: page.get_by_test_id(test_id).click()

    return [(None, click(t)) for t in test_ids]


def run_case(page, frames, name, steps, snapshot, done=CHANGED, reps=REPS):
    """steps: a list of (prepare, act) pairs taken in turn (two views alternating)."""
    times, sent, size = [], [], []
    try:
        for i in range(reps + 2):
            prepare, act = steps[i % len(steps)]
            t, n, b = time_action(page, frames, prepare, act, snapshot, done)
            if i >= 2:  # the first two warm up
                times.append(t)
                sent.append(n)
                size.append(b)
    except Exception as exc:  # one broken case must not lose the others
        print(f"  {name}: failed after {len(times)} runs: {str(exc).splitlines()[0]}", flush=True)
        if not times:
            return {"name": name, "error": str(exc).splitlines()[0]}
    print(
        f"  {name}: p50 {statistics.median(times) * 1000:.0f} ms, {max(sent)} trip(s)", flush=True
    )
    return {
        "name": name,
        "p50": statistics.median(times),
        "p95": _pct(times, 0.95),
        "trips": max(sent),
        "trips_min": min(sent),
        "bytes": int(statistics.median(size)),
    }


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", BROKER)
    page.fill("#password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_selector("[data-testid=page-title]", timeout=60_000)


def goto(page, url: str, selector: str) -> None:
    page.goto(url)
    page.wait_for_selector(selector, timeout=60_000)
    page.wait_for_timeout(500)
