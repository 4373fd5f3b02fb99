"""Bench: what a person waits for, in Debian's Chromium driven by Playwright against the served app.

Each action is timed in the page itself (bench/browser_timing.py): from the input event to
the animation frame after the watched element's text changed, i.e. the new content is
rendered. p50 and p95 over `REPS` repetitions, alternating between two views so every
repetition changes something. Every websocket frame the page sends in an action is counted
(socket.io event frames, "42..."): each is one server round trip. Beside each row: the
service call the same action runs, timed in-process on the same database (so the stack's
own cost is visible).

Sizes: the demo brokerage (`--leads 2000`, what `leadapp seed` loads); any `--leads N` works
(1M: seeded once into `--workdir`, ~11 minutes).
"""

from __future__ import annotations

import re
import statistics
import time

from leadapp.bench import BenchContext, Row, bench
from leadapp.bench.browser_timing import (
    ACTIVE_PANEL,
    BROKER,
    FIRST_ROW,
    NOT_LOADING,
    RANGE,
    REPS,
    TAB_COUNTS,
    TIMER_JS,
    TITLE,
    Frames,
    clicks,
    goto,
    run_case,
    sign_in,
)
from leadapp.bench.served import CHROMIUM, CHROMIUM_ARGS, served_app


def lead_list_cases(page, frames, base: str) -> list[dict]:
    tid = page.get_by_test_id
    goto(page, f"{base}/leads", "[data-testid=lead-row]")
    out = [
        run_case(
            page,
            frames,
            "lead list: header sort",
            clicks(page, "col-name"),
            FIRST_ROW,
        ),
        run_case(
            page,
            frames,
            "lead list: next page",
            clicks(page, "next-page", "prev-page"),
            FIRST_ROW,
        ),
    ]

    def pick_size(n):
        return (None, lambda: tid("page-size").select_option(n))

    out.append(
        run_case(
            page, frames, "lead list: rows per page", [pick_size("50"), pick_size("20")], RANGE
        )
    )
    tid("filters-button").click()
    page.wait_for_timeout(300)
    out.append(
        run_case(
            page,
            frames,
            "lead list: a filter (status)",
            clicks(page, "filter-status-active"),
            RANGE,
        )
    )
    page.keyboard.press("Escape")
    box = tid("lead-search")
    out.append(
        run_case(
            page,
            frames,
            "lead list: search (incl. 350 ms debounce)",
            [(None, lambda: box.fill("an")), (None, lambda: box.fill(""))],
            RANGE,
        )
    )
    return out


def lead_page_cases(page, frames, base: str) -> list[dict]:
    tid = page.get_by_test_id

    def back_to_list():
        if not re.search(r"/leads/\d", page.url):
            return
        page.go_back()
        page.wait_for_selector("[data-testid=lead-row]", timeout=30_000)
        page.wait_for_timeout(300)

    goto(page, f"{base}/leads", "[data-testid=lead-row]")
    out = [
        run_case(
            page,
            frames,
            "lead page: open from the list",
            [(back_to_list, lambda: tid("lead-name").first.click())],
            TITLE,
            reps=REPS,
        )
    ]
    tid("lead-name").first.click()
    page.wait_for_selector("[data-testid=quick-event]", timeout=30_000)
    page.wait_for_timeout(500)
    out.append(
        run_case(
            page,
            frames,
            "lead page: switch tab",
            clicks(page, "tab-history", "tab-activity"),
            ACTIVE_PANEL,
            NOT_LOADING,
        )
    )
    out.append(
        run_case(
            page,
            frames,
            "lead page: quick event",
            [(None, lambda: tid("quick-event").first.click())],
            TAB_COUNTS,
        )
    )
    return out


# The dashboard's loads counter (data-loads on the live line): it moves when an on_load's
# reply, with every panel's numbers, has been rendered.
DASH_LOADS = (
    "() => (document.querySelector('[data-testid=dash-live]') || {dataset: {}}).dataset.loads || ''"
)
DASH_LOADED = "(b, n) => n !== '' && n !== String(window.__dashLoads)"


def dashboard_cases(page, frames, base: str) -> list[dict]:
    tid = page.get_by_test_id

    def to_list():
        """Back on the lead list, remembering the loads counter the dashboard showed."""
        if page.url.rstrip("/") == base:
            loads = page.evaluate(DASH_LOADS)
            page.go_back()
            page.wait_for_selector("[data-testid=lead-row]", timeout=30_000)
            page.evaluate("(n) => { window.__dashLoads = n; }", loads)
        page.wait_for_timeout(300)

    goto(page, f"{base}/leads", "[data-testid=lead-row]")
    out = [
        run_case(
            page,
            frames,
            "dashboard: first render after navigation",
            [(to_list, lambda: tid("nav-dashboard").click())],
            DASH_LOADS,
            DASH_LOADED,
        )
    ]
    goto(page, f"{base}/", "[data-testid=series-views]")
    months = "() => (document.querySelector('[data-testid=dash-months-total]') || {}).textContent"
    out.append(
        run_case(
            page,
            frames,
            "dashboard: chart switch",
            clicks(page, "series-views", "series-searches"),
            months,
        )
    )
    return out


def todo_cases(page, frames, base: str) -> list[dict]:
    tid = page.get_by_test_id
    goto(page, f"{base}/todo?agent=all", "[data-testid=task-row]")
    counts = (
        "() => [...document.querySelectorAll('[data-testid^=count-]')]"
        ".map(e => e.textContent).join('|')"
    )
    first_check = "[data-testid=section-upcoming] [data-testid=task-check]"

    def tick():
        page.locator(first_check).first.click()

    out = [run_case(page, frames, "to-do: tick", [(None, tick)], counts)]

    def kind(label):
        def prepare():
            if not tid("filter-kind").is_visible():
                tid("filter-button").click()
            tid("filter-kind").click()

        return prepare, lambda: page.get_by_role("option", name=label, exact=True).click()

    rows = (
        "() => [...document.querySelectorAll('[data-testid=task-row]')].length + '|' + "
        + (counts[6:])
    )
    out.append(
        run_case(
            page,
            frames,
            "to-do: filter (kind)",
            [kind("Call"), kind("Any kind")],
            rows,
        )
    )
    return out


def service_times(engine) -> dict[str, float]:
    """p50 of the service call behind each action, in-process on the same database."""
    from sqlmodel import Session, col, select

    from leadapp.models import User
    from leadapp.services import lead_query, tasks

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == BROKER)).one()

    def p50(fn, n=31):
        ts = []
        for _ in range(n):
            with Session(engine) as s:
                t = time.perf_counter()
                fn(s)
                ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    lp = lead_query.list_page
    return {
        "lead list: header sort": p50(lambda s: lp(s, broker, {"sort": "name"})),
        "lead list: next page": p50(lambda s: lp(s, broker, {"page": "2"})),
        "lead list: rows per page": p50(lambda s: lp(s, broker, {"size": "50"})),
        "lead list: a filter (status)": p50(lambda s: lp(s, broker, {"status": "active"})),
        "lead list: search (incl. 350 ms debounce)": p50(lambda s: lp(s, broker, {"q": "an"})),
        "to-do: filter (kind)": p50(
            lambda s: tasks.list_tasks(s, broker, {"kind": "call", "agent": "all"})
        ),
        "to-do: tick": p50(lambda s: tasks.list_tasks(s, broker, {"agent": "all"})),
    }


def measure(db_url: str, engine, groups=None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    groups = groups or (lead_list_cases, lead_page_cases, dashboard_cases, todo_cases)
    results = []
    with served_app(db_url) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(TIMER_JS)
            frames = Frames(page)
            sign_in(page, base)
            for group in groups:
                results.extend(group(page, frames, base))
        finally:
            browser.close()
    service = service_times(engine)
    for r in results:
        r["service"] = service.get(r["name"])
    return results


TARGETS = {
    "lead page: open from the list": 0.300,
    "dashboard: first render after navigation": 0.500,
    "lead list: search (incl. 350 ms debounce)": 0.100 + 0.350,
}
# Navigations: the route's hydrate and on_load are their round trips (no "1 trip" rule).
NAVIGATIONS = ("lead page: open from the list", "dashboard: first render after navigation")


@bench("browser: one action, input to rendered", order=90)
def browser_latency(ctx: BenchContext) -> list[Row]:
    from leadapp.bench.databases import demo_database

    engine = demo_database(ctx.workdir, ctx.leads)
    db_url = str(engine.url)
    rows = []
    for r in measure(db_url, engine):
        if "error" in r:
            rows.append(Row(r["name"], f"{ctx.leads:,} leads", 0.0, None, "", False, r["error"]))
            continue
        target = TARGETS.get(r["name"], 0.100)
        one_trip = r["name"] in NAVIGATIONS or r["trips"] == 1
        rows.append(
            Row(
                r["name"] + " (p95)",
                f"{ctx.leads:,} leads",
                r["p95"],
                r["service"],
                f"p95 <= {target * 1000:.0f} ms" + ("" if r["name"] in NAVIGATIONS else ", 1 trip"),
                ok=r["p95"] <= target and one_trip,
                note=f"p50 {r['p50'] * 1000:.0f} ms; {r['trips']} round trip(s); "
                f"{r['bytes']:,} B in",
            )
        )
    engine.dispose()
    return rows
