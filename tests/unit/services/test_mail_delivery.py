"""C5/C6: email rendered from the template set, signed, tracked, refused, retried, claimed."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import dkim
import pytest
from sqlmodel import Session, col, select

from leadapp.models import Activity, BrokerageMail, EmailSuppression, Lead, OutgoingEmail, utcnow
from leadapp.services import mail, mail_clicks, mail_tracking
from tests.matching import found
from tests.unit.mail_helpers import dkim_keypair, queue_for_lead


def _message(session, lead, subject: str, body: str, **kw):
    """A one-to-one message to the lead, queued and committed."""
    row = queue_for_lead(session, lead, subject, body, **kw)
    session.commit()
    return row


def _campaign_email(session, lead, **kw):
    """A marketing email with a listing and a button, queued and committed."""
    row = queue_for_lead(
        session,
        lead,
        "Spring market update",
        "Hi Ann,\n\nPrices rose 3% this month.",
        kind="campaign",
        template="listings",
        context={
            "listings": [
                {
                    "price": "$450,000",
                    "street": "12 Oak St",
                    "city": "Bayside",
                    "facts": "3 bd · 2 ba",
                    "url": "https://homes.example/listing/12-oak",
                    "photo_url": "",
                }
            ],
            "cta": {"label": "See all homes", "url": "https://homes.example/search"},
        },
        **kw,
    )
    session.commit()
    return row


def test_marketing_email_has_both_parts_headers_and_working_tracking(session, org, make_lead, smtp):
    session.add(
        BrokerageMail(
            brokerage_id=org.brokerage.id,
            sending_address="mail@bayside.test",
            postal_address="1 Harbor Way, Bayside CA 94000",
            brand_color="#0a7d4f",
        )
    )
    lead = make_lead(org.agent, email="ann@example.com", first_name="Ann")
    row = _campaign_email(session, lead)
    assert smtp.deliver(session) == (1, 0)
    msg = smtp.handler.parsed()
    assert smtp.handler.messages[0].mail_from == "mail@bayside.test"
    assert org.agent.name in msg["From"] and "mail@bayside.test" in msg["From"]
    assert msg["Reply-To"] == org.agent.email
    unsub = re.fullmatch(r"<(https?://\S+/api/v1/mail/u/[\w-]+)>", msg["List-Unsubscribe"].strip())
    assert unsub and msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert "12 Oak St" in html and "12 Oak St" in text and "Prices rose 3%" in text
    assert "1 Harbor Way" in html and unsub.group(1) in html and unsub.group(1) in text
    assert "#0a7d4f" in html
    # every link is a signed redirect; the pixel is there; no URL or address in clear
    assert "https://homes.example" not in html
    clicks = re.findall(r"/api/v1/mail/c/([\w-]+)", html)
    pixel = found(r"/api/v1/mail/o/([\w-]+)\.gif", html)
    assert len(set(clicks)) == 2 and "ann" not in "".join(clicks).lower()
    session.refresh(row)
    assert row.status == "sent" and row.raw_message and row.message_id == msg["Message-ID"]

    # a fetch within seconds of delivery is a proxy's, later one a real open
    assert row.sent_at is not None
    assert mail_tracking.record_open(session, pixel, now=row.sent_at + timedelta(seconds=2))
    assert mail_tracking.record_open(session, pixel, now=row.sent_at + timedelta(minutes=5))
    session.commit()
    session.refresh(row)
    assert (row.open_count, row.machine_open_count) == (1, 1) and row.opened_at is not None

    before = session.get_one(Lead, lead.id).rating_score
    urls = {mail_clicks.record_click(session, tok) for tok in clicks}
    assert mail_clicks.record_click(session, clicks[0]) is not None
    session.commit()
    assert urls == {"https://homes.example/listing/12-oak", "https://homes.example/search"}
    session.refresh(row)
    assert row.click_count == 3 and row.clicked_at is not None
    acts = session.exec(select(Activity).where(col(Activity.lead_id) == lead.id)).all()
    assert [a.kind for a in acts] == ["email_click"]  # once per email
    session.expire_all()
    assert session.get_one(Lead, lead.id).rating_score > before

    # a tampered token or a link number the email does not have changes nothing
    bad = clicks[0][:-2] + ("AA" if clicks[0][-2:] != "AA" else "BB")
    assert mail_clicks.record_click(session, bad) is None
    assert mail_clicks.record_click(session, pixel) is None  # an open token is no click
    assert not mail_tracking.record_open(session, "x" * 30)


def test_one_to_one_message_has_no_unsubscribe(session, org, make_lead, smtp):
    lead = make_lead(org.agent, email="bo@example.com")
    _message(session, lead, "Our call", "Thanks for the call.", created_by_id=org.agent.id)
    assert smtp.deliver(session) == (1, 0)
    msg = smtp.handler.parsed()
    assert msg["List-Unsubscribe"] is None
    assert "Unsubscribe" not in msg.get_body(("html",)).get_content()


def test_dkim_signature_verifies(session, org, make_lead, smtp, tmp_path):
    private, public = dkim_keypair(tmp_path)
    session.add(
        BrokerageMail(
            brokerage_id=org.brokerage.id,
            sending_address="mail@bayside.test",
            dkim_domain="bayside.test",
            dkim_selector="lead2026",
            dkim_private_key=private,
        )
    )
    lead = make_lead(org.agent, email="cy@example.com")
    _campaign_email(session, lead)
    assert smtp.deliver(session) == (1, 0)
    raw = smtp.handler.messages[0].original_content
    assert raw.startswith(b"DKIM-Signature:")
    sig = raw.split(b"\r\n\r\n")[0]
    assert b"list-unsubscribe" in sig.lower()

    def dns(name, timeout=5):
        assert name == b"lead2026._domainkey.bayside.test."
        return f"v=DKIM1; k=rsa; p={public}".encode()

    assert dkim.verify(raw, dnsfunc=dns)
    assert not dkim.verify(raw.replace(b"Prices rose", b"Prices fell"), dnsfunc=dns)


def test_550_refusal_bounces_and_suppresses(session, org, make_lead, smtp):
    lead = make_lead(org.agent, email="gone@example.com")
    smtp.handler.script["gone@example.com"] = ["550 5.1.1 No such user"]
    row = _campaign_email(session, lead)
    assert smtp.deliver(session) == (0, 1)
    session.refresh(row)
    assert row.status == "bounced" and "550" in row.error
    sup = session.exec(select(EmailSuppression)).one()
    assert (sup.address, sup.kind, sup.lead_id) == ("gone@example.com", "bounced", lead.id)
    assert mail_tracking.lead_mail_status(session, lead)["bounced"] is not None
    # nothing more goes to it, not even a one-to-one message
    again = _message(session, lead, "Hello", "x")
    assert smtp.deliver(session) == (0, 1)
    session.refresh(again)
    assert again.status == "skipped" and len(smtp.handler.messages) == 0


def test_451_retries_with_backoff_then_succeeds(session, org, make_lead, smtp):
    lead = make_lead(org.agent, email="busy@example.com")
    smtp.handler.script["busy@example.com"] = ["451 4.7.1 Try again later"]
    row = _campaign_email(session, lead)
    t0 = utcnow()
    assert smtp.deliver(session, now=t0) == (0, 1)
    session.refresh(row)
    assert row.status == "queued" and row.attempts == 1 and "451" in row.error
    # not due yet: nothing happens
    assert smtp.deliver(session, now=t0 + timedelta(seconds=10)) == (
        0,
        0,
    )
    assert smtp.deliver(session, now=t0 + timedelta(minutes=2)) == (
        1,
        0,
    )
    session.refresh(row)
    assert row.status == "sent" and row.attempts == 2 and len(smtp.handler.messages) == 1


def test_temporary_failures_give_up_after_the_limit(session, org, make_lead, smtp):
    lead = make_lead(org.agent, email="never@example.com")
    smtp.handler.script["never@example.com"] = ["421 4.3.0 Not now"] * 10
    row = _campaign_email(session, lead)
    t = utcnow()
    for _ in range(mail.MAX_ATTEMPTS):
        smtp.deliver(session, now=t)
        t += timedelta(hours=3)
    session.refresh(row)
    assert row.status == "failed" and row.attempts == mail.MAX_ATTEMPTS and "421" in row.error
    mail.retry_now(session, row)
    session.commit()
    assert session.get_one(OutgoingEmail, row.id).status == "queued"


def test_unreachable_server_keeps_mail_queued_for_later(session, org, make_lead):
    lead = make_lead(org.agent, email="d@example.com")
    row = _campaign_email(session, lead)
    cfg = {"host": "127.0.0.1", "port": 9, "user": "", "password": "", "sender": "x@y.test"}
    assert mail.deliver_queued(session, settings=cfg) == (0, 1)
    session.refresh(row)
    assert row.status == "queued" and row.attempts == 1 and row.next_attempt_at is not None


def test_unsubscribed_address_gets_no_marketing_but_messages(session, org, make_lead, smtp):
    lead = make_lead(org.agent, email="optout@example.com")
    first = _campaign_email(session, lead)
    smtp.deliver(session)
    token = found(r"/mail/u/([\w-]+)", smtp.handler.parsed()["List-Unsubscribe"])
    assert mail_tracking.one_click(session, token)
    session.commit()
    assert mail_tracking.lead_mail_status(session, lead)["unsubscribed"].keys() == {"all"}
    _campaign_email(session, lead)
    _message(session, lead, "Re: the house", "Sure.", created_by_id=org.agent.id)
    assert smtp.deliver(session) == (1, 1)
    statuses = session.exec(
        select(col(OutgoingEmail.kind), col(OutgoingEmail.status)).where(
            col(OutgoingEmail.id) > first.id
        )
    ).all()
    assert sorted(statuses) == [("campaign", "skipped"), ("message", "sent")]
    # the lead's own page choice: only greetings refused, campaigns welcome again
    mail_tracking.set_preferences(session, first, {"greeting"})
    session.commit()
    assert mail_tracking.lead_mail_status(session, lead)["unsubscribed"].keys() == {"greeting"}


def test_two_workers_delivering_at_once_send_each_email_once(engine, org, make_lead, smtp):
    with Session(engine) as s:
        for i in range(30):
            mail.queue(
                s,
                brokerage_id=org.brokerage.id,
                to=f"lead{i}@example.com",
                subject=f"Note {i}",
                body="x",
                kind="notice",
            )
        s.commit()
    results, errors = [], []

    def work():
        try:
            with Session(engine) as s:
                results.append(smtp.deliver(s, limit=30))
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r[0] for r in results) == 30
    sent_to = sorted(a for m in smtp.handler.messages for a in m.rcpt_tos)
    assert sent_to == sorted(f"lead{i}@example.com" for i in range(30))


def test_lead_list_filter_email_bounced(session, org, make_lead, smtp):
    from leadapp.services import lead_query

    gone = make_lead(org.agent, email="Bounce.Me@example.com")
    make_lead(org.agent, email="fine@example.com")
    smtp.handler.script["bounce.me@example.com"] = ["550 5.1.1 unknown"]
    _campaign_email(session, gone)
    smtp.deliver(session)
    q = lead_query.LeadQuery.parse({"email": "bounced"})
    assert q.filters() == {"email": "bounced"} and q.filter_count == 1
    ids = lead_query.matching_ids(session, org.broker, q.filters())
    assert list(ids) == [gone.id]
    assert lead_query.count(session, org.broker, q) == 1
    assert lead_query.LeadQuery.parse({"email": "nonsense"}).email == ""


def test_staff_cannot_resubscribe_a_lead_who_unsubscribed(session, org, make_lead):
    from leadapp.models import Campaign
    from leadapp.services import lead_bulk, lead_subscriptions
    from leadapp.services.errors import ServiceError

    lead = make_lead(org.agent, email="no-more@example.com")
    other = make_lead(org.agent, email="yes@example.com")
    camp = Campaign(brokerage_id=org.brokerage.id, name="Welcome")
    session.add(camp)
    session.commit()
    row = _campaign_email(session, lead)
    mail_tracking.set_preferences(session, row, {"campaign"})
    session.commit()
    with pytest.raises(ServiceError, match="unsubscribed from campaign emails"):
        lead_subscriptions.subscribe_campaign(session, org.agent, lead.id, camp.id)
    session.rollback()
    assert lead_bulk.subscribe_campaign(session, org.broker, [lead.id, other.id], camp.id) == 1
    session.commit()
    subs = lead_subscriptions.subscriptions(session, org.agent, lead.id)
    assert subs["campaigns"] == []
    assert subs["email_status"][0].startswith("Unsubscribed from campaign emails on ")
    # the lead's own choice undoes it
    mail_tracking.set_preferences(session, row, set())
    session.commit()
    lead_subscriptions.subscribe_campaign(session, org.agent, lead.id, camp.id)
