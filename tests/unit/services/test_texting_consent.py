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
    assert (v.get("given"), v.get("status"), v.get("action")) == (False, "Not given", "give")
    assert v.get("line", "").startswith("Never given") and v.get("changes", []) == []
    assert {m["code"] for m in v.get("methods", [])} == set(texting_consent.GIVEN_BY)
    texting_consent.set_consent(session, org.agent, lead.id, True, "web_form", "Zillow form")
    session.commit()
    v = texting_consent.view(session, org.broker, lead.id)
    assert (v.get("given"), v.get("status"), v.get("action")) == (True, "Given", "withdraw")
    assert {m["code"] for m in v.get("methods", [])} == set(texting_consent.WITHDRAWN_BY)
    assert v.get("line", "").startswith("Given on a website form — ") and v.get(
        "line", ""
    ).endswith(f", recorded by {org.agent.name}.")
    assert v.get("changes", [])[0]["note"] == "Zillow form"
    assert texting_consent.latest_line(session, org.broker, lead) == v.get("line", "")
    with pytest.raises(NotFound):
        texting_consent.view(session, org.agent2, lead.id)
