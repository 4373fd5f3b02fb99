"""G5 / N1 end to end: a broker writes a rule; a sign-up posted to the API lands with the
rule's agent, whose bell (another browser context) shows it within 2 s; claim with timeout
in two agent contexts (exactly one gets the lead)."""

from __future__ import annotations

import time

import httpx
from sqlmodel import Session, col, select

from leadapp.models import Lead, User
from leadapp.services import apikeys, routing_admin


def _key(engine) -> str:

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == "broker@demo.leadapp.io")).one()
        _, key = apikeys.create_key(s, broker, "Routing browser test")
        s.commit()
    return key


def _post(server, key, **event):
    r = httpx.post(
        f"{server}/api/v1/events", headers={"Authorization": f"Bearer {key}"}, json=event
    )
    assert r.status_code == 201, r.text
    return r.json()["lead_id"]


def test_broker_writes_a_rule_and_the_agents_bell_shows_the_lead(
    server, engine, page, browser, signed_in, shot
):

    signed_in(page, "broker", path="/settings/routing")
    page.wait_for_selector("[data-testid=group-name]", timeout=30_000)
    page.fill("[data-testid=group-name]", "Team A")
    avery = page.locator("[data-testid=group-member]").first  # agents by name: Avery first
    avery.click()
    page.click("[data-testid=group-save]")
    page.wait_for_selector("[data-testid=group-row]:has-text('Team A')", timeout=15_000)
    page.fill("[data-testid=rule-name]", "Zillow buyers")
    page.fill("[data-testid=rule-sources]", "Zillow")
    page.select_option("[data-testid=rule-group_id]", label="Team A")
    page.click("[data-testid=rule-save]")
    page.wait_for_selector("[data-testid=rule-row]:has-text('Zillow buyers')", timeout=15_000)
    assert "Team A, round robin" in page.locator("[data-testid=rule-row]").first.inner_text()
    # bad input: a rule with no group says so and adds nothing
    page.fill("[data-testid=rule-name]", "Broken")
    page.select_option("[data-testid=rule-group_id]", value="")
    page.click("[data-testid=rule-save]")
    page.wait_for_selector("[data-testid=err-group_id]", timeout=15_000)
    assert page.locator("[data-testid=rule-row]").count() == 1
    shot(page, "routing-settings-broker")

    with Session(engine) as s:
        member = s.exec(select(User).where(col(User.name).like("Avery%"))).first()
        assert member is not None
    agent_ctx = browser.new_context()
    agent_page = agent_ctx.new_page()
    signed_in(agent_page, member.email)
    agent_page.wait_for_selector("[data-testid=bell]", timeout=30_000)
    agent_page.wait_for_timeout(1500)  # the bell's live task subscribes
    before = agent_page.locator("[data-testid=bell-count]").all_inner_texts()
    key = _key(engine)
    t0 = time.monotonic()
    lead_id = _post(
        server,
        key,
        kind="signup",
        email="zillow.buyer@example.com",
        name="Zoe Zillow",
        source="Zillow",
    )
    agent_page.wait_for_function(
        "b => { const e = document.querySelector('[data-testid=bell-count]');"
        " return e && e.innerText.trim() !== b; }",
        arg=before[0].strip() if before else "",
        timeout=2_000,
    )
    took = time.monotonic() - t0
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).assigned_agent_id == member.id
    agent_page.click("[data-testid=bell]")
    agent_page.wait_for_selector(
        "[data-testid=notification-link]:has-text('Zoe Zillow')", timeout=10_000
    )
    shot(agent_page, "routing-bell-agent")
    agent_page.click("[data-testid=notification-link]:has-text('Zoe Zillow')")
    agent_page.wait_for_url(f"**/leads/{lead_id}", timeout=15_000)
    print(f"bell updated {took:.2f} s after the sign-up was posted")
    agent_ctx.close()


def test_claim_with_timeout_in_two_agent_contexts(server, engine, browser, signed_in, shot):

    with Session(engine) as s:
        broker = s.exec(select(User).where(col(User.email) == "broker@demo.leadapp.io")).one()
        a1 = s.exec(select(User).where(col(User.email) == "avery@demo.leadapp.io")).one()
        a2 = s.exec(select(User).where(col(User.email) == "jordan@demo.leadapp.io")).one()
        g = routing_admin.save_group(
            s, broker, {"name": "Claimers", "members": {str(a1.id): 1, str(a2.id): 1}}
        )
        s.flush()
        r = routing_admin.save_rule(
            s,
            broker,
            {
                "name": "Facebook claims",
                "sources": "Facebook ads",
                "target": "claim",
                "group_id": str(g.id),
                "claim_minutes": "5",
            },
        )
        routing_admin.move_rule(s, broker, r.id, -1)
        s.commit()
        first_id = a1.id
    pages = []
    for who in ("agent", "agent2"):
        ctx = browser.new_context()
        p = ctx.new_page()
        signed_in(p, who)
        p.wait_for_selector("[data-testid=bell]", timeout=30_000)
        pages.append((ctx, p))
    pages[0][1].wait_for_timeout(1500)
    lead_id = _post(
        server,
        _key(engine),
        kind="signup",
        email="fb.lead@example.com",
        name="Fran Facebook",
        source="Facebook ads",
    )
    for _ctx, p in pages:
        p.wait_for_selector("[data-testid=bell-count]", timeout=15_000)
        p.click("[data-testid=bell]")
        p.wait_for_selector("[data-testid=notification-claim]", timeout=10_000)
    shot(pages[1][1], "routing-offer-agent2")
    pages[0][1].click("[data-testid=notification-claim]")
    pages[0][1].wait_for_url(f"**/leads/{lead_id}", timeout=15_000)
    # N2: the lead page says how long the lead has waited since its assignment
    pages[0][1].wait_for_selector(
        "[data-testid=speed-to-lead]:has-text('after assignment')", timeout=20_000
    )
    shot(pages[0][1], "routing-claimed-lead-page")
    # the other agent's bell follows live: the offer is over, no claim button is left
    p2 = pages[1][1]
    p2.wait_for_selector(
        "[data-testid=notification-link]:has-text('claimed Fran Facebook')", timeout=10_000
    )
    p2.wait_for_selector("[data-testid=notification-claim]", state="detached", timeout=10_000)
    shot(pages[1][1], "routing-claim-lost-agent2")
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).assigned_agent_id == first_id
    for ctx, _p in pages:
        ctx.close()
