"""Marketing pages (C1, C2) in the browser: brokers create markets and campaigns, agents read."""

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Campaign, CampaignStep, Lead, Market, OutgoingEmail, User, utcnow
from leadapp.services import lead_subscriptions


def test_broker_creates_a_market_subscribes_a_lead_and_previews(page, signed_in, engine, shot):
    signed_in(page, "broker", path="/marketing")
    page.get_by_test_id("market-new").click()
    page.get_by_test_id("f-name").fill("Browser test market")
    page.get_by_test_id("market-save").click()
    expect(page.get_by_test_id("error-criteria")).to_be_visible()
    shot(page, "markets_broker_error")
    page.get_by_test_id("f-city").fill("Berkeley")
    page.get_by_test_id("f-max_price").fill("2,000,000")
    page.get_by_test_id("market-save").click()
    expect(page.get_by_text("Market saved: Browser test market")).to_be_visible()
    with Session(engine) as s:
        m = s.exec(select(Market).where(col(Market.name) == "Browser test market")).one()
        assert m.criteria == {"city": "Berkeley", "transaction": "sale", "max_price": 2000000}
        broker = s.exec(select(User).where(col(User.role) == "broker")).first()
        assert broker is not None
        lead = s.exec(select(Lead).where(col(Lead.status) == "active")).first()
        assert lead is not None
        lead_subscriptions.subscribe_market(s, broker, lead.id, m.id, ["listing", "market"])
        s.commit()
        mid = m.id
    page.reload()
    row = page.get_by_test_id("market-row").filter(has_text="Browser test market")
    expect(row.get_by_test_id("market-id")).to_have_text(str(mid))
    expect(row.get_by_test_id("market-subscribers")).to_have_text("1")
    row.get_by_test_id("market-preview").click()
    expect(page.get_by_test_id("report-preview")).to_have_count(3)
    expect(page.get_by_text("Browser test market: market report")).to_be_visible()
    shot(page, "markets_broker_preview")


def test_broker_creates_a_two_step_campaign_previews_and_pauses(page, signed_in, engine, shot):
    signed_in(page, "broker", path="/marketing/campaigns")
    page.get_by_test_id("campaign-new").click()
    page.get_by_test_id("campaign-name-input").fill("Browser drip")
    page.get_by_test_id("step-subject").nth(0).fill("Hello {first_name}")
    page.get_by_test_id("step-body").nth(0).fill("Hi {firstname}, this is {agent_name}.")
    page.get_by_test_id("step-add").click()
    page.get_by_test_id("step-delay").nth(1).fill("3")
    page.get_by_test_id("step-subject").nth(1).fill("Checking in")
    page.get_by_test_id("step-body").nth(1).fill("Call me at {agent_phone}.")
    page.get_by_test_id("campaign-save").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("unknown merge field {firstname}")
    shot(page, "campaigns_broker_error")
    with Session(engine) as s:
        assert s.exec(select(Campaign).where(col(Campaign.name) == "Browser drip")).first() is None
    page.get_by_test_id("step-body").nth(0).fill("Hi {first_name}, this is {agent_name}.")
    page.get_by_test_id("campaign-save").click()
    expect(page.get_by_text("Campaign saved")).to_be_visible()
    with Session(engine) as s:
        c = s.exec(select(Campaign).where(col(Campaign.name) == "Browser drip")).one()
        steps = s.exec(
            select(CampaignStep)
            .where(col(CampaignStep.campaign_id) == c.id)
            .order_by(col(CampaignStep.position))
        ).all()
        assert [(st.position, st.delay_days, st.subject) for st in steps] == [
            (1, 0, "Hello {first_name}"),
            (2, 3, "Checking in"),
        ]
        broker = s.exec(select(User).where(col(User.role) == "broker")).first()
        assert broker is not None
        lead = s.exec(
            select(Lead).where(col(Lead.status) == "active", col(Lead.first_name) != "")
        ).first()
        assert lead is not None
        lead_subscriptions.subscribe_campaign(s, broker, lead.id, c.id)
        # the email log of step 1: four sent (one bounced), two opened by a person (one
        # only by a privacy proxy), one clicked, one unsubscribed; step 2 has one queued
        now = utcnow()
        log = [
            ("sent", 2, 0, 1, True),
            ("sent", 1, 0, 0, False),
            ("sent", 0, 1, 0, False),
            ("bounced", 0, 0, 0, False),
        ]
        for status, opens, machine, clicks, unsub in log:
            s.add(
                OutgoingEmail(
                    brokerage_id=c.brokerage_id,
                    lead_id=lead.id,
                    to_address=lead.email,
                    subject="Hello",
                    kind="campaign",
                    status=status,
                    sent_at=now,
                    campaign_step_id=steps[0].id,
                    open_count=opens,
                    opened_at=now if opens else None,
                    machine_open_count=machine,
                    click_count=clicks,
                    clicked_at=now if clicks else None,
                    unsubscribed_at=now if unsub else None,
                )
            )
        queued = OutgoingEmail(
            brokerage_id=c.brokerage_id,
            lead_id=lead.id,
            to_address=lead.email,
            subject="Checking in",
            kind="campaign",
            campaign_step_id=steps[1].id,
        )
        s.add(queued)
        s.commit()
        cid, queued_id = c.id, queued.id
    page.reload()
    row = page.get_by_test_id("campaign-row").filter(has_text="Browser drip")
    expect(row.get_by_test_id("campaign-id")).to_have_text(str(cid))
    expect(row.get_by_test_id("campaign-subscribers")).to_have_text("1")
    expect(row.get_by_test_id("stat-opened")).to_have_text("2 67%")
    row.get_by_test_id("campaign-name").locator("button").click()
    expect(page.get_by_test_id("step-row")).to_have_count(2)
    first_step = page.get_by_test_id("step-row").nth(0)
    for key, text in [
        ("sent", "4"),
        ("delivered", "3 75%"),
        ("opened", "2 67%"),
        ("clicked", "1 33%"),
        ("unsubscribed", "1 33%"),
        ("bounced", "1 25%"),
    ]:
        expect(first_step.get_by_test_id(f"stat-{key}")).to_have_text(text)
    expect(page.get_by_test_id("step-row").nth(1).get_by_test_id("stat-opened")).to_have_text("0 —")
    shot(page, "campaigns_broker_stats")
    choice = page.get_by_test_id("preview-lead").locator("option").nth(1)
    lead_id = int(choice.get_attribute("value"))
    page.get_by_test_id("preview-lead").select_option(str(lead_id))
    with Session(engine) as s:
        first = s.get_one(Lead, lead_id).first_name or "there"
    page.get_by_test_id("campaign-preview").click()
    expect(page.get_by_test_id("preview-out")).to_contain_text(f"Hello {first}")
    shot(page, "campaigns_broker_preview")
    page.get_by_test_id("campaign-pause").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Paused")
    expect(page.get_by_text("1 queued email pulled back")).to_be_visible()
    with Session(engine) as s:
        assert s.get_one(Campaign, cid).active is False
        assert s.get_one(OutgoingEmail, queued_id).status == "canceled"


def test_agent_sees_marketing_read_only(page, signed_in, shot):
    signed_in(page, "agent", path="/marketing")
    expect(page.get_by_text("Read-only: brokers manage these")).to_be_visible()
    expect(page.get_by_test_id("market-new")).to_have_count(0)
    expect(page.get_by_test_id("market-edit")).to_have_count(0)
    page.get_by_test_id("market-preview").first.click()
    expect(page.get_by_test_id("report-preview")).to_have_count(3)
    shot(page, "markets_agent_preview")
    page.get_by_role("button", name="Close").click()
    page.get_by_test_id("marketing-tab-campaigns").click()
    expect(page.get_by_test_id("campaign-row").first).to_be_visible()
    expect(page.get_by_test_id("campaign-new")).to_have_count(0)
    page.get_by_test_id("campaign-name").first.locator("button").click()
    expect(page.get_by_test_id("campaign-detail")).to_be_visible()
    expect(page.get_by_test_id("campaign-pause")).to_have_count(0)
    expect(page.get_by_test_id("step-up")).to_have_count(0)
    shot(page, "campaigns_agent")


def test_broker_edits_greetings_in_settings(page, signed_in, engine, shot):
    from leadapp.models import CommSettings

    signed_in(page, "broker", path="/settings")
    section = page.get_by_test_id("greetings-section")
    expect(section).to_be_visible()
    section.locator("input[name=hour]").fill("10")
    section.locator("input[name=birthday_subject]").fill("Happy birthday {firstname}")
    page.get_by_test_id("greet-save").click()
    expect(page.get_by_test_id("greet-error-birthday")).to_contain_text("unknown merge field")
    section.locator("input[name=birthday_subject]").fill("Happy birthday, {first_name}")
    page.get_by_test_id("greet-anniversary-on").click()
    page.get_by_test_id("greet-save").click()
    expect(page.get_by_text("Greetings and alert hours saved.")).to_be_visible()
    with Session(engine) as s:
        cs = s.get_one(CommSettings, 1)
        assert cs.greeting_hour == 10 and cs.greetings["anniversary"]["on"] is False
    section.scroll_into_view_if_needed()
    shot(page, "settings_greetings_broker")


def test_agent_sees_no_greetings_settings(page, signed_in):
    signed_in(page, "agent", path="/settings")
    expect(page.get_by_text("Only brokers change the brokerage's lead settings.")).to_be_visible()
    expect(page.get_by_test_id("greetings-section")).to_have_count(0)
