"""Simulated agents and brokers for `leadapp loadtest` (leadapp/commands/loadtest.py).

Each simulated user is one browser tab (`ReflexClient`): it signs in through the sign-in
form's event, then loops over a realistic mix with think time between actions — open the
dashboard, the lead list, filter, sort, search, page, open a lead, switch tabs, add a note,
log a quick event, tick a to-do (and untick it, so a long run leaves the data as it was,
apart from the notes and quick events it adds). A list change is one event, as in the browser
(the page writes its URL itself); a redirect a handler sends is followed the way the browser
does (the new URL's on_load). Meanwhile an optional poster
sends website events to the HTTP API with a key. Every action's time is from sending the
event to its last update; any failure (no answer, a toast error, a dropped socket) counts.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from leadapp.state.lead import TABS, LeadState
from leadapp.state.lead_tabs.history import HistoryTab
from leadapp.state.leads import LeadListState
from leadapp.state.todo import TodoState

from .client import ClientError, ReflexClient, Reply, state_path

# The states' names on the wire, from the classes themselves (the server runs the same code).
LEAD, HISTORY, LIST, TODO = map(state_path, (LeadState, HistoryTab, LeadListState, TodoState))


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    events: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, action: str, seconds: float, events: int = 1) -> None:
        with self.lock:
            self.times[action].append(seconds)
            self.events += events

    def fail(self, action: str, why: str) -> None:
        with self.lock:
            self.errors[action].append(why[:300])

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values())

    def table(self, seconds: float) -> str:
        def pct(ts: list[float], q: float) -> float:
            ts = sorted(ts)
            return ts[min(len(ts) - 1, int(round(q * (len(ts) - 1))))]

        lines = [f"{'action':<14}{'count':>7}{'p50':>10}{'p95':>10}{'max':>10}{'errors':>8}"]
        for action in sorted(set(self.times) | set(self.errors)):
            ts = self.times.get(action, [])
            errs = len(self.errors.get(action, []))
            if ts:
                lines.append(
                    f"{action:<14}{len(ts):>7}{statistics.median(ts) * 1000:>8.0f}ms"
                    f"{pct(ts, 0.95) * 1000:>8.0f}ms{max(ts) * 1000:>8.0f}ms{errs:>8}"
                )
            else:
                lines.append(f"{action:<14}{0:>7}{'-':>10}{'-':>10}{'-':>10}{errs:>8}")
        lines.append(
            f"{self.events} events in {seconds:.0f} s = {self.events / max(seconds, 1e-9):.1f}"
            f" events/s; {self.error_count} errors"
        )
        return "\n".join(lines)


def _toast_error(reply: Reply) -> str | None:
    """A toast.error the app showed (the browser would), e.g. 'Something went wrong'."""
    for ev in reply.events:
        fn = str((ev.get("payload") or {}).get("function", ""))
        if '["error"]' in fn:
            return fn[fn.find('["error"]') : fn.find('["error"]') + 160]
    return None


def _var(reply: Reply, state: str, name: str, default=None):
    return reply.merged().get(state, {}).get(f"{name}_rx_state_", default)


class SimUser:
    def __init__(self, base: str, email: str, password: str, stats: Stats, think: float, rng):
        self.base, self.email, self.password = base, email, password
        self.stats, self.think, self.rng = stats, think, rng
        self.client = ReflexClient(base, timeout=60)
        self.lead_ids: list[int] = []
        self.task_ids: list[int] = []
        self.quick: list[str] = []
        self.on_lead = False
        self.tab = ""
        self.view = {"status": "", "q": ""}

    # -- one timed action ----------------------------------------------------------------
    def _do(self, action: str, fn, expect: str = "") -> Reply | None:
        """Time fn(); an error toast, a dropped socket, no answer, or neither an update of the
        state `expect` nor an event to run (a toast) for an action that must change what the
        page shows (a navigation need not: a page shown again unchanged gets no update) counts
        as a failure — the server only logs an event it could not run, e.g. one for a
        handler it does not have."""
        started = time.perf_counter()
        try:
            reply, events = fn()
        except ClientError as exc:
            self.stats.fail(action, str(exc))
            return None
        if why := _toast_error(reply):
            self.stats.fail(action, why)
            return None
        if expect and not reply.events and not any(k.startswith(expect) for k in reply.merged()):
            self.stats.fail(action, f"no update of {expect.rsplit('.', 1)[-1]}")
            return None
        self.stats.ok(action, time.perf_counter() - started, events)
        return reply

    def _follow(self, reply: Reply) -> tuple[Reply, int]:
        """The browser follows a redirect by loading that URL's page."""
        target = reply.redirect()
        if not target:
            return reply, 1
        parts = urlsplit(target)
        loaded = self.client.navigate(parts.path or "/", dict(parse_qsl(parts.query)))
        loaded.deltas[:0] = reply.deltas
        return loaded, 2

    def _list_event(self, handler: str, payload: dict) -> tuple[Reply, int]:
        return self._follow(self.client.send(f"{LIST}.{handler}", payload))

    def _remember_rows(self, reply: Reply | None) -> None:
        rows = _var(reply, LIST, "rows") if reply else None
        if rows:
            self.lead_ids = [r["id"] for r in rows if isinstance(r, dict) and "id" in r]

    # -- the actions ---------------------------------------------------------------------
    def start(self) -> bool:
        try:
            self.client.connect("/login")
        except Exception as exc:  # noqa: BLE001 - any connection failure is an error
            self.stats.fail("connect", str(exc))
            return False
        reply = self._do(
            "sign in",
            lambda: (self.client.sign_in(self.email, self.password), 1),
        )
        return reply is not None

    def dashboard(self):
        self.on_lead = False
        self._do("dashboard", lambda: (self.client.navigate("/"), 1))

    def lead_list(self):
        self.on_lead = False
        self.view = {"status": "", "q": ""}
        reply = self._do("lead list", lambda: (self.client.navigate("/leads"), 1))
        self._remember_rows(reply)

    def _list_change(self, action: str, handler: str, payload: dict) -> None:
        reply = self._do(action, lambda: self._list_event(handler, payload), LIST)
        self._remember_rows(reply)

    def filter(self):
        # another value than the current one ("any" is no status filter), so the view changes
        choices = [v for v in ("active", "inactive", "any") if v != (self.view["status"] or "any")]
        value = self.rng.choice(choices)
        self.view["status"] = "" if value == "any" else value
        self._list_change("filter", "set_filter", {"key": "status", "value": value})

    def sort(self):
        column = self.rng.choice(["name", "created", "rating", "last_activity"])
        self._list_change("sort", "set_sort", {"column": column})

    def search(self):
        text = self.rng.choice(
            [t for t in ("an", "smith", "555", "li", "jo", "") if t != self.view["q"]]
        )
        self.view["q"] = text
        self._list_change("search", "set_search", {"text": text})

    def page(self):
        self._remember_rows(self._do("page", lambda: self._list_event("next_page", {})))

    def open_lead(self):
        if not self.lead_ids:
            return self.lead_list()
        lead_id = self.rng.choice(self.lead_ids)
        # the route's argument rides in the query, as the browser's router params do
        page, args = f"/leads/{lead_id}", {"lead_id": str(lead_id)}
        reply = self._do("open lead", lambda: (self.client.navigate(page, args), 1))
        self.on_lead = reply is not None
        if reply is not None:
            self.quick = _var(reply, LEAD, "quick_events", self.quick) or self.quick
            self.tab = "activity"  # the page's on_load opens the Activity tab

    def switch_tab(self):
        if not self.on_lead:
            return self.open_lead()
        tab = self.rng.choice([t for t in TABS if t != self.tab])
        payload = {"tab": tab}
        if self._do("switch tab", lambda: (self.client.send(f"{LEAD}.set_tab", payload), 1), LEAD):
            self.tab = tab

    def add_note(self):
        if not self.on_lead:
            return self.open_lead()

        def go():
            self.client.send(f"{HISTORY}.open_note", {"kind": "note"})
            form = {"title": "", "body": f"Load test note {self.rng.randrange(10**6)}"}
            return self.client.send(f"{HISTORY}.add_note", {"form": form}), 2

        if self._do("add note", go, HISTORY):
            self.tab = "history"

    def quick_event(self):
        if not self.on_lead or not self.quick:
            return self.open_lead()
        label = self.rng.choice(self.quick)
        payload = {"label": label}
        self._do("quick event", lambda: (self.client.send(f"{LEAD}.quick_event", payload), 1), LEAD)

    def todo(self):
        self.on_lead = False
        reply = self._do("to-do list", lambda: (self.client.navigate("/todo"), 1))
        if reply is not None:
            rows = (_var(reply, TODO, "overdue") or []) + (_var(reply, TODO, "upcoming") or [])
            self.task_ids = [r["id"] for r in rows if isinstance(r, dict) and "id" in r]

    def tick_todo(self):
        if not self.task_ids:
            return self.todo()
        task_id = self.rng.choice(self.task_ids)

        def go():
            done = self.client.send(f"{TODO}.toggle", {"task_id": task_id, "checked": True})
            self.client.send(f"{TODO}.toggle", {"task_id": task_id, "checked": False})
            return done, 2

        self._do("tick to-do", go, TODO)

    MIX = [
        ("dashboard", 2),
        ("lead_list", 3),
        ("filter", 2),
        ("sort", 2),
        ("search", 2),
        ("page", 2),
        ("open_lead", 4),
        ("switch_tab", 3),
        ("add_note", 1),
        ("quick_event", 1),
        ("todo", 1),
        ("tick_todo", 1),
    ]

    def run(self, until: float) -> None:
        if not self.start():
            return
        names = [n for n, _ in self.MIX]
        weights = [w for _, w in self.MIX]
        try:
            self.lead_list()
            while time.perf_counter() < until:
                time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
                getattr(self, self.rng.choices(names, weights)[0])()
                if not self.client.connected:
                    self.stats.fail("socket", "the socket closed")
                    return
        finally:
            self.client.close()


def post_events(base: str, api_key: str, stats: Stats, until: float, rate: float, rng) -> None:
    """Website events through the HTTP API, with idempotency keys, while the users work."""
    import httpx

    n = 0
    known: set[str] = set()
    with httpx.Client(base_url=base, timeout=30) as http:
        while time.perf_counter() < until:
            n += 1
            email = f"loadtest.visitor{rng.randrange(200)}@example.com"
            # a visitor signs up first (the API refuses other events of an unknown e-mail)
            kind = rng.choice(["listing_view", "search"]) if email in known else "sign-up"
            body = {
                "kind": kind,
                "email": email,
                "idempotency_key": f"loadtest-{threading.get_ident()}-{time.time_ns()}-{n}",
            }
            if kind == "sign-up":  # only a sign-up carries the visitor's name
                body["name"] = "Load Test Visitor"
            started = time.perf_counter()
            try:
                r = http.post("/api/v1/events", json=body, headers={"X-API-Key": api_key})
            except httpx.HTTPError as exc:
                stats.fail("api event", str(exc))
            else:
                if r.status_code in (200, 201):
                    stats.ok("api event", time.perf_counter() - started)
                    known.add(email)
                elif r.status_code != 429:  # the key's rate limit is the app working as meant
                    stats.fail("api event", f"{r.status_code} {r.text[:120]}")
            time.sleep(1.0 / rate)
