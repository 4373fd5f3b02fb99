"""A Reflex client over the real websocket protocol (python-socketio), as the browser talks.

What the compiled frontend does (.web/utils/state.js, Reflex 0.10), and this client too:
- connect a socket.io socket to `<base>/_event` (websocket transport) with a fresh client
  token in the query (`?token=<uuid>`) and the boot event in the CONNECT packet's auth
  (`{"event": hydrate_and_load}`), the browser's localStorage values in its payload;
- send every event as `emit("event", {"name": "<state path>.<handler>", "payload": {...},
  "router_data": {"pathname": ..., "asPath": ..., "query": {...}}})`;
- receive `event` messages `{"delta": {state path: {var: value}}, "events": [...]}`.
  Reflex 0.10 does not mark an event's last update, so every event is followed by
  `ProbeState.ping(n)` (state/probe.py): one tab's events run in order under its state
  lock, so the event is done when `seq == n` comes back — and another ping follows while
  a round brought updates, for the events the handler chained (a page's on_load).
Events the server asks the client to run (`events`) are followed the way the browser follows
them: a redirect loads that page's on_load events (hydrate_and_load again) in `call`.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import socketio

# Imported here, not in a client's thread: Reflex registers a State class in a context
# variable of the importing thread, which other threads do not see.
from leadapp.state.login import LoginState

ROOT = "reflex___state____state"
NAMESPACE = "/_event"  # Reflex's socket path and socket.io namespace
PROBE = f"{ROOT}.leadapp___state___probe____probe_state"
TOKEN_VAR = f"{ROOT}.leadapp___state___base____auth_state.session_token_rx_state_"
TOKEN_STATE, TOKEN_FIELD = TOKEN_VAR.rsplit(".", 1)
MAX_ROUNDS = 4
UPDATE_VARS = "reflex___state____update_vars_internal_state.update_vars_internal"
ON_LOAD = "reflex___state____on_load_internal_state.on_load_internal"


def state_path(cls) -> str:
    """The full name a Reflex State class has on the wire (e.g. reflex___state____state.x)."""
    return cls.get_full_name()


@dataclass
class Reply:
    """What one event brought back: every delta (merged in order) and the follow-up events."""

    deltas: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def merged(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for delta in self.deltas:
            for state, values in delta.items():
                out.setdefault(state, {}).update(values)
        return out

    def redirect(self) -> str | None:
        for ev in self.events:
            if ev.get("name") == "_redirect":
                return (ev.get("payload") or {}).get("path")
        return None


class ClientError(RuntimeError):
    pass


class ReflexClient:
    """One browser tab: a socket, its client token and its current page."""

    def __init__(self, base_url: str, *, timeout: float = 30.0):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.token = str(uuid.uuid4())
        self.session_token = ""  # the app's sign-in token (the browser's localStorage)
        self.path = "/"
        self.query: dict[str, str] = {}
        self._messages: queue.Queue = queue.Queue()
        self._seq = 0
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False, request_timeout=timeout)
        self.sio.on("event", self._on_event, namespace=NAMESPACE)
        self.disconnected = threading.Event()
        self.sio.on("disconnect", lambda *a: self.disconnected.set(), namespace=NAMESPACE)

    # -- wire ---------------------------------------------------------------------------
    def _on_event(self, update: Any) -> None:
        self._messages.put(update)

    def _router(self, path: str, query: dict | None = None) -> dict:
        data: dict[str, Any] = {"pathname": path, "asPath": path}
        if query:
            data["query"] = dict(query)
            # route arguments ([lead_id]) are in the path already, not in its query string
            search = {k: v for k, v in query.items() if f"/{v}" not in path}
            if search:
                data["asPath"] = path + "?" + urlencode(search)
        return data

    def _boot_event(self) -> dict:
        payload: dict[str, Any] = {}
        if self.session_token:
            payload["vars"] = {TOKEN_VAR: self.session_token}
        return {
            "name": f"{ROOT}.hydrate_and_load",
            "payload": payload,
            "router_data": self._router(self.path, self.query),
        }

    def connect(self, path: str = "/login", query: dict | None = None) -> Reply:
        """Open the socket on `path` (the boot event hydrates it and runs its on_load)."""
        self.path, self.query = path, dict(query or {})
        self.sio.connect(
            f"{self.base}?token={self.token}",
            socketio_path=NAMESPACE,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            # websocket-client sends Origin: <base> itself, as a browser on the page would
            auth={"event": self._boot_event()},
            wait_timeout=int(self.timeout),
        )
        started = time.perf_counter()
        with self._lock:
            self._seq += 1
            self._emit(f"{PROBE}.ping", {"seq": self._seq})
            return self._collect(started, self._seq)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken socket
            self.sio.disconnect()

    @property
    def connected(self) -> bool:
        return self.sio.connected and not self.disconnected.is_set()

    def _collect(self, started: float, seq: int) -> Reply:
        """Updates until the probe `seq` returns; then ping again while the round brought
        anything else (events the handler chained run after the first probe, queued as
        they were while it ran), at most MAX_ROUNDS times. `seconds` is the time to the
        last real update (or to the first probe, for an event that changed nothing)."""
        reply = Reply()
        deadline = started + self.timeout
        last = None
        busy = False
        for _ in range(MAX_ROUNDS):
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise ClientError(f"no answer within {self.timeout:.0f} s")
                try:
                    update = self._messages.get(timeout=min(left, 1.0))
                except queue.Empty:
                    if not self.connected:
                        raise ClientError("the socket closed") from None
                    continue
                delta = update.get("delta") or {}
                probe = delta.pop(PROBE, None)
                if delta or update.get("events"):
                    busy = True
                    last = time.perf_counter()
                if delta:
                    reply.deltas.append(delta)
                    token = delta.get(TOKEN_STATE, {}).get(TOKEN_FIELD)
                    if token is not None:
                        self.session_token = token
                reply.events.extend(update.get("events") or [])
                if probe is not None and probe.get("seq_rx_state_") == seq:
                    break
            if last is None:
                last = time.perf_counter()
            if not busy:
                break
            busy = False
            self._seq += 1
            seq = self._seq
            self._emit(f"{PROBE}.ping", {"seq": seq})
        reply.seconds = (last or time.perf_counter()) - started
        return reply

    def _emit(self, name: str, payload: dict | None) -> None:
        self.sio.emit(
            "event",
            {
                "name": name,
                "payload": payload or {},
                "router_data": self._router(self.path, self.query),
            },
            namespace=NAMESPACE,
        )

    def send(self, name: str, payload: Any = None) -> Reply:
        """Send one event (full handler name) and wait until it and what it yielded are done."""
        with self._lock:
            self._seq += 1
            started = time.perf_counter()
            self._emit(name, payload)
            self._emit(f"{PROBE}.ping", {"seq": self._seq})
            return self._collect(started, self._seq)

    def call(self, state_cls, handler: str, payload: dict | None = None) -> Reply:
        return self.send(f"{state_path(state_cls)}.{handler}", payload)

    def navigate(self, path: str, query: dict | None = None) -> Reply:
        """Go to a page the way the browser's router does: its localStorage values, then
        on_load_internal (which runs the page's on_load handlers), both with the new route."""
        self.path, self.query = path, dict(query or {})
        with self._lock:
            started = time.perf_counter()
            if self.session_token:
                self._emit(f"{ROOT}.{UPDATE_VARS}", {"vars": {TOKEN_VAR: self.session_token}})
            self._emit(f"{ROOT}.{ON_LOAD}", {})
            self._seq += 1
            self._emit(f"{PROBE}.ping", {"seq": self._seq})
            return self._collect(started, self._seq)

    def sign_in(self, email: str, password: str) -> Reply:
        reply = self.call(LoginState, "sign_in", {"form": {"email": email, "password": password}})
        if not self.session_token:
            raise ClientError(f"sign-in as {email} failed")
        return reply
