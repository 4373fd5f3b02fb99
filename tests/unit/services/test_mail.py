"""C5: queued email is really delivered over SMTP and marked sent."""

import pytest

from leadapp.models import OutgoingEmail
from leadapp.services import mail
from tests.unit.mail_helpers import SmtpServer


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server.port, server.handler


def test_queued_email_is_delivered_and_marked_sent(session, org, make_lead, smtp_server):
    port, handler = smtp_server
    lead = make_lead(org.agent, email="buyer@example.com")
    mail.queue(
        session,
        brokerage_id=org.brokerage.id,
        lead_id=lead.id,
        to=lead.email,
        subject="Homes you may like",
        body="Three new listings.",
        kind="message",
        created_by_id=org.agent.id,
    )
    mail.queue(
        session,
        brokerage_id=org.brokerage.id,
        lead_id=lead.id,
        to=lead.email,
        subject="text",
        body="hi",
        kind="campaign",
        channel="text",
    )
    session.commit()
    cfg = {
        "host": "127.0.0.1",
        "port": port,
        "user": "",
        "password": "",
        "sender": "office@bayside.test",
        "starttls": False,
    }
    assert mail.deliver_queued(session, settings=cfg) == (1, 0)
    assert len(handler.messages) == 1
    env = handler.messages[0]
    assert env.rcpt_tos == ["buyer@example.com"] and b"Three new listings." in env.content
    rows = {r.channel: r for r in session.exec(__import__("sqlmodel").select(OutgoingEmail)).all()}
    assert rows["email"].status == "sent" and rows["email"].sent_at is not None
    assert rows["text"].status == "queued"  # texts wait for an SMS gateway


def test_without_smtp_host_mail_stays_queued(session, org):
    mail.queue(
        session,
        brokerage_id=org.brokerage.id,
        to="x@example.com",
        subject="s",
        body="b",
        kind="notice",
    )
    session.commit()
    cfg = {"host": "", "port": 25, "user": "", "password": "", "sender": "x", "starttls": False}
    assert mail.deliver_queued(session, settings=cfg) == (0, 0)
