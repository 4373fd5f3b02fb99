"""C5 replies stop drips: POST /api/v1/mail/inbound files the reply, tells the agent,
pauses the lead's campaigns; bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from leadapp.models import Campaign, CampaignStep, HistoryEntry, Lead, OutgoingEmail, utcnow
from leadapp.services import apikeys, lead_page, lead_subscriptions
from leadapp.services.rows import id_of
from tests.unit.mail_helpers import queue_for_lead


@pytest.fixture
def setup(session, org, make_lead, smtp, key, anon):
    """Rae, subscribed to a one-step campaign, got its welcome email; the API (no key sent
    by itself) and the brokerage's key."""
    lead = make_lead(org.agent, email="rae@example.com", first_name="Rae")
    camp = Campaign(brokerage_id=org.brokerage.id, name="Welcome drip")
    session.add(camp)
    session.flush()
    session.add(CampaignStep(campaign_id=id_of(camp), position=1, subject="Hi", body="Hello"))
    session.commit()
    lead_subscriptions.subscribe_campaign(session, org.agent, lead.id, camp.id)
    queue_for_lead(session, lead, "Welcome", "Hello Rae", kind="campaign")
    session.commit()
    smtp.deliver(session)
    sent = session.exec(select(OutgoingEmail)).one()
    return lead, sent, key, anon


def _reply(in_reply_to: str, sender="Rae <rae@example.com>", msgid="<r1@example.com>") -> bytes:
    return (
        f"From: {sender}\r\nTo: avery@bayside.test\r\nSubject: Re: Welcome\r\n"
        f"Message-ID: {msgid}\r\nIn-Reply-To: {in_reply_to}\r\n"
        "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n"
        "Yes, I'd love to see the Oak Street house.\r\n\r\n"
        "On Mon, Nov 30, 2026 at 9:00 AM Avery wrote:\r\n> Hello Rae\r\n"
    ).encode()


def test_reply_is_filed_paused_and_the_agent_told(session, org, setup):

    lead, sent, key, client = setup
    post = lambda raw, k=key: client.post(  # noqa: E731
        "/api/v1/mail/inbound", content=raw, headers={"Authorization": f"Bearer {k}"}
    )
    r = post(_reply(sent.message_id, sender="someone-else@example.org"))
    assert r.status_code == 201 and r.json()["matched_by"] == "in_reply_to"
    assert r.json()["paused"] == 1
    session.expire_all()
    entry = session.exec(select(HistoryEntry).where(col(HistoryEntry.kind) == "reply")).one()
    assert entry.title == "Re: Welcome".join(["Reply: ", ""]) and "Oak Street" in entry.body
    assert "Hello Rae" not in entry.body  # the quoted original is left out
    assert session.get_one(Lead, lead.id).active_subscriptions == 0
    notice = session.exec(select(OutgoingEmail).where(col(OutgoingEmail.kind) == "notice")).one()
    assert notice.to_address == org.agent.email and "replied" in notice.subject
    msgs = lead_page.messages_page(session, org.agent, lead.id)
    assert any(m["kind"] == "reply" and m["who"] == "The lead" for m in msgs["rows"])
    # the provider delivering it again files nothing new
    assert post(_reply(sent.message_id)).status_code == 200
    session.expire_all()
    assert (
        len(session.exec(select(HistoryEntry).where(col(HistoryEntry.kind) == "reply")).all()) == 1
    )
    # matched by the sender's address when there is no In-Reply-To of ours
    r = post(_reply("<unknown@x>", msgid="<r2@example.com>"))
    assert r.status_code == 201 and r.json()["matched_by"] == "sender"


def test_a_reply_cancels_the_campaign_email_still_queued(session, org, setup):
    from datetime import timedelta

    from leadapp.models import CampaignSubscription
    from leadapp.services import campaigns

    lead, sent, key, client = setup
    assert campaigns.send_due_steps(session, utcnow() + timedelta(minutes=1)) == 1
    session.commit()
    r = client.post(
        "/api/v1/mail/inbound",
        content=_reply(sent.message_id),
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 201 and r.json()["paused"] == 1
    session.expire_all()
    step = session.exec(
        select(OutgoingEmail).where(col(OutgoingEmail.campaign_step_id).is_not(None))
    ).one()
    assert (step.status, step.error) == ("canceled", "The lead replied")
    sub = session.exec(select(CampaignSubscription)).one()
    assert (sub.status, sub.next_position) == ("inactive", 1)
    assert session.get_one(Lead, lead.id).active_subscriptions == 0


def test_bad_inbound_requests_change_nothing(session, org, other_org, setup):

    lead, sent, key, client = setup
    _, other_key = apikeys.create_key(session, other_org.broker, "x")
    session.commit()
    url = "/api/v1/mail/inbound"
    assert client.post(url, content=_reply(sent.message_id)).status_code == 401
    bad = client.post(url, content=b"\x00\x01 not mail", headers={"X-Api-Key": key})
    assert bad.status_code == 422
    stranger = _reply("<nope@x>", sender="nobody@example.net")
    assert client.post(url, content=stranger, headers={"X-Api-Key": key}).status_code == 404
    # another brokerage's key does not reach this lead
    r = client.post(url, content=_reply(sent.message_id), headers={"X-Api-Key": other_key})
    assert r.status_code == 404
    session.expire_all()
    assert not session.exec(select(HistoryEntry).where(col(HistoryEntry.kind) == "reply")).all()
    assert session.get_one(Lead, lead.id).active_subscriptions == 1
