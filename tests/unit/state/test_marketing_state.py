"""Markets and Campaigns page handlers: brokers manage; agents and other brokerages cannot."""

import pytest
from sqlmodel import col, select

from leadapp.models import Campaign, CampaignStep, Market
from leadapp.services import campaign_admin, markets
from leadapp.state.campaigns import CampaignsState
from leadapp.state.markets import MarketsState
from tests.unit.state_harness import call, make_state, token_for

STEP = {"channel": "email", "delay_days": "0", "subject": "Hi {first_name}", "body": "Hello"}


@pytest.mark.authz("MarketsState.load")
@pytest.mark.authz("MarketsState.toggle_archived")
@pytest.mark.authz("MarketsState.new_market")
@pytest.mark.authz("MarketsState.edit_market")
@pytest.mark.authz("MarketsState.cancel_edit")
@pytest.mark.authz("MarketsState.save")
@pytest.mark.authz("MarketsState.archive")
@pytest.mark.authz("MarketsState.preview")
@pytest.mark.authz("MarketsState.close_preview")
async def test_markets_handlers(engine, session, org, other_org, monkeypatch):
    m = markets.save_market(session, org.broker, None, {"name": "Berkeley", "city": "Berkeley"})
    session.commit()
    broker = make_state(MarketsState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "load")
    assert [r["name"] for r in broker.rows] == ["Berkeley"]
    await call(broker, "new_market")
    await call(broker, "save", {"name": "Oakland condos", "city": "Oakland", "every": "7"})
    assert broker.errors == {}
    await call(broker, "edit_market", m.id)
    assert broker.form["city"] == "Berkeley"
    await call(broker, "cancel_edit")
    await call(broker, "preview", m.id)
    assert len(broker.preview_rows) == 3
    await call(broker, "close_preview")
    assert broker.preview_open is False

    agent = make_state(MarketsState, engine, token_for(session, org.agent), monkeypatch)
    agent.user_role = "broker"  # forged client-side role: the service decides
    await call(agent, "load")
    assert len(agent.rows) == 2  # read-only, but visible
    await call(agent, "new_market")
    await call(agent, "save", {"name": "Agent market", "city": "Albany"})
    await call(agent, "archive", m.id, True)
    await call(agent, "toggle_archived", True)
    other = make_state(MarketsState, engine, token_for(session, other_org.broker), monkeypatch)
    await call(other, "edit_market", m.id)
    await call(other, "archive", m.id, True)
    await call(other, "preview", m.id)
    assert other.preview_rows == []
    await call(make_state(MarketsState, engine, "", monkeypatch), "archive", m.id, True)
    session.expire_all()
    assert sorted(x.name for x in session.exec(select(Market))) == ["Berkeley", "Oakland condos"]
    assert session.get_one(Market, m.id).archived_at is None
    await call(broker, "archive", m.id, True)
    session.expire_all()
    assert session.get_one(Market, m.id).archived_at is not None


@pytest.mark.authz("CampaignsState.load")
@pytest.mark.authz("CampaignsState.open_campaign")
@pytest.mark.authz("CampaignsState.new_campaign")
@pytest.mark.authz("CampaignsState.edit_campaign")
@pytest.mark.authz("CampaignsState.cancel_edit")
@pytest.mark.authz("CampaignsState.set_name")
@pytest.mark.authz("CampaignsState.set_description")
@pytest.mark.authz("CampaignsState.set_step")
@pytest.mark.authz("CampaignsState.add_step")
@pytest.mark.authz("CampaignsState.remove_step")
@pytest.mark.authz("CampaignsState.save")
@pytest.mark.authz("CampaignsState.set_active")
@pytest.mark.authz("CampaignsState.move")
@pytest.mark.authz("CampaignsState.set_preview_lead")
@pytest.mark.authz("CampaignsState.set_preview_step")
@pytest.mark.authz("CampaignsState.preview")
async def test_campaigns_handlers(engine, session, org, other_org, make_lead, monkeypatch):
    lead = make_lead(org.agent, first_name="Rita")
    broker = make_state(CampaignsState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "new_campaign")
    await call(broker, "set_name", "Drip")
    await call(broker, "set_description", "Two steps")
    await call(broker, "set_step", 0, "subject", "Hi {first_name}")
    await call(broker, "set_step", 0, "body", "Hello")
    await call(broker, "add_step")
    await call(broker, "set_step", 1, "subject", "Again")
    await call(broker, "set_step", 1, "body", "Still there?")
    await call(broker, "set_step", 9, "body", "ignored")  # out of range: nothing happens
    await call(broker, "add_step")
    await call(broker, "remove_step", 2)
    await call(broker, "save")
    c = session.exec(select(Campaign)).one()
    # the save's own reply carries the list (with its statistics) and the saved campaign
    assert [(r["name"], r["sent"], r["opened_rate"]) for r in broker.rows] == [("Drip", 0, "—")]
    assert broker.detail["name"] == "Drip" and len(broker.steps_view) == 2
    await call(broker, "load")
    await call(broker, "open_campaign", c.id)
    assert len(broker.steps_view) == 2
    await call(broker, "edit_campaign")
    await call(broker, "cancel_edit")
    await call(broker, "move", 1, 1)
    await call(broker, "set_preview_lead", str(lead.id))
    await call(broker, "set_preview_step", "2")
    await call(broker, "preview")
    assert broker.preview_out["subject"] == "Hi Rita"
    await call(broker, "set_active", False)
    assert broker.detail["active"] is False and broker.rows[0]["status"] == "Paused"
    await call(broker, "set_active", True)
    assert broker.detail["active"] is True

    agent2 = make_state(CampaignsState, engine, token_for(session, org.agent2), monkeypatch)
    agent2.user_role = "broker"
    await call(agent2, "open_campaign", c.id)
    await call(agent2, "set_active", False)
    await call(agent2, "move", 1, 1)
    await call(agent2, "set_preview_lead", str(lead.id))
    await call(agent2, "preview")  # not agent2's lead
    assert agent2.preview_out == {}
    await call(agent2, "edit_campaign")
    await call(agent2, "save")
    other = make_state(CampaignsState, engine, token_for(session, other_org.broker), monkeypatch)
    await call(other, "open_campaign", c.id)
    assert other.detail == {}
    session.expire_all()
    assert session.get_one(Campaign, c.id).active is True
    assert len(session.exec(select(Campaign)).all()) == 1
    subjects = session.exec(
        select(col(CampaignStep.subject))
        .where(col(CampaignStep.campaign_id) == c.id)
        .order_by(col(CampaignStep.position))
    ).all()
    assert subjects == ["Again", "Hi {first_name}"]
    assert campaign_admin.list_campaigns(session, other_org.broker) == []


@pytest.mark.authz("GreetingsState.load")
@pytest.mark.authz("GreetingsState.set_birthday_on")
@pytest.mark.authz("GreetingsState.set_anniversary_on")
@pytest.mark.authz("GreetingsState.save")
async def test_greetings_settings_handlers(engine, session, org, monkeypatch):
    from leadapp.models import CommSettings
    from leadapp.state.greetings import GreetingsState

    form = {
        "hour": "8",
        "alert_hour": "6",
        "birthday_subject": "Happy day {first_name}",
        "birthday_body": "From {agent_name}",
        "anniversary_subject": "Anniversary",
        "anniversary_body": "Cheers",
    }
    agent = make_state(GreetingsState, engine, token_for(session, org.agent), monkeypatch)
    agent.user_role = "broker"
    await call(agent, "load")
    await call(agent, "save", form)
    session.expire_all()
    assert session.get(CommSettings, org.brokerage.id) is None
    broker = make_state(GreetingsState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "load")
    assert broker.hour == "9"
    await call(broker, "set_anniversary_on", False)
    await call(broker, "set_birthday_on", True)
    await call(broker, "save", form | {"birthday_body": "Hi {frist_name}"})
    assert "birthday" in broker.errors
    await call(broker, "save", form)
    session.expire_all()
    cs = session.get(CommSettings, org.brokerage.id)
    assert (cs.greeting_hour, cs.alert_hour) == (8, 6)
    assert cs.greetings["anniversary"]["on"] is False
    assert cs.greetings["birthday"]["subject"] == "Happy day {first_name}"
