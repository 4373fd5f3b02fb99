"""C5/C6 in the browser: the outbox as broker and agent, the unsubscribe page, and a
campaign email clicked -> the lead's activity and rating move."""

from __future__ import annotations

import re
import secrets
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Activity, EmailSuppression, Lead, OutgoingEmail, User
from leadapp.services import leads as lead_svc
from tests.matching import found
from tests.unit.mail_helpers import SmtpServer, queue_for_lead


@pytest.fixture
def public_url(server, monkeypatch):
    monkeypatch.setenv("REFLEX_LEADAPP_PUBLIC_URL", server)
    return server


def _user(s, email):

    return s.exec(select(User).where(col(User.email) == email)).one()


def _new_lead(engine, agent_email="avery@demo.leadapp.io", first="Casey"):
    with Session(engine, expire_on_commit=False) as s:
        agent = _user(s, agent_email)
        lead = lead_svc.create_lead(
            s,
            agent,
            {"email": f"{first.lower()}-{secrets.token_hex(3)}@example.com", "first_name": first},
        )
        s.commit()
        return lead, agent


def _deliver_campaign(engine, lead, agent, target: str) -> tuple[str, str]:
    """Queue and deliver one campaign email to `lead`; returns its HTML and its
    List-Unsubscribe header."""

    with Session(engine, expire_on_commit=False) as s:
        row = queue_for_lead(
            s,
            lead,
            "Homes picked for you",
            f"Hi {lead.first_name},\n\nThree homes came on the market near you.",
            kind="campaign",
            template="listings",
            context={
                "listings": [
                    {
                        "price": "$615,000",
                        "street": "48 Bay View Rd",
                        "city": "Bayside",
                        "facts": "3 bd · 2 ba · 1,640 sq ft",
                        "url": target,
                        "photo_url": "",
                    }
                ],
                "cta": {"label": "See the homes", "url": target},
            },
        )
        s.commit()
        with SmtpServer() as smtp:
            # only this email: deliver from a session that sees just it
            s.exec(select(OutgoingEmail).where(col(OutgoingEmail.id) == row.id)).one()
            smtp.deliver(s, limit=10_000)
            msgs = [smtp.handler.parsed(i) for i in range(len(smtp.handler.messages))]
        mine = next(m for m in msgs if m["To"] == lead.email)
        html = mine.get_body(("html",))
        assert html is not None
        return html.get_content(), mine["List-Unsubscribe"]


def test_outbox_as_broker_and_agent(page, signed_in, server, engine, shot):
    lead, agent = _new_lead(engine, first="Outboxa")
    other, _ = _new_lead(engine, agent_email="jordan@demo.leadapp.io", first="Outboxj")
    with Session(engine) as s:
        queue_for_lead(s, other, "Jordan's note to Outboxj", "See you Saturday.")
        failed = queue_for_lead(
            s,
            lead,
            "Avery's note to Outboxa",
            "Here is the disclosure packet.\n\nBest,\nAvery",
            created_by_id=agent.id,
        )
        s.commit()
        failed.status, failed.error, failed.attempts = "failed", "421 4.3.0 mailbox busy", 5
        s.add(failed)
        s.commit()
        failed_id = failed.id

    signed_in(page, "broker", path="/outbox")
    expect(page.get_by_test_id("outbox-row").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Jordan's note to Outboxj")).to_be_visible()
    shot(page, "outbox_broker")
    page.goto(f"{server}/outbox?status=failed")
    row = page.get_by_test_id("outbox-row").filter(has_text="Avery's note to Outboxa")
    expect(row).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("outbox-row").filter(has_text="Outboxj")).to_have_count(0)
    row.get_by_test_id("outbox-open").click()
    expect(page.get_by_test_id("outbox-dialog")).to_be_visible()
    frame = page.frame_locator("[data-testid=outbox-email-html]")
    expect(frame.get_by_text("Here is the disclosure packet.")).to_be_visible()
    shot(page, "outbox_email_dialog", full_page=False)
    page.get_by_test_id("outbox-dialog").get_by_role("button", name="Retry").click()
    expect(page.get_by_test_id("outbox-dialog")).to_have_count(0)
    with Session(engine) as s:
        assert s.get_one(OutgoingEmail, failed_id).status == "queued"

    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    signed_in(page, "agent", path="/outbox")
    expect(page.get_by_test_id("outbox-row").filter(has_text="Outboxa").first).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("Jordan's note to Outboxj")).to_have_count(0)
    shot(page, "outbox_agent")


def test_unsubscribe_page_saves_the_leads_choice(page, public_url, signed_in, engine, shot):

    lead, agent = _new_lead(engine, first="Unsubby")
    html, header = _deliver_campaign(engine, lead, agent, f"{public_url}/login")
    link = found(r"<(\S+/api/v1/mail/u/[\w-]+)>", header)
    assert link in html
    page.goto(link)
    expect(page.get_by_test_id("unsub-address")).to_have_text(lead.email)
    shot(page, "unsubscribe_page")
    page.get_by_test_id("unsub-kind-greeting").check()
    page.get_by_test_id("unsub-kind-market_report").check()
    page.get_by_test_id("unsub-save").click()
    expect(page.get_by_test_id("unsub-saved")).to_be_visible()
    expect(page.get_by_test_id("unsub-kind-greeting")).to_be_checked()
    shot(page, "unsubscribe_saved")
    with Session(engine) as s:
        kinds = {
            r.kind
            for r in s.exec(
                select(EmailSuppression).where(col(EmailSuppression.address) == lead.email)
            ).all()
        }
    assert kinds == {"greeting", "market_report"}
    # a mail client's one-click POST unsubscribes from everything at once
    req = urllib.request.Request(link, data=b"List-Unsubscribe=One-Click", method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
    page.reload()
    expect(page.get_by_test_id("unsub-kind-all")).to_be_checked()
    page.goto(link[:-4] + "abcd")
    expect(page.get_by_text("This link is not valid")).to_be_visible()
    # the lead page shows it with its date, and the agent cannot enrol the lead again
    signed_in(page, "agent", path=f"/leads/{lead.id}")
    page.get_by_test_id("tab-subscriptions").click()
    expect(
        page.get_by_test_id("email-status").filter(has_text="all marketing email")
    ).to_contain_text("Unsubscribed from all marketing email on")
    shot(page, "lead_unsubscribed_status")


def test_campaign_email_click_moves_activity_and_rating(page, public_url, signed_in, engine, shot):

    lead, agent = _new_lead(engine, first="Clicky")
    target = f"{public_url}/login?from=email"
    html, _ = _deliver_campaign(engine, lead, agent, target)
    click = found(r'href="(\S+/api/v1/mail/c/[\w-]+)"', html)
    page.goto(click)
    expect(page).to_have_url(re.compile(r"/login/?\?from=email"))
    with Session(engine) as s:
        for _ in range(50):
            acts = s.exec(select(Activity).where(col(Activity.lead_id) == lead.id)).all()
            if acts:
                break
            page.wait_for_timeout(200)
        assert [a.kind for a in acts] == ["email_click"]
        assert s.get_one(Lead, lead.id).rating_score > 0
        row = s.exec(select(OutgoingEmail).where(col(OutgoingEmail.lead_id) == lead.id)).one()
        assert row.click_count == 1 and row.clicked_at is not None
    signed_in(page, "agent", path=f"/leads/{lead.id}")
    expect(page.get_by_test_id("activity-row").filter(has_text="Email click")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_test_id("rating-reason")).to_contain_text("click")
    shot(page, "lead_after_email_click")
    # the Messages tab lists the campaign email with its state and who sent it
    page.get_by_test_id("tab-messages").click()
    row = page.get_by_test_id("lead-mail-row").filter(has_text="Homes picked for you")
    expect(row).to_contain_text("Clicked")
    expect(row).to_contain_text("Campaign")
    shot(page, "lead_messages_all_mail")
    page.get_by_test_id("lead-outbox-link").click()
    expect(page.get_by_test_id("outbox-lead")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("outbox-row")).to_have_count(1)
    page.get_by_test_id("outbox-open").click()
    frame = page.frame_locator("[data-testid=outbox-email-html]")
    expect(frame.get_by_text("48 Bay View Rd")).to_be_visible()
    shot(page, "outbox_campaign_email_as_sent", full_page=False)


def test_broker_sets_the_email_identity_agent_does_not_see_it(page, signed_in, engine, shot):
    from leadapp.models import BrokerageMail

    signed_in(page, "broker", path="/settings")
    section = page.get_by_test_id("mail-settings")
    expect(section).to_be_visible(timeout=30_000)
    page.get_by_test_id("mail-brand_color").fill("#0a5c7d")
    page.get_by_test_id("mail-postal_address").fill("200 Main St, Oakland, CA 94612")
    page.get_by_test_id("mail-logo_url").fill("javascript:alert(1)")
    page.get_by_test_id("save-mail-settings").click()
    expect(section.get_by_text("The logo is a https:// address")).to_be_visible()
    page.get_by_test_id("mail-logo_url").fill("")
    page.get_by_test_id("save-mail-settings").click()
    expect(page.get_by_text("Email settings saved.")).to_be_visible()
    section.scroll_into_view_if_needed()
    shot(page, "settings_email_broker")
    with Session(engine) as s:
        m = s.exec(select(BrokerageMail)).one()
        assert (m.brand_color, m.postal_address) == ("#0a5c7d", "200 Main St, Oakland, CA 94612")
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    signed_in(page, "agent", path="/settings")
    expect(page.get_by_text("Only brokers change the brokerage's lead settings.")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_test_id("mail-settings")).to_have_count(0)
