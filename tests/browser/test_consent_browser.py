"""Texting consent (TCPA) on the lead page: the agent records consent and its withdrawal with
how; every change is listed with who and when; another agent's view has no editor."""

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import HistoryEntry, Lead, User


def _lead_without_consent(engine, email="avery@demo.leadapp.io"):

    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.email) == email)).one()
        lead = s.exec(
            select(Lead)
            .where(
                col(Lead.assigned_agent_id) == agent.id,
                col(Lead.status) == "active",
                col(Lead.texting_consent) == False,  # noqa: E712
            )
            .order_by(col(Lead.id))
        ).first()
        assert lead is not None
        return lead.id, agent.name


def test_agent_records_and_withdraws_texting_consent(page, signed_in, server, engine, shot):

    lead_id, agent_name = _lead_without_consent(engine)
    signed_in(page, "agent")
    page.goto(f"{server}/leads/{lead_id}")
    expect(page.get_by_test_id("lead-name")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("consent-state")).to_have_text("No")
    page.get_by_test_id("consent-open").click()
    dialog = page.get_by_test_id("consent-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("consent-dialog-state")).to_have_text("Not given")
    # how is required: nothing is recorded without it
    page.get_by_test_id("consent-save").click()
    expect(page.get_by_test_id("error-consent_method")).to_contain_text("Say how consent")
    page.get_by_test_id("consent-method").select_option("verbal")
    page.get_by_test_id("consent-note").fill("Asked at the open house")
    shot(page, "lead_consent_editor")
    page.get_by_test_id("consent-save").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("consent-state")).to_have_text("Yes")
    expect(page.get_by_test_id("consent-line")).to_contain_text("Given verbally")
    expect(page.get_by_test_id("consent-line")).to_contain_text(f"recorded by {agent_name}")
    shot(page, "lead_consent_given")
    with Session(engine) as s:
        assert s.get_one(Lead, lead_id).texting_consent is True
    # withdraw: the dialog offers the withdrawal methods and lists the change made
    page.get_by_test_id("consent-open").click()
    expect(page.get_by_test_id("consent-change")).to_have_count(1)
    expect(page.get_by_test_id("consent-change").first).to_contain_text("Asked at the open house")
    page.get_by_test_id("consent-method").select_option("stop")
    page.get_by_test_id("consent-save").click()
    expect(page.get_by_test_id("consent-state")).to_have_text("No")
    page.get_by_test_id("consent-open").click()
    expect(page.get_by_test_id("consent-change")).to_have_count(2)
    expect(page.get_by_test_id("consent-change").first).to_contain_text("Withdrawn")
    shot(page, "lead_consent_history")
    with Session(engine) as s:
        titles = s.exec(
            select(col(HistoryEntry.title))
            .where(
                col(HistoryEntry.lead_id) == lead_id, col(HistoryEntry.field) == "texting_consent"
            )
            .order_by(col(HistoryEntry.id))
        ).all()
        assert titles == [
            "Texting consent given verbally (phone or in person), noted by the agent",
            "Texting consent withdrawn by replying STOP",
        ]
