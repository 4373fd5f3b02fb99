"""C2 campaign sequences, C4 greetings, and the job runner's exactly-once claim."""

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from leadapp.models import Campaign, CampaignStep, CampaignSubscription, Lead, OutgoingEmail, utcnow
from leadapp.services import campaigns, greetings, jobs, rollups, scheduled
from leadapp.services.rows import id_of


def _campaign(session, org, channels=("email", "text", "email")):
    c = Campaign(brokerage_id=org.brokerage.id, name="Welcome")
    session.add(c)
    session.flush()
    for i, ch in enumerate(channels, start=1):
        session.add(
            CampaignStep(
                campaign_id=id_of(c),
                position=i,
                delay_days=0 if i == 1 else 7,
                channel=ch,
                subject=f"Step {i} for {{first_name}}",
                body="Hi {first_name} from {agent_name}",
            )
        )
    session.commit()
    return c


def _subscribe(session, lead, c, when):
    sub = CampaignSubscription(lead_id=lead.id, campaign_id=c.id, next_send_at=when)
    lead.active_subscriptions += 1
    session.add_all([sub, lead])
    session.commit()
    rollups.rebuild(session, lead.brokerage_id)
    session.commit()
    return sub


def test_steps_go_out_in_order_texts_only_with_consent_then_completed(session, org, make_lead):
    c = _campaign(session, org)
    lead = make_lead(org.agent, first_name="Dana")
    now = utcnow()
    sub = _subscribe(session, lead, c, now - timedelta(minutes=1))
    assert campaigns.send_due_steps(session, now) == 1
    session.commit()
    assert campaigns.send_due_steps(session, now) == 0  # step 2 is a week away
    mails = session.exec(select(OutgoingEmail).order_by(col(OutgoingEmail.id))).all()
    assert [m.subject for m in mails] == ["Step 1 for Dana"] and "Alan Agent" in mails[0].body
    later = now + timedelta(days=8)
    campaigns.send_due_steps(session, later)  # step 2 is a text: no consent, skipped
    session.commit()
    campaigns.send_due_steps(session, later + timedelta(days=8))
    session.commit()
    session.refresh(sub)
    subjects = [
        m.subject for m in session.exec(select(OutgoingEmail).order_by(col(OutgoingEmail.id))).all()
    ]
    assert subjects == ["Step 1 for Dana", "Step 3 for Dana"]
    assert sub.status == "completed"
    assert session.get_one(Lead, lead.id).active_subscriptions == 0
    assert rollups.check(session, org.brokerage.id) == []


def test_text_steps_reach_consenting_leads(session, org, make_lead):
    c = _campaign(session, org, channels=("text",))
    lead = make_lead(org.agent, phone="415-555-0199")
    lead.texting_consent = True
    session.add(lead)
    session.commit()
    _subscribe(session, lead, c, utcnow())
    assert campaigns.send_due_steps(session, utcnow() + timedelta(seconds=1)) == 1
    m = session.exec(select(OutgoingEmail)).one()
    assert m.channel == "text" and m.to_address == "(415) 555-0199"


def test_greetings_once_a_day(session, org, make_lead):
    now = datetime(2026, 7, 4, 18, 0, tzinfo=UTC)  # 11:00 in Los Angeles
    make_lead(org.agent, birthday="7/4/1980", first_name="Sam")
    make_lead(org.agent, birthday="7/5/1980")
    assert greetings.send_greetings(session, now) == 1
    session.commit()
    assert greetings.send_greetings(session, now + timedelta(hours=2)) == 0
    assert session.exec(select(OutgoingEmail)).one().subject == "Happy birthday, Sam!"


def test_a_job_runs_once_per_interval_even_when_claimed_twice(engine):
    now = utcnow()
    every = timedelta(minutes=5)
    assert jobs.claim(engine, "demo", every, now) is True
    assert jobs.claim(engine, "demo", every, now) is False  # held by the first claimant
    jobs._finish(engine, "demo", now, "ok")
    assert jobs.claim(engine, "demo", every, now + timedelta(minutes=1)) is False  # not due yet
    assert jobs.claim(engine, "demo", every, now + timedelta(minutes=6)) is True


def test_run_due_runs_registered_jobs(engine):
    ran = dict(jobs.run_due(engine, scheduled.JOBS))
    assert {"campaign-steps", "greetings", "deliver-mail"} <= set(ran)
    assert jobs.run_due(engine, scheduled.JOBS) == []  # nothing due again straight away


def test_run_due_runs_only_the_jobs_it_is_given(engine):
    calls = []

    def demo(session, now):
        calls.append(now)
        return "done"

    listed = [jobs.Job("demo-list", timedelta(minutes=5), demo)]
    assert jobs.run_due(engine, listed) == [("demo-list", "done")]
    assert jobs.run_due(engine, listed) == [] and len(calls) == 1  # claimed: not due again
    assert "demo-list" not in {j.name for j in scheduled.JOBS}
