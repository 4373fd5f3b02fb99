"""C5 outbox: brokers see all email, agents their leads'; filters; open as sent; retry."""

from __future__ import annotations

import pytest
from sqlmodel import select

from leadapp.models import OutgoingEmail
from leadapp.services import mail, outbox
from leadapp.services.errors import NotFound
from leadapp.state.outbox import OutboxState
from tests.unit.mail_helpers import queue_for_lead
from tests.unit.state_harness import call, make_state, token_for


@pytest.fixture
def emails(session, org, make_lead):
    mine = make_lead(org.agent, email="mine@example.com", first_name="Mia")
    theirs = make_lead(org.agent2, email="theirs@example.com", first_name="Theo")
    a = queue_for_lead(session, mine, "Welcome Mia", "Hello Mia", kind="campaign")
    b = queue_for_lead(session, theirs, "Hi Theo", created_by_id=org.agent2.id)
    c = mail.queue(
        session,
        brokerage_id=org.brokerage.id,
        to=org.brokerage.primary_email,
        subject="Notice",
        body="n",
        kind="notice",
    )
    session.commit()
    b.status, b.error = "failed", "421 try later"
    session.add(b)
    session.commit()
    return a, b, c


def test_broker_sees_all_agent_only_their_leads(session, org, other_org, emails):
    a, b, c = emails
    assert {r["id"] for r in outbox.list_emails(session, org.broker, {})["rows"]} == {
        a.id,
        b.id,
        c.id,
    }
    assert [r["id"] for r in outbox.list_emails(session, org.agent, {})["rows"]] == [a.id]
    assert outbox.list_emails(session, other_org.broker, {})["total"] == 0
    with pytest.raises(NotFound):
        outbox.open_email(session, org.agent, b.id)
    with pytest.raises(NotFound):
        outbox.retry(session, other_org.broker, b.id)


def test_filters_and_sent_by(session, org, emails):
    a, b, c = emails
    got = outbox.list_emails(session, org.broker, {"status": "failed", "kind": "message"})
    assert [r["id"] for r in got["rows"]] == [b.id] and got["rows"][0]["can_retry"]
    assert got["rows"][0]["sent_by"] == org.agent2.name
    assert outbox.list_emails(session, org.broker, {"kind": "campaign"})["rows"][0][
        "sent_by"
    ].startswith("Campaign")
    assert (
        outbox.list_emails(session, org.broker, {"from": "2000-01-01", "to": "2000-01-02"})["total"]
        == 0
    )
    # junk filters are dropped, not errors
    assert outbox.list_emails(session, org.broker, {"status": "x'--", "page": "-3"})["total"] == 3


def test_open_renders_the_template_while_queued(session, org, emails):
    a, _, _ = emails
    got = outbox.open_email(session, org.agent, a.id)
    assert "Hello Mia" in got["html"] and "Hello Mia" in got["text"]
    assert "Unsubscribe" in got["html"]  # a campaign is marketing


@pytest.mark.authz("OutboxState.load")
@pytest.mark.authz("OutboxState.open_email")
@pytest.mark.authz("OutboxState.retry")
@pytest.mark.authz("OutboxState.close_email")
@pytest.mark.authz("OutboxState.set_filter")
@pytest.mark.authz("OutboxState.apply_range")
@pytest.mark.authz("OutboxState.clear_filters")
@pytest.mark.authz("OutboxState.go_page")
async def test_outbox_handlers_check_the_user(engine, session, org, other_org, emails, monkeypatch):
    a, b, _ = emails
    agent = make_state(OutboxState, engine, token_for(session, org.agent), monkeypatch)
    await call(agent, "load")
    assert [r["id"] for r in agent.rows] == [a.id]
    await call(agent, "open_email", b.id)  # another agent's lead: refused
    assert agent.open_id == 0 and agent.email == {}
    await call(agent, "retry", b.id)
    await call(agent, "open_email", "junk")
    await call(make_state(OutboxState, engine, "", monkeypatch), "retry", b.id)
    other = make_state(OutboxState, engine, token_for(session, other_org.broker), monkeypatch)
    await call(other, "retry", b.id)
    session.expire_all()
    assert session.get_one(OutgoingEmail, b.id).status == "failed"
    # the filter/navigation handlers only build an /outbox URL from clean values
    for name, args in (
        ("set_filter", ("kind", "bogus")),
        ("apply_range", ({"from": "nope"},)),
        ("clear_filters", ()),
        ("go_page", ("x",)),
        ("close_email", ()),
    ):
        events = await call(agent, name, *args)
        assert "bogus" not in str(events) and "nope" not in str(events)

    broker = make_state(OutboxState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "load")
    await call(broker, "open_email", b.id)
    assert broker.email["subject"] == "Hi Theo"
    await call(broker, "retry", b.id)
    session.expire_all()
    assert session.get_one(OutgoingEmail, b.id).status == "queued"
    assert broker.open_id == 0
    assert len(session.exec(select(OutgoingEmail)).all()) == 3


def test_lead_emails_lists_every_kind_for_whoever_sees_the_lead(session, org, make_lead, emails):
    a, b, _ = emails
    pool = make_lead(org.broker, email="pool@example.com")  # unassigned: in the pool
    queue_for_lead(session, pool, "Your market report", "r", kind="market_report")
    session.commit()
    got = outbox.lead_emails(session, org.agent, pool.id)
    assert [r["subject"] for r in got["rows"]] == ["Your market report"] and got["total"] == 1
    assert outbox.open_email(session, org.agent, got["rows"][0]["id"])["kind"] == "Market report"
    with pytest.raises(NotFound):
        outbox.lead_emails(session, org.agent, b.lead_id)  # another agent's lead
