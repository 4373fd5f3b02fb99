"""C2 campaigns: steps with merge fields, pause/resume, one email per step, preview, reorder."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import CampaignStep, CampaignSubscription, utcnow
from leadapp.services import campaign_admin, campaigns, lead_subscriptions, mail
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
    cfg, inbox = smtp
    c, lead = setup_campaign(session, org, make_lead)
    now = utcnow() + timedelta(minutes=1)
    assert campaigns.send_due_steps(session, now) == 1
    session.commit()
    # run again at once: the second step is 3 days away, the first is not sent twice
    assert campaigns.send_due_steps(session, now) == 0
    mail.deliver_queued(session, settings=cfg)
    assert len(inbox.messages) == 1
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
    campaign_admin.set_active(session, org.broker, c.id, False)
    session.commit()
    later = now + timedelta(days=4)
    assert campaigns.send_due_steps(session, later) == 0
    sub = session.exec(select(CampaignSubscription)).one()
    assert sub.next_position == 2 and sub.status == "active"
    campaign_admin.set_active(session, org.broker, c.id, True)
    assert campaigns.send_due_steps(session, later) == 1
    assert [e.subject for e in campaign_emails(session)] == ["Welcome Rita", "Still looking?"]
    assert session.exec(select(CampaignSubscription)).one().status == "completed"


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
        .where(CampaignStep.campaign_id == c.id)
        .order_by(col(CampaignStep.position))
    ).all()
    assert [r.subject for r in rows] == ["Still looking?", "Welcome {first_name}"]
