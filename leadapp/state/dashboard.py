"""The live dashboard (D1-D8, D10); D9 is AgendaState (state/todo.py).

`load` (on_load) reads every panel through services/dashboard.py and starts `live`, one
background task per open dashboard tab: it subscribes to the in-process hub
(services/live.py) with the signed-in user's brokerage, id and role, sleeps on its queue,
and when a change the user may see arrives (an activity, a lead, a stage or assignment
change, a history entry) re-reads the panels — no polling of the database. The task ends
when the tab closes, the user leaves the dashboard, signs out, or a newer `live` starts.
"""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx

from leadapp.components import dashboard_charts as charts
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.services import access, live
from leadapp.services import dashboard as svc
from leadapp.services.errors import NotSignedIn, ServiceError
from leadapp.settings import settings

from .base import AuthState, _as_user_call
from .tabs import TabLoop, TabWatch, loop_user
from .todo import AgendaState
from .url import set_if_changed

log = logging.getLogger("leadapp.dashboard")

# How long the live task waits for a change before checking that its tab is still there.
HEARTBEAT_S = settings().leadapp_live_heartbeat
# After a change, wait this long for more of the same burst before re-reading the panels.
DEBOUNCE_S = 0.05
GONE_AFTER_MISSES = 2
MAX_FEED_PAGES = 100


def _who(session, user):
    return user.brokerage_id, user.id, access.is_broker(user), user.timezone or "UTC"


# Dashboards showing the same thing re-read it once per change: the load that the first of
# them starts is shared by the others for SHARE_FOR_S. The key holds everything the panels
# depend on — the change's sequence number (so a load started before the change is never
# reused), the brokerage, role, scope (an agent's own id; a broker's agent filter and
# whether it is the broker themself), D8 series, D1 kind and the user's time zone — so a
# dashboard only ever gets what its own load would return.
SHARE_FOR_S = 1.0
_SHARED: dict[tuple, tuple[float, asyncio.Future]] = {}


def _share_key(seq: int, who: tuple, agent_id: str, series: str, kind: str) -> tuple:
    brokerage_id, user_id, is_broker, tz = who
    scope = (agent_id or "", agent_id == str(user_id)) if is_broker else (user_id, True)
    return (seq, brokerage_id, is_broker, scope, series, kind, tz)


async def _shared_load(key: tuple, token: str, args: tuple) -> dict:
    """svc.load for this dashboard, joining an identical load in flight (or just done)."""
    now = time.monotonic()
    for k, (t, fut) in list(_SHARED.items()):
        if fut.done() and now - t > SHARE_FOR_S:
            del _SHARED[k]
    hit = _SHARED.get(key)
    if hit is not None:
        try:
            return await asyncio.shield(hit[1])
        except Exception:
            pass  # the other dashboard's load failed (e.g. its user signed out): load our own
    fut = asyncio.ensure_future(
        asyncio.to_thread(_as_user_call, token, svc.load, args, {"agenda": False})
    )
    _SHARED[key] = (now, fut)
    return await asyncio.shield(fut)


def _clean_agent(value) -> str:
    value = str(value if value is not None else "")[:12].strip()
    return value if value.isdigit() and int(value) > 0 else ""


def _point_index(points) -> int | None:
    """The clicked point's index from a plotly click payload (a list of point dicts)."""
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    idx = points[0].get("pointNumber", points[0].get("pointIndex"))
    if isinstance(idx, list):
        idx = idx[0] if idx else None
    if isinstance(idx, bool) or not isinstance(idx, int):
        return None
    return idx


class DashboardState(TabLoop, AuthState):
    agent_id: str = ""  # brokers: "" = the whole brokerage, else a user id
    agents: list[dict] = []
    # D1
    feed_rows: list[dict] = []
    feed_kind: str = ""
    feed_has_older: rx.Field[bool] = rx.field(False)
    feed_page: int = 1
    # D2, D3
    active: dict = {"part": 0, "total": 0, "pct": 0.0, "days": 30}
    subscribed: dict = {"part": 0, "total": 0, "pct": 0.0, "url": "/leads"}
    active_fig: charts.Figure = charts.EMPTY
    subscribed_fig: charts.Figure = charts.EMPTY
    # D4
    done: list[dict] = []
    done_total: int = 0
    suggestions: list[dict] = []
    # D5, D6
    funnel_rows: list[dict] = []
    funnel_total: int = 0
    funnel_fig: charts.Figure = charts.EMPTY
    source_rows: list[dict] = []
    sources_fig: charts.Figure = charts.EMPTY
    # D7
    upcoming: list[dict] = []
    upcoming_more: bool = False
    # D8
    series: str = "actions"
    months_label: str = "Lead actions"
    months_total: int = 0
    months_bars: list[dict] = []  # dashboard_charts.month_bars: one dict per month
    months_ticks: list[str] = []
    # D10
    live_updates: int = 0
    loads: int = 0  # on_loads shown (the page marks it, so a reader knows the reply landed)
    updated_at: str = ""
    loaded: bool = False

    _feed_cursors: list[str] = []  # cursor of each page shown after the first
    _feed_next: str = ""
    _sigs: dict[str, str] = {}

    @rx.var
    def kind_options(self) -> list[list[str]]:
        return [["all", "All activity"]] + [[k, v] for k, v in ACTIVITY_KINDS.items()]

    @rx.var
    def agent_options(self) -> list[list[str]]:
        return [["all", "Whole team"]] + [[str(a["id"]), a["name"]] for a in self.agents]

    # ------------------------------------------------------------ loading

    def _changed(self, panel: str, value) -> bool:
        """Whether a panel's data differs from what is shown (unchanged panels are not
        re-sent, so a live update redraws only the charts whose numbers moved)."""
        sig = repr(value)
        if self._sigs.get(panel) == sig:
            return False
        self._sigs = {**self._sigs, panel: sig}
        return True

    def _apply(self, data: dict, feed: bool = True) -> None:
        if self._changed("agents", data["agents"]):
            self.agents = data["agents"]
        if feed and (self._changed("feed", data["feed"]) or self._feed_cursors):
            self._apply_feed(data["feed"], first=True)
        if self._changed("active", data["active"]):
            self.active = data["active"]
            self.active_fig = charts.share_figure(
                data["active"]["part"], data["active"]["total"], charts.PALETTE[1]
            )
        if self._changed("subscribed", data["subscribed"]):
            self.subscribed = data["subscribed"]
            self.subscribed_fig = charts.share_figure(
                data["subscribed"]["part"], data["subscribed"]["total"], charts.PALETTE[0]
            )
        if self._changed("actions", data["actions"]):
            self.done = data["actions"]["done"]
            self.done_total = data["actions"]["done_total"]
            self.suggestions = data["actions"]["suggestions"]
        if self._changed("funnel", data["funnel"]):
            self.funnel_rows = [
                r | {"color": charts.PALETTE[i % len(charts.PALETTE)]}
                for i, r in enumerate(data["funnel"]["stages"])
            ]
            self.funnel_total = data["funnel"]["total"]
            self.funnel_fig = charts.funnel_figure(self.funnel_rows)
        if self._changed("sources", data["sources"]):
            self.source_rows = [
                r | {"color": charts.PALETTE[i % len(charts.PALETTE)]}
                for i, r in enumerate(data["sources"]["sources"])
            ]
            self.sources_fig = charts.sources_figure(self.source_rows)
        if self._changed("upcoming", data["upcoming"]):
            self.upcoming = data["upcoming"]["items"]
            self.upcoming_more = data["upcoming"]["more"]
        if self._changed("months", data["months"]):
            self._apply_months(data["months"])
        self.updated_at = time.strftime("%H:%M:%S")
        self.loaded = True

    def _apply_months(self, months: dict) -> None:
        self._sigs = {**self._sigs, "months": repr(months)}
        self.series = months["series"]
        self.months_label = months["label"]
        self.months_total = months["total"]
        chart = charts.month_bars(months["months"], months["label"])
        set_if_changed(self, "months_bars", chart["bars"])
        set_if_changed(self, "months_ticks", chart["ticks"])

    def _apply_feed(self, feed: dict, first: bool) -> None:
        self._sigs = {**self._sigs, "feed": repr(feed) if first else ""}
        self.feed_rows = feed["rows"]
        self._feed_next = feed["next"]
        self.feed_has_older = bool(feed["next"])
        if first:
            self._feed_cursors = []
            self.feed_page = 1

    async def _load(self):
        try:
            data = await self._with_user(
                svc.load, self.agent_id or None, self.series, self.feed_kind, agenda=False
            )
        except NotSignedIn as exc:
            return self._fail(exc)
        except ServiceError as exc:
            if not self.agent_id:
                return self._fail(exc)
            self.agent_id = ""  # an agent who left or never was: back to the whole team
            failed = await self._load()
            return failed if failed is not None else self._fail(exc)
        self._apply(data)

    @rx.event
    async def load(self):
        """on_load (after require_login): every panel, then the live task."""
        self.agent_id = _clean_agent(self.agent_id)
        failed = await self._load()
        if failed is not None:
            return failed
        self.loads += 1
        return DashboardState.live

    @rx.event
    async def set_agent(self, agent_id: str):
        """Brokers narrow every panel to one agent ("all" = whole team); agents see their own."""
        value = _clean_agent(agent_id)
        if self.user_role != "broker":
            value = ""
        self.agent_id = value
        failed = await self._load()
        if failed is not None and not self.signed_in:
            return failed
        # D9 follows in the same reply (one event, one reply): the agenda's own loader, with
        # the agent the panels show (the whole team again when the one asked for is refused).
        agenda = await self.get_state(AgendaState)
        agenda_failed = await agenda._narrow(self.agent_id)
        return failed if failed is not None else agenda_failed

    @rx.event
    async def set_kind(self, kind: str):
        """D1 filter by activity kind ("all" or "" = every kind)."""
        kind = str(kind or "")[:24]
        kind = "" if kind == "all" else kind
        if kind and kind not in ACTIVITY_KINDS:
            return rx.toast.error("Unknown activity type.")
        self.feed_kind = kind
        return await self._reload_feed(first=True)

    async def _reload_feed(self, first: bool, cursor: str = ""):
        try:
            feed = await self._with_user(
                svc.activity_feed, self.agent_id or None, self.feed_kind, cursor or None
            )
        except ServiceError as exc:
            return self._fail(exc)
        self._apply_feed(feed, first)

    @rx.event
    async def older(self):
        """D1: the next (older) page of the feed."""
        if not self._feed_next or len(self._feed_cursors) >= MAX_FEED_PAGES:
            return
        cursor = self._feed_next
        failed = await self._reload_feed(first=False, cursor=cursor)
        if failed is not None:
            return failed
        self._feed_cursors = self._feed_cursors + [cursor]
        self.feed_page = len(self._feed_cursors) + 1

    @rx.event
    async def newer(self):
        """D1: back one page (towards the newest)."""
        if not self._feed_cursors:
            return
        cursors = self._feed_cursors[:-1]
        failed = await self._reload_feed(first=not cursors, cursor=cursors[-1] if cursors else "")
        if failed is not None:
            return failed
        self._feed_cursors = cursors
        self.feed_page = len(cursors) + 1

    @rx.event
    async def set_series(self, series: str | list[str]):
        """D8: lead actions (default), viewed listings or site searches."""
        if isinstance(series, list):
            series = series[0] if series else ""
        series = str(series or "")[:16]
        if series not in svc.SERIES:
            return rx.toast.error("Choose lead actions, viewed listings or site searches.")
        try:
            months = await self._with_user(svc.past_months, self.agent_id or None, series)
        except ServiceError as exc:
            return self._fail(exc)
        self._apply_months(months)

    @rx.event
    def funnel_click(self, points: list):
        """D5: a click on a stage opens the lead list filtered to it."""
        idx = _point_index(points)
        if idx is None or not 0 <= idx < len(self.funnel_rows) or not self.signed_in:
            return
        return rx.redirect(self.funnel_rows[idx]["url"])

    @rx.event
    def source_click(self, points: list):
        """D6: a click on a source opens the lead list filtered to it."""
        idx = _point_index(points)
        if idx is None or not 0 <= idx < len(self.source_rows) or not self.signed_in:
            return
        url = self.source_rows[idx]["url"]
        if url:
            return rx.redirect(url)

    # ------------------------------------------------------------ live (D10)

    @rx.event(background=True)
    async def live(self):
        """Keep this tab's dashboard current: re-read the panels when a change it may see comes."""
        async with self:
            gen, token, client = self._new_loop()
        who = await loop_user(token, _who)
        if who is None:
            return
        sub = live.HUB.subscribe(*who[:3])
        log.info(
            "live: dashboard of user %s subscribed (%d open here)",
            who[1],
            live.HUB.subscriber_count(),
        )
        tab = TabWatch(client, GONE_AFTER_MISSES)
        try:
            while True:
                changes = await sub.next(HEARTBEAT_S)
                async with self:
                    if self._loop_gen != gen or self.session_token != token:
                        break
                    path = self.router.url.path or "/"
                    agent_id, series, kind = self.agent_id, self.series, self.feed_kind
                    first_page = not self._feed_cursors
                if path not in ("/", ""):
                    break
                if changes is None:
                    if await tab.gone():
                        break
                    continue
                if all(c.kind == "notify" for c in changes):
                    continue  # the bell's, not the panels'
                await asyncio.sleep(DEBOUNCE_S)
                sub.drain(changes)
                try:
                    # A shared result is another tab's load: re-check this tab's own user first
                    # (signed out, deactivated or demoted since subscribing → stop).
                    if await loop_user(token, _who) != who:
                        break
                    data = await _shared_load(
                        _share_key(sub.seq, who, agent_id, series, kind),
                        token,
                        (agent_id or None, series, kind),
                    )
                except NotSignedIn:
                    break
                except ServiceError:
                    continue
                except Exception:
                    log.exception("live dashboard reload failed")
                    continue
                async with self:
                    if self._loop_gen != gen:
                        break
                    if (self.agent_id, self.series, self.feed_kind) == (agent_id, series, kind):
                        self._apply(data, feed=first_page and not self._feed_cursors)
                        self.live_updates += 1
                if any(c.kind in ("history", "lead") for c in changes):
                    yield AgendaState.load
        finally:
            live.HUB.unsubscribe(sub)
            log.info("live: dashboard of user %s closed", who[1])
