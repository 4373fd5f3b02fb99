"""The lead page's texting-consent editor (ConsentEditor): who may record, what is required."""

import pytest

from leadapp.models import Lead
from leadapp.services import texting_consent
from leadapp.state.lead_tabs import ConsentEditor
from tests.unit.lead_page_helpers import as_user
from tests.unit.state_harness import call


@pytest.mark.authz("ConsentEditor.open_consent")
@pytest.mark.authz("ConsentEditor.close_consent")
@pytest.mark.authz("ConsentEditor.record_consent")
async def test_consent_editor_handlers(engine, session, org, make_lead, monkeypatch):
    lead = make_lead(org.agent)
    session.commit()
    # another agent: the editor does not open and nothing is recorded
    other = await as_user(engine, session, org.agent2, lead.id, ConsentEditor, monkeypatch)
    await call(other, "open_consent")
    assert other.consent_open is False and other.consent == {}
    await call(other, "record_consent", {"action": "give", "method": "verbal"})
    await call(other, "close_consent")
    session.expire_all()
    assert session.get_one(Lead, lead.id).texting_consent is False
    assert texting_consent.history(session, org.broker, lead.id) == []

    st = await as_user(engine, session, org.agent, lead.id, ConsentEditor, monkeypatch)
    await call(st, "open_consent")
    assert st.consent_open and st.consent["action"] == "give"
    await call(st, "record_consent", {"action": "give", "method": ""})  # how is required
    assert "consent_method" in st.consent_errors and st.consent_open
    await call(st, "record_consent", {"action": "maybe", "method": "verbal"})
    await call(st, "record_consent", "not a form")
    session.expire_all()
    assert session.get_one(Lead, lead.id).texting_consent is False
    await call(st, "record_consent", {"action": "give", "method": "verbal", "note": "At showing"})
    assert st.consent_open is False and st.consent["given"] is True
    page = st.parent_state
    assert page.lead["texting"] == "Yes" and "verbally" in page.lead["texting_line"]
    await call(st, "open_consent")
    await call(st, "record_consent", {"action": "withdraw", "method": "stop"})
    await call(st, "close_consent")
    session.expire_all()
    assert session.get_one(Lead, lead.id).texting_consent is False
    got = texting_consent.history(session, org.broker, lead.id)
    assert [(g["given"], g["who"]) for g in got] == [
        (False, org.agent.name),
        (True, org.agent.name),
    ]
