"""G2, G4, L8, P2: who may see and change which lead; creation and audit trail."""

import pytest
from sqlmodel import col, select

from leadapp.models import HistoryEntry, Lead
from leadapp.services import access, leads, rollups
from leadapp.services.errors import NotFound, PermissionDenied, ValidationFailed


def test_agent_sees_only_own_leads_and_pool_when_enabled(session, org, make_lead):
    mine = make_lead(org.agent)
    theirs = make_lead(org.agent2)
    pool = make_lead(org.broker)  # broker without agent -> unassigned
    assert pool.assigned_agent_id is None and mine.assigned_agent_id == org.agent.id
    assert access.get_lead(session, org.agent, mine.id).id == mine.id
    with pytest.raises(NotFound):
        access.get_lead(session, org.agent, theirs.id)
    assert access.get_lead(session, org.agent, pool.id).id == pool.id  # pool on by default
    with pytest.raises(PermissionDenied):
        access.get_lead(session, org.agent, pool.id, write=True)
    org.brokerage.unassigned_pool_enabled = False
    session.add(org.brokerage)
    session.commit()
    with pytest.raises(NotFound):
        access.get_lead(session, org.agent, pool.id)
    for lead in (mine, theirs, pool):
        assert access.get_lead(session, org.broker, lead.id, write=True)


def test_other_brokerage_is_invisible_even_to_its_broker(session, org, other_org, make_lead):
    lead = make_lead(org.broker)
    with pytest.raises(NotFound):
        access.get_lead(session, other_org.broker, lead.id)
    for bad in ("not-a-number", None, "9" * 40, 2**31, 0, -1):  # out of range: no query
        with pytest.raises(NotFound, match="That lead does not exist."):
            access.get_lead(session, org.broker, bad)


def test_create_lead_validates_every_field_and_email_uniqueness(session, org, make_lead):
    make_lead(org.broker, email="Taken@Example.com")
    with pytest.raises(ValidationFailed) as exc:
        leads.create_lead(
            session,
            org.broker,
            {
                "email": "TAKEN@example.com",
                "phone": "12345",
                "state": "Narnia",
                "postal_code": "ABC",
                "birthday": "13/45/1990",
                "lead_type": "landlord",
            },
        )
    errs = exc.value.errors
    assert set(errs) == {"email", "phone", "state", "postal_code", "birthday", "lead_type"}
    assert "already a lead" in errs["email"]
    assert session.exec(select(Lead)).all().__len__() == 1  # nothing written


def test_create_lead_normalises_and_records_creator(session, org):

    lead = leads.create_lead(
        session,
        org.agent,
        {
            "email": " Jo@Example.COM ",
            "first_name": "Jo",
            "phone": "415.555.0101",
            "state": "california",
            "postal_code": "k1a0b1",
            "birthday": "7/4/1980",
        },
    )
    session.commit()
    assert (lead.email, lead.phone, lead.state, lead.postal_code) == (
        "jo@example.com",
        "(415) 555-0101",
        "CA",
        "K1A 0B1",
    )
    assert (
        lead.status == "new" and lead.assigned_agent_id == org.agent.id and lead.birthday_md == 704
    )
    h = session.exec(select(HistoryEntry).where(col(HistoryEntry.lead_id) == lead.id)).one()
    assert h.kind == "created" and h.actor_id == org.agent.id


def test_stage_change_is_audited_and_rolled_up(session, org, make_lead):

    lead = make_lead(org.agent)
    leads.set_stage(session, org.agent, [lead.id], "nurturing")
    session.commit()
    h = session.exec(
        select(HistoryEntry).where(
            col(HistoryEntry.lead_id) == lead.id, col(HistoryEntry.kind) == "audit"
        )
    ).one()
    assert (h.field, h.old_value, h.new_value, h.actor_id) == (
        "stage",
        "Uncontacted",
        "Nurturing",
        org.agent.id,
    )
    assert rollups.check(session, org.brokerage.id) == []
    with pytest.raises(ValidationFailed):
        leads.set_stage(session, org.agent, [lead.id], "bogus")


def test_only_brokers_reassign(session, org, make_lead):
    lead = make_lead(org.agent)
    with pytest.raises(PermissionDenied):
        leads.assign(session, org.agent, [lead.id], org.agent2.id)
    leads.assign(session, org.broker, [lead.id], org.agent2.id)
    session.commit()
    assert session.get_one(Lead, lead.id).assigned_agent_id == org.agent2.id
    assert rollups.check(session, org.brokerage.id) == []


def test_agent_cannot_touch_another_agents_lead_in_bulk(session, org, make_lead):
    a = make_lead(org.agent)
    b = make_lead(org.agent2)
    with pytest.raises(PermissionDenied):
        leads.set_status(session, org.agent, [a.id, b.id], "deleted")
    session.rollback()
    assert session.get_one(Lead, a.id).status == "new"
