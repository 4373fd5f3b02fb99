"""C5: queued email is really delivered over SMTP and marked sent."""

from sqlmodel import select

from leadapp.models import OutgoingEmail
from leadapp.services import mail
from tests.unit.mail_helpers import SmtpServer, queue_for_lead


def test_queued_email_is_delivered_and_marked_sent(session, org, make_lead, smtp: SmtpServer):
    lead = make_lead(org.agent, email="buyer@example.com")
    queue_for_lead(
        session, lead, "Homes you may like", "Three new listings.", created_by_id=org.agent.id
    )
    queue_for_lead(session, lead, "text", "hi", kind="campaign", channel="text")
    session.commit()
    assert smtp.deliver(session) == (1, 0)
    assert len(smtp.handler.messages) == 1
    env = smtp.handler.messages[0]
    assert env.rcpt_tos == ["buyer@example.com"] and b"Three new listings." in env.content
    rows = {r.channel: r for r in session.exec(select(OutgoingEmail)).all()}
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
