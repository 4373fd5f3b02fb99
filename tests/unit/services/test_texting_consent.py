"""TCPA texting consent: each change with who, when and how; Add lead takes it and the source."""

from __future__ import annotations

import pytest

from leadapp.models import Lead
from leadapp.services import lead_query, texting_consent
from leadapp.services.errors import NotFound, ServiceError, ValidationFailed


def test_consent_changes_are_recorded_with_who_and_how(session, org, make_lead):
    lead = make_lead(org.agent)
    texting_consent.set_consent(session, org.agent, lead.id, True, "verbal", "Asked at showing")
    session.commit()
    texting_consent.set_consent(session, org.agent, lead.id, "false", "stop")
    session.commit()
    got = texting_consent.history(session, org.broker, lead.id)
    assert [g["given"] for g in got] == [False, True]
    assert got[0]["how"] == "Texting consent withdrawn by replying STOP"
    assert got[1]["who"] == org.agent.name and got[1]["note"] == "Asked at showing"
    assert session.get_one(Lead, lead.id).texting_consent is False


def test_bad_consent_input_changes_nothing(session, org, make_lead):
    lead = make_lead(org.agent)
    with pytest.raises(ValidationFailed):
        texting_consent.set_consent(session, org.agent, lead.id, True, "telepathy")
    with pytest.raises(ServiceError):
        texting_consent.set_consent(session, org.agent, lead.id, False, "stop")  # already no
    with pytest.raises(NotFound):
        texting_consent.set_consent(session, org.agent2, lead.id, True, "verbal")
    session.rollback()
    assert texting_consent.history(session, org.broker, lead.id) == []


def test_add_lead_takes_source_and_consent(session, org):
    lead_id = lead_query.add_lead(
        session,
        org.agent,
        {"email": "new@example.com", "source": "Open house", "consent_method": "written"},
    )
    session.commit()
    lead = session.get(Lead, lead_id)
    assert lead.source == "Open house" and lead.texting_consent is True
    assert texting_consent.history(session, org.agent, lead_id)[0]["how"].startswith(
        "Texting consent given in writing"
    )
    with pytest.raises(ValidationFailed) as err:
        lead_query.add_lead(
            session, org.agent, {"email": "x@example.com", "consent_method": "psychic"}
        )
    assert "consent_method" in err.value.errors


def test_the_editor_view_shows_state_last_change_and_next_choice(session, org, make_lead):
    lead = make_lead(org.agent)
    v = texting_consent.view(session, org.agent, lead.id)
    assert (v["given"], v["status"], v["action"]) == (False, "Not given", "give")
    assert v["line"].startswith("Never given") and v["changes"] == []
    assert {m["code"] for m in v["methods"]} == set(texting_consent.GIVEN_BY)
    texting_consent.set_consent(session, org.agent, lead.id, True, "web_form", "Zillow form")
    session.commit()
    v = texting_consent.view(session, org.broker, lead.id)
    assert (v["given"], v["status"], v["action"]) == (True, "Given", "withdraw")
    assert {m["code"] for m in v["methods"]} == set(texting_consent.WITHDRAWN_BY)
    assert v["line"].startswith("Given on a website form — ") and v["line"].endswith(
        f", recorded by {org.agent.name}."
    )
    assert v["changes"][0]["note"] == "Zillow form"
    assert texting_consent.latest_line(session, org.broker, lead) == v["line"]
    with pytest.raises(NotFound):
        texting_consent.view(session, org.agent2, lead.id)


@pytest.mark.authz("ConsentEditor.open_consent")
@pytest.mark.authz("ConsentEditor.close_consent")
@pytest.mark.authz("ConsentEditor.record_consent")
async def test_consent_editor_handlers(engine, session, org, make_lead, monkeypatch):
    from leadapp.state.lead_tabs import ConsentEditor

    from .state_harness import call
    from .test_lead_page_handlers import as_user

    lead = make_lead(org.agent)
    session.commit()
    # another agent: the editor does not open and nothing is recorded
    other = await as_user(engine, session, org.agent2, lead.id, ConsentEditor, monkeypatch)
    await call(other, "open_consent")
    assert other.consent_open is False and other.consent == {}
    await call(other, "record_consent", {"action": "give", "method": "verbal"})
    await call(other, "close_consent")
    session.expire_all()
    assert session.get(Lead, lead.id).texting_consent is False
    assert texting_consent.history(session, org.broker, lead.id) == []

    st = await as_user(engine, session, org.agent, lead.id, ConsentEditor, monkeypatch)
    await call(st, "open_consent")
    assert st.consent_open and st.consent["action"] == "give"
    await call(st, "record_consent", {"action": "give", "method": ""})  # how is required
    assert "consent_method" in st.consent_errors and st.consent_open
    await call(st, "record_consent", {"action": "maybe", "method": "verbal"})
    await call(st, "record_consent", "not a form")
    session.expire_all()
    assert session.get(Lead, lead.id).texting_consent is False
    await call(st, "record_consent", {"action": "give", "method": "verbal", "note": "At showing"})
    assert st.consent_open is False and st.consent["given"] is True
    page = st.parent_state
    assert page.lead["texting"] == "Yes" and "verbally" in page.lead["texting_line"]
    await call(st, "open_consent")
    await call(st, "record_consent", {"action": "withdraw", "method": "stop"})
    await call(st, "close_consent")
    session.expire_all()
    assert session.get(Lead, lead.id).texting_consent is False
    got = texting_consent.history(session, org.broker, lead.id)
    assert [(g["given"], g["who"]) for g in got] == [
        (False, org.agent.name),
        (True, org.agent.name),
    ]
