"""The live dashboard (D1-D10) in a real browser, as a broker and as an agent.

Each panel's numbers are compared with services/dashboard.py run against the app's own
database in the same moment, so a number that drifts from the data fails here.
"""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Lead, User
from leadapp.services import apikeys
from leadapp.services import dashboard as dash

from .conftest import WHO

T = 20_000
LIVE_WITHIN_MS = 6_000  # "within a few seconds" on a slow CI machine (target: 2 s, see the bench)


def _user(engine, who: str) -> User:
    with Session(engine) as s:
        return s.exec(select(User).where(col(User.email) == WHO[who])).one()


def _expected(engine, who: str, agent_id=None, series="actions") -> dict:
    with Session(engine) as s:
        user = s.exec(select(User).where(col(User.email) == WHO[who])).one()
        return dash.load(s, user, agent_id, series, agenda=False)


def _count(page, testid: str) -> str:
    return page.locator(f"[data-testid={testid}]").first.inner_text()


def _check_panels(page, engine, who: str, agent_id=None):
    """Every panel on screen against the services' numbers."""
    want = _expected(engine, who, agent_id)
    a, sub = want["active"], want["subscribed"]
    expect(page.get_by_test_id("dash-active-counts")).to_have_text(
        f"{a['part']} of {a['total']} leads", timeout=T
    )
    expect(page.get_by_test_id("dash-subscribed-counts")).to_have_text(
        f"{sub['part']} of {sub['total']} leads", timeout=T
    )
    expect(page.get_by_test_id("dash-active-pct")).to_have_text(f"{a['pct']}%", timeout=T)
    # D5: every stage with its count and share, Closed for this year only
    for st in want["funnel"]["stages"]:
        row = page.get_by_test_id(f"funnel-{st['stage']}")
        expect(row).to_contain_text(st["label"], timeout=T)
        expect(row).to_contain_text(f"{st['count']}", timeout=T)
        expect(row).to_contain_text(f"{st['pct']}%", timeout=T)
    # D6
    legend = page.get_by_test_id("dash-sources").inner_text()
    for src in want["sources"]["sources"]:
        assert src["label"] in legend and str(src["count"]) in legend, (src, legend)
    # D4: done by kind, suggestions with counts and links
    for d in want["actions"]["done"]:
        expect(page.get_by_test_id(f"done-{d['kind']}")).to_contain_text(str(d["count"]), timeout=T)
    for sgt in want["actions"]["suggestions"]:
        link = page.get_by_test_id(f"suggest-{sgt['key']}")
        expect(link).to_contain_text(str(sgt["count"]), timeout=T)
        assert link.get_attribute("href") == sgt["url"]
    # D7
    names = page.locator("[data-testid=upcoming-lead]").all_inner_texts()
    assert names == [i["lead_name"] for i in want["upcoming"]["items"]]
    # D8
    expect(page.get_by_test_id("dash-months-total")).to_have_text(
        f"{want['months']['total']} lead actions", timeout=T
    )
    # D1: the newest page of the feed, in order
    expect(page.locator("[data-testid=feed-row]")).to_have_count(
        len(want["feed"]["rows"]), timeout=T
    )
    assert page.locator("[data-testid=feed-lead]").all_inner_texts() == [
        r["lead_name"] for r in want["feed"]["rows"]
    ]
    # D9 is on the page too
    expect(page.get_by_test_id("todays-agenda")).to_be_visible()
    return want


def test_broker_dashboard_every_panel(server, engine, page, signed_in, shot):
    page.set_viewport_size({"width": 1400, "height": 900})
    signed_in(page, "broker")
    page.wait_for_selector("[data-testid=feed-row]", timeout=T)
    want = _check_panels(page, engine, "broker")
    assert want["funnel"]["total"] > 0 and want["feed"]["rows"]
    shot(page, "dashboard-broker")

    # D1: filter by kind, page to older activity and back
    page.get_by_test_id("feed-kind").click()
    page.get_by_role("option", name="Search", exact=True).click()
    expect(page.locator("[data-testid=feed-kind-label]").first).to_have_text("Search", timeout=T)
    expect(page.locator("[data-testid=feed-kind-label]").last).to_have_text("Search", timeout=T)
    kinds = set(page.locator("[data-testid=feed-kind-label]").all_inner_texts())
    assert kinds == {"Search"}, kinds
    page.get_by_test_id("feed-kind").click()
    page.get_by_role("option", name="All activity").click()
    expect(page.get_by_test_id("feed-older")).to_be_enabled(timeout=T)
    first = page.locator("[data-testid=feed-row]").first.inner_text()
    page.get_by_test_id("feed-older").click()
    expect(page.get_by_test_id("feed-page")).to_have_text("Page 2", timeout=T)
    assert page.locator("[data-testid=feed-row]").first.inner_text() != first
    page.get_by_test_id("feed-newer").click()
    expect(page.get_by_test_id("feed-page")).to_have_text("Page 1", timeout=T)

    # D8: the series switch
    views = _expected(engine, "broker", series="views")["months"]["total"]
    page.get_by_test_id("series-views").click()
    expect(page.get_by_test_id("dash-months-total")).to_have_text(
        f"{views} viewed listings", timeout=T
    )
    searches = _expected(engine, "broker", series="searches")["months"]["total"]
    page.get_by_test_id("series-searches").click()
    expect(page.get_by_test_id("dash-months-total")).to_have_text(
        f"{searches} site searches", timeout=T
    )

    # narrow every panel to one agent
    agent = _user(engine, "agent")
    page.get_by_test_id("dash-agent").click()
    page.get_by_role("option", name=agent.name).click()
    page.get_by_test_id("series-actions").click()
    narrowed = _expected(engine, "broker", agent.id)
    expect(page.get_by_test_id("dash-subscribed-counts")).to_have_text(
        f"{narrowed['subscribed']['part']} of {narrowed['subscribed']['total']} leads", timeout=T
    )
    _check_panels(page, engine, "broker", agent.id)
    href = page.get_by_test_id("funnel-nurturing").get_attribute("href")
    assert href == f"/leads?agent={agent.id}&stage=nurturing"
    shot(page, "dashboard-broker-one-agent")

    # D5 / D6 links open the lead list filtered to the stage / source
    page.get_by_test_id("funnel-nurturing").click()
    page.wait_for_url(re.compile(r"/leads\?agent=\d+&stage=nurturing"), timeout=T)
    page.go_back()
    page.wait_for_selector("[data-testid=dash-sources]", timeout=T)
    src = page.locator("[data-testid^=source-]").first
    expect(src).to_be_visible(timeout=T)
    src.click()
    page.wait_for_url(re.compile(r"/leads\?.*source="), timeout=T)


def test_agent_dashboard_shows_only_their_leads(server, engine, page, signed_in, shot):
    page.set_viewport_size({"width": 1280, "height": 900})
    signed_in(page, "agent")
    page.wait_for_selector("[data-testid=dash-feed]", timeout=T)
    want = _check_panels(page, engine, "agent")
    assert page.get_by_test_id("dash-agent").count() == 0  # no agent selector
    agent = _user(engine, "agent")
    with Session(engine) as s:
        theirs = {
            lid
            for (lid,) in s.execute(
                select(col(Lead.id)).where(col(Lead.assigned_agent_id) == agent.id)
            )
        }
    hrefs = [h.get_attribute("href") for h in page.locator("[data-testid=feed-lead]").all()]
    assert hrefs and all(int(h.rsplit("/", 1)[1]) in theirs for h in hrefs)
    assert all(f"agent={agent.id}" in s["url"] for s in want["funnel"]["stages"])
    shot(page, "dashboard-agent")
    # a phone-size viewport: one column, nothing cut off sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    for tid in (
        "dash-active",
        "dash-feed",
        "dash-actions",
        "dash-funnel",
        "dash-sources",
        "dash-upcoming",
        "dash-months",
        "todays-agenda",
    ):
        box = page.get_by_test_id(tid).bounding_box()
        assert box and box["width"] <= 390, (tid, box)
    shot(page, "dashboard-agent-phone", full_page=False)
    page.get_by_test_id("dash-funnel").scroll_into_view_if_needed()
    shot(page, "dashboard-agent-phone-funnel", full_page=False)


@pytest.mark.multiworker
def test_live_update_reaches_allowed_dashboards_only(server, engine, browser, shot):
    """D10: an event posted through the API shows on the broker's and the lead's agent's
    open dashboards within seconds, without a reload; another agent's dashboard does not change."""
    from .conftest import sign_in

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == WHO["broker"])).one()
        agent = s.exec(select(User).where(col(User.email) == WHO["agent"])).one()
        lead = s.exec(
            select(Lead)
            .where(col(Lead.assigned_agent_id) == agent.id, col(Lead.status) != "deleted")
            .order_by(col(Lead.id))
        ).first()
        assert lead is not None
        _, key = apikeys.create_key(s, broker, "Live test")
        lead_email = lead.email
        s.commit()
    pages = {}
    contexts = []
    for who in ("broker", "agent", "agent2"):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(ctx)
        pg = ctx.new_page()
        sign_in(pg, server, who)
        pg.wait_for_selector("[data-testid=dash-feed]", timeout=T)
        expect(pg.get_by_test_id("dash-live")).to_contain_text("updated", timeout=T)
        pages[who] = pg
    time.sleep(1.5)  # the live tasks subscribe right after the first load
    counts = {
        w: int(p.get_by_test_id("dash-live-count").text_content() or 0) for w, p in pages.items()
    }
    marker = f"Live check {uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    r = httpx.post(
        f"{server}/api/v1/events",
        headers={"Authorization": f"Bearer {key}"},
        json={"kind": "info_request", "email": lead_email, "details": marker},
    )
    assert r.status_code == 201, r.text
    seen = {}
    for who in ("broker", "agent"):  # checked on every animation frame, so the time is exact
        pages[who].wait_for_function(
            "m => (document.querySelector('[data-testid=feed-row]') || {}).innerText?.includes(m)",
            arg=marker,
            polling="raf",
            timeout=LIVE_WITHIN_MS,
        )
        seen[who] = round(time.monotonic() - started, 2)
    print(f"live update seen after (s): {seen}")
    # a new lead (sign-up to the pool) reaches the broker's panels; no agent sees it
    before = pages["broker"].get_by_test_id("dash-subscribed-counts").inner_text()
    total = int(before.split(" of ")[1].split()[0])
    r = httpx.post(
        f"{server}/api/v1/events",
        headers={"Authorization": f"Bearer {key}"},
        json={
            "kind": "signup",
            "email": f"live.{uuid.uuid4().hex[:6]}@example.com",
            "name": "Live Visitor",
        },
    )
    assert r.status_code == 201, r.text
    expect(pages["broker"].get_by_test_id("dash-subscribed-counts")).to_contain_text(
        f"of {total + 1} leads", timeout=T
    )
    expect(pages["broker"].locator("[data-testid=feed-row]").first).to_contain_text(
        "Live Visitor", timeout=T
    )
    time.sleep(2)
    assert marker not in pages["agent2"].get_by_test_id("dash-feed").inner_text()
    assert (
        int(pages["agent2"].get_by_test_id("dash-live-count").text_content() or 0)
        == counts["agent2"]
    )
    assert (
        int(pages["agent"].get_by_test_id("dash-live-count").text_content() or 0)
        == counts["agent"] + 1
    )
    shot(pages["broker"], "dashboard-live-broker")
    shot(pages["agent"], "dashboard-live-agent")
    for ctx in contexts:
        ctx.close()
