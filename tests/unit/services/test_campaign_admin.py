"""C2 campaigns: steps with merge fields, pause/resume, one email per step, preview, reorder."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import CampaignStep, CampaignSubscription, utcnow
from leadapp.services import campaign_admin, campaigns, lead_subscriptions
from leadapp.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests.unit.mail_helpers import emails_of_kind

TWO_STEPS = {
    "name": "New buyer drip",
    "description": "Two emails",
    "steps": [
        {
            "channel": "email",
            "delay_days": "0",
            "subject": "Welcome {first_name}",
            "body": "Hi {first_name}, I'm {agent_name} ({agent_phone}).",
        },
        {"channel": "email", "delay_days": "3", "subject": "Still looking?", "body": "Hi again"},
    ],
}


def setup_campaign(session, org, make_lead):
    org.agent.phone = "510-555-0101"
    session.add(org.agent)
    c = campaign_admin.save_campaign(session, org.broker, None, TWO_STEPS)
    session.commit()
    lead = make_lead(org.agent, first_name="Rita", email="rita@example.com")
    lead_subscriptions.subscribe_campaign(session, org.agent, lead.id, c.id)
    session.commit()
    return c, lead


def campaign_emails(session):
    return emails_of_kind(session, "campaign")


def test_steps_render_merge_fields_and_arrive_over_smtp(session, org, make_lead, smtp):
    c, lead = setup_campaign(session, org, make_lead)
    now = utcnow() + timedelta(minutes=1)
    assert campaigns.send_due_steps(session, now) == 1
    session.commit()
    # run again at once: the second step is 3 days away, the first is not sent twice
    assert campaigns.send_due_steps(session, now) == 0
    smtp.deliver(session)
    assert len(smtp.handler.messages) == 1
    e = campaign_emails(session)[0]
    assert e.subject == "Welcome Rita"
    assert e.body == "Hi Rita, I'm Alan Agent (510-555-0101)."
    detail = campaign_admin.campaign_detail(session, org.agent, c.id)
    assert [(s["position"], s["sent"]) for s in detail["steps"]] == [(1, 1), (2, 0)]
    assert detail["subscribers"] == 1


def test_pause_stops_pending_sends_and_resume_continues(session, org, make_lead):
    c, lead = setup_campaign(session, org, make_lead)
    now = utcnow() + timedelta(minutes=1)
    assert campaigns.send_due_steps(session, now) == 1
    session.commit()
    # the step was sent: pausing pulls back nothing, resume goes on with step 2
    first = campaign_emails(session)[0]
    first.status, first.sent_at = "sent", now
    session.add(first)
    session.commit()
    assert campaign_admin.set_active(session, org.broker, c.id, False) == 0
    session.commit()
    later = now + timedelta(days=4)
    assert campaigns.send_due_steps(session, later) == 0
    sub = session.exec(select(CampaignSubscription)).one()
    assert sub.next_position == 2 and sub.status == "active"
    campaign_admin.set_active(session, org.broker, c.id, True)
    assert campaigns.send_due_steps(session, later) == 1
    assert [e.subject for e in campaign_emails(session)] == ["Welcome Rita", "Still looking?"]
    assert session.exec(select(CampaignSubscription)).one().status == "completed"


def test_pause_cancels_queued_emails_and_resume_sends_each_step_once(session, org, make_lead):
    from leadapp.models import Lead
    from leadapp.services import rollups

    c, lead = setup_campaign(session, org, make_lead)
    other = make_lead(org.agent, first_name="Ola", email="ola@example.com")
    lead_subscriptions.subscribe_campaign(session, org.agent, other.id, c.id)
    session.commit()
    now = utcnow() + timedelta(minutes=1)
    assert campaigns.send_due_steps(session, now) == 2  # step 1 for both leads
    session.commit()
    sent, queued = campaign_emails(session)
    sent.status, sent.sent_at = "sent", now  # Rita's went out, Ola's is still queued
    session.add(sent)
    session.commit()
    ola = session.exec(
        select(CampaignSubscription).where(col(CampaignSubscription.lead_id) == other.id)
    ).one()
    assert ola.next_position == 2

    assert campaign_admin.set_active(session, org.broker, c.id, False) == 1
    session.commit()
    session.refresh(queued)
    assert (queued.status, queued.error) == ("canceled", "Campaign paused")
    session.refresh(sent)
    assert sent.status == "sent"  # what was sent stays sent
    ola = session.get(CampaignSubscription, ola.id)
    assert (ola.next_position, ola.status) == (1, "active")
    # paused: nothing is queued, whatever is due
    assert campaigns.send_due_steps(session, now + timedelta(days=5)) == 0

    campaign_admin.set_active(session, org.broker, c.id, True)
    session.commit()
    later = now + timedelta(days=5)
    assert campaigns.send_due_steps(session, later) == 2  # Ola's step 1 again, Rita's step 2
    session.commit()
    assert campaigns.send_due_steps(session, later) == 0  # nothing twice
    got = sorted(
        (e.to_address, e.subject, e.status) for e in campaign_emails(session) if e.id != queued.id
    )
    assert got == [
        ("ola@example.com", "Welcome Ola", "queued"),
        ("rita@example.com", "Still looking?", "queued"),
        ("rita@example.com", "Welcome Rita", "sent"),
    ]
    # Ola continues with step 2 three days later; Rita is done
    assert campaigns.send_due_steps(session, later + timedelta(days=3)) == 1
    session.commit()
    assert [s.status for s in session.exec(select(CampaignSubscription)).all()] == [
        "completed",
        "completed",
    ]
    assert session.get_one(Lead, other.id).active_subscriptions == 0
    assert rollups.check(session, org.brokerage.id) == []


def test_pause_leaves_an_email_a_worker_is_sending(session, org, make_lead):
    c, lead = setup_campaign(session, org, make_lead)
    now = utcnow() + timedelta(minutes=1)
    campaigns.send_due_steps(session, now)
    e = campaign_emails(session)[0]
    e.status, e.claim = "sending", "w1"  # a delivery worker claimed it first
    session.add(e)
    session.commit()
    assert campaign_admin.set_active(session, org.broker, c.id, False) == 0
    session.commit()
    session.refresh(e)
    assert e.status == "sending"
    sub = session.exec(select(CampaignSubscription)).one()
    assert sub.next_position == 2  # its claim stands: resume does not send step 1 again


def test_a_completed_subscription_pulled_back_is_active_again(session, org, make_lead):
    from leadapp.models import Lead

    c, lead = setup_campaign(session, org, make_lead)
    now = utcnow() + timedelta(minutes=1)
    campaigns.send_due_steps(session, now)
    session.commit()
    campaigns.send_due_steps(session, now + timedelta(days=3))  # the last step: completed
    session.commit()
    sub = session.exec(select(CampaignSubscription)).one()
    assert sub.status == "completed" and session.get_one(Lead, lead.id).active_subscriptions == 0
    assert campaign_admin.set_active(session, org.broker, c.id, False) == 2
    session.commit()
    session.refresh(sub)
    assert (sub.status, sub.next_position, sub.ended_at) == ("active", 1, None)
    assert session.get_one(Lead, lead.id).active_subscriptions == 1
    assert [e.status for e in campaign_emails(session)] == ["canceled", "canceled"]


def _deliver(session, email, now, status="sent"):
    email.status, email.sent_at = status, now
    session.add(email)
    session.commit()


def test_campaign_and_step_statistics_from_the_email_counters(session, org, make_lead):
    from leadapp.services import mail_tokens, mail_tracking

    c, lead = setup_campaign(session, org, make_lead)
    leads = [lead] + [
        make_lead(org.agent, first_name=f"L{i}", email=f"l{i}@example.com") for i in range(3)
    ]
    for ld in leads[1:]:
        lead_subscriptions.subscribe_campaign(session, org.agent, ld.id, c.id)
    session.commit()
    t0 = utcnow() + timedelta(minutes=1)
    assert campaigns.send_due_steps(session, t0) == 4
    session.commit()
    e1, e2, e3, e4 = campaign_emails(session)
    for e in (e1, e2, e3):
        _deliver(session, e, t0)
    _deliver(session, e4, t0, "bounced")
    tok = lambda e, p: mail_tokens.make(session, e.id, p)  # noqa: E731
    # e1: a privacy proxy's fetch at once (not an open), then a person opens twice, clicks
    mail_tracking.record_open(session, tok(e1, "open"), now=t0 + timedelta(seconds=2))
    assert e1.id is not None
    mail_tracking.record_open(session, tok(e1, "open"), now=t0 + timedelta(minutes=5))
    mail_tracking.record_open(session, tok(e1, "open"), now=t0 + timedelta(minutes=6))
    e1.links = ["https://example.com/a"]
    session.add(e1)
    session.commit()
    mail_tracking.click(session, tok(e1, "click"))
    # e2: only the proxy's fetch; e3: opened, then unsubscribed with one click
    mail_tracking.record_open(session, tok(e2, "open"), now=t0 + timedelta(seconds=1))
    mail_tracking.record_open(session, tok(e3, "open"), now=t0 + timedelta(minutes=9))
    mail_tracking.one_click(session, tok(e3, "unsubscribe"))
    # on the link's page: e2 refuses campaign emails; e1 refuses alerts only (not this kind)
    mail_tracking.set_preferences(session, e2, {"campaign"})
    mail_tracking.set_preferences(session, e1, {"alert"})
    session.commit()
    detail = campaign_admin.campaign_detail(session, org.broker, c.id)
    s1, s2 = detail["steps"]
    assert {k: s1[k] for k in campaign_admin.STATS} == {
        "sent": 4,
        "delivered": 3,
        "opened": 2,
        "clicked": 1,
        "unsubscribed": 2,
        "bounced": 1,
    }
    assert (s1["delivered_rate"], s1["bounced_rate"]) == ("75%", "25%")
    assert (s1["opened_rate"], s1["clicked_rate"], s1["unsubscribed_rate"]) == (
        "67%",
        "33%",
        "67%",
    )
    assert s2["sent"] == 0 and s2["opened_rate"] == "—"
    (row,) = campaign_admin.list_campaigns(session, org.agent)
    assert (row["sent"], row["opened"], row["clicked"], row["bounced"]) == (4, 2, 1, 1)
    assert row["opened_rate"] == "67%" and row["steps"] == 2


def test_statistics_are_one_statement_per_page(session, org, make_lead, engine):
    from sqlalchemy import event

    c, lead = setup_campaign(session, org, make_lead)
    for i in range(3):
        campaign_admin.save_campaign(session, org.broker, None, {**TWO_STEPS, "name": f"C{i}"})
    session.commit()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if "outgoing_email" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        campaign_admin.list_campaigns(session, org.broker)
        assert len(seen) == 1
        campaign_admin.campaign_detail(session, org.broker, c.id)
        assert len(seen) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_lost_position_update_never_resends_a_step(session, org, make_lead):
    """The claim key (subscription, position) holds even if the subscription row is stale."""
    c, lead = setup_campaign(session, org, make_lead)
    now = utcnow() + timedelta(minutes=1)
    assert campaigns.send_due_steps(session, now) == 1
    sub = session.exec(select(CampaignSubscription)).one()
    sub.next_position, sub.next_send_at = 1, now  # as if the step were due again
    session.add(sub)
    session.commit()
    assert campaigns.send_due_steps(session, now) == 0
    assert len(campaign_emails(session)) == 1


@pytest.mark.parametrize(
    "step, message",
    [
        ({"channel": "email", "subject": "Hi {firstname}", "body": "x"}, "unknown merge field"),
        ({"channel": "email", "subject": "", "body": "x"}, "needs a subject"),
        ({"channel": "fax", "subject": "a", "body": "x"}, "email or text"),
        ({"channel": "email", "subject": "a", "body": "x", "delay_days": "-1"}, "delay"),
    ],
)
def test_bad_steps_get_a_clear_message_and_nothing_is_stored(session, org, step, message):
    with pytest.raises(ValidationFailed) as exc:
        campaign_admin.save_campaign(session, org.broker, None, {"name": "X", "steps": [step]})
    assert message in str(exc.value.errors["step_1"])
    assert campaign_admin.list_campaigns(session, org.broker) == []


def test_agents_read_only_and_other_brokerages_invisible(session, org, other_org, make_lead):
    c, lead = setup_campaign(session, org, make_lead)
    with pytest.raises(PermissionDenied):
        campaign_admin.save_campaign(session, org.agent, None, TWO_STEPS)
    with pytest.raises(PermissionDenied):
        campaign_admin.set_active(session, org.agent, c.id, False)
    assert [r["name"] for r in campaign_admin.list_campaigns(session, org.agent)] == [
        "New buyer drip"
    ]
    with pytest.raises(NotFound):
        campaign_admin.campaign_detail(session, other_org.broker, c.id)
    with pytest.raises(NotFound):
        campaign_admin.preview(session, org.agent2, c.id, lead.id)  # not agent2's lead


def test_preview_for_a_real_lead_and_reorder(session, org, make_lead):
    c, lead = setup_campaign(session, org, make_lead)
    p = campaign_admin.preview(session, org.agent, c.id, lead.id, 1)
    assert (p["to"], p["subject"]) == ("rita@example.com", "Welcome Rita")
    campaign_admin.move_step(session, org.broker, c.id, 1, +1)
    session.commit()
    rows = session.exec(
        select(CampaignStep)
        .where(col(CampaignStep.campaign_id) == c.id)
        .order_by(col(CampaignStep.position))
    ).all()
    assert [r.subject for r in rows] == ["Still looking?", "Welcome {first_name}"]
