"""Handlers of setup, set-password, forgot-password, team, profile and audit pages (G1)."""

import pytest
from sqlmodel import col, select

from leadapp.models import AuditEvent, AuthSession, Brokerage, OutgoingEmail, User
from leadapp.services import accounts, auth
from leadapp.state.account_pages import ForgotPasswordState, SetPasswordState, SetupState
from leadapp.state.audit import AuditState
from leadapp.state.profile import ProfileState
from leadapp.state.team import TeamState
from tests.conftest import PASSWORD
from tests.unit.state_harness import at_url, call, make_state, token_for

SETUP = {
    "brokerage_name": "Harbor Homes",
    "primary_email": "office@harbor.test",
    "postal_address": "1 Quay St, Harbor City",
    "name": "Hana Harbor",
    "email": "hana@harbor.test",
    "password": "a long harbor password",
}


@pytest.mark.authz("SetupState.load")
@pytest.mark.authz("SetupState.submit")
@pytest.mark.authz("SetupState.set_setup_timezone")
async def test_setup_runs_once_then_is_refused(engine, session, monkeypatch):
    st = make_state(SetupState, engine, monkeypatch=monkeypatch)
    assert await call(st, "load") == []  # an empty database shows the page
    await call(st, "set_setup_timezone", "America/New_York")
    await call(st, "submit", {**SETUP, "password": "password123"})
    assert "password" in st.errors and session.exec(select(User)).all() == []
    events = await call(st, "submit", SETUP)
    assert st.user_role == "broker" and st.session_token
    me = auth.user_for_token(session, st.session_token)
    assert me is not None and me.email == "hana@harbor.test"
    b = session.exec(select(Brokerage)).one()
    assert (b.name, b.timezone, b.postal_address) == (
        "Harbor Homes",
        "America/New_York",
        "1 Quay St, Harbor City",
    )
    # Afterwards: the page redirects and a forged second call changes nothing.
    forged = make_state(SetupState, engine, monkeypatch=monkeypatch)
    assert "/login" in str(await call(forged, "load"))
    events = await call(forged, "submit", {**SETUP, "email": "evil@x.test", "name": "Evil"})
    assert "already set up" in str(events) and forged.session_token == ""
    session.expire_all()
    assert len(session.exec(select(User)).all()) == 1
    assert len(session.exec(select(Brokerage)).all()) == 1


@pytest.mark.authz("SetPasswordState.load")
@pytest.mark.authz("SetPasswordState.submit")
async def test_set_password_page_needs_a_live_link(engine, session, org, monkeypatch):
    st = make_state(SetPasswordState, engine, monkeypatch=monkeypatch)
    at_url(st, "/set-password?token=forged-forged-forged-forged")
    await call(st, "load")
    assert "invalid" in st.link_error
    await call(st, "submit", {"password": "a new long password", "repeat": "a new long password"})
    session.expire_all()
    assert auth.sign_in(session, org.agent.email, PASSWORD)[0]  # unchanged
    token = accounts.issue(session, org.agent, "reset")
    session.commit()
    at_url(st, f"/set-password?token={token}")
    await call(st, "load")
    assert st.link_error == "" and st.link_email == org.agent.email
    await call(st, "submit", {"password": "a new long password", "repeat": "other"})
    assert "repeat" in st.errors
    await call(st, "submit", {"password": "a new long password", "repeat": "a new long password"})
    assert "set" in st.login_notice
    session.expire_all()
    assert auth.sign_in(session, org.agent.email, "a new long password")[0]


@pytest.mark.authz("ForgotPasswordState.submit")
@pytest.mark.authz("ForgotPasswordState.reset_form")
async def test_forgot_password_answers_alike(engine, session, org, monkeypatch):
    st = make_state(ForgotPasswordState, engine, monkeypatch=monkeypatch)
    await call(st, "submit", {"email": "nobody@bayside.test"})
    assert st.sent
    await call(st, "reset_form")
    await call(st, "submit", {"email": org.agent.email})
    assert st.sent
    mails = session.exec(select(OutgoingEmail)).all()
    assert [m.to_address for m in mails] == [org.agent.email]


@pytest.mark.authz("TeamState.load")
@pytest.mark.authz("TeamState.add_user")
@pytest.mark.authz("TeamState.resend")
@pytest.mark.authz("TeamState.set_role")
@pytest.mark.authz("TeamState.start_deactivate")
@pytest.mark.authz("TeamState.confirm_deactivate")
@pytest.mark.authz("TeamState.reactivate")
@pytest.mark.authz("TeamState.set_add_open")
@pytest.mark.authz("TeamState.set_leads_to")
@pytest.mark.authz("TeamState.cancel_deactivate")
async def test_agents_cannot_use_the_team_handlers(engine, session, org, monkeypatch):

    st = make_state(TeamState, engine, token_for(session, org.agent), monkeypatch)
    st.user_role = "broker"  # a forged client-side role changes nothing: the service decides
    await call(st, "load")
    assert "Only brokers" in str(await call(st, "add_user", {"name": "X", "email": "x@y.test"}))
    assert "Only brokers" in str(await call(st, "set_role", org.agent.id, "broker"))
    assert "Only brokers" in str(await call(st, "resend", org.agent2.id))
    assert "Only brokers" in str(await call(st, "reactivate", org.agent2.id))
    await call(st, "set_add_open", True)
    await call(st, "set_leads_to", "pool")
    st.members = [{"id": org.agent2.id, "name": "Ana", "active": True}]
    await call(st, "start_deactivate", org.agent2.id)
    assert "Only brokers" in str(await call(st, "confirm_deactivate"))
    await call(st, "cancel_deactivate")
    session.expire_all()
    assert session.get_one(User, org.agent.id).role == "agent"
    assert session.get_one(User, org.agent2.id).is_active
    assert session.exec(select(User).where(col(User.email) == "x@y.test")).first() is None


async def test_broker_team_flow(engine, session, org, make_lead, monkeypatch):

    st = make_state(TeamState, engine, token_for(session, org.broker), monkeypatch)
    st.user_role = "broker"
    await call(st, "load")
    assert {m["email"] for m in st.members} >= {org.agent.email}
    await call(st, "add_user", {"name": "Neo New", "email": "neo@bayside.test", "role": "agent"})
    assert st.invite_link.count("token=") == 1  # no SMTP server in tests: the link is shown
    neo = session.exec(select(User).where(col(User.email) == "neo@bayside.test")).one()
    await call(st, "resend", neo.id)
    make_lead(org.agent)
    st.members = st.members  # as loaded
    await call(st, "start_deactivate", org.agent.id)
    await call(st, "set_leads_to", str(org.agent2.id))
    await call(st, "confirm_deactivate")
    session.expire_all()
    assert not session.get_one(User, org.agent.id).is_active
    await call(st, "reactivate", org.agent.id)
    await call(st, "set_role", org.agent.id, "broker")
    session.expire_all()
    assert session.get_one(User, org.agent.id).role == "broker"


@pytest.mark.authz("ProfileState.load")
@pytest.mark.authz("ProfileState.save")
@pytest.mark.authz("ProfileState.set_profile_timezone")
@pytest.mark.authz("ProfileState.change_password")
@pytest.mark.authz("ProfileState.end_session")
@pytest.mark.authz("ProfileState.sign_out_everywhere")
async def test_profile_is_your_own(engine, session, org, monkeypatch):

    other_token = token_for(session, org.agent2)
    mine = token_for(session, org.agent)
    second = token_for(session, org.agent)
    st = make_state(ProfileState, engine, mine, monkeypatch)
    await call(st, "load")
    assert len(st.sessions) == 2 and sum(s["current"] for s in st.sessions) == 1
    await call(st, "set_profile_timezone", "Europe/Paris")
    await call(st, "save", {"name": "Alan A.", "phone": "", "email_signature": "-- Alan"})
    session.expire_all()
    me = session.get(User, org.agent.id)
    assert (me.name, me.timezone, me.email_signature) == ("Alan A.", "Europe/Paris", "-- Alan")
    # Another user's session cannot be ended from here.
    theirs = session.exec(
        select(AuthSession).where(col(AuthSession.user_id) == org.agent2.id)
    ).first()
    assert "does not exist" in str(await call(st, "end_session", theirs.id))
    assert auth.user_for_token(session, other_token) is not None
    await call(st, "change_password", {"current": "wrong", "new": "x" * 12, "repeat": "x" * 12})
    assert "current" in st.password_errors
    new = "alan's new password"
    await call(st, "change_password", {"current": PASSWORD, "new": new, "repeat": new})
    session.expire_all()
    assert auth.user_for_token(session, second) is None  # the other session ended
    assert auth.user_for_token(session, mine) is not None
    events = await call(st, "sign_out_everywhere")
    assert "/login" in str(events)
    session.expire_all()
    assert auth.user_for_token(session, mine) is None
    assert auth.user_for_token(session, other_token) is not None
    anon = make_state(ProfileState, engine, "", monkeypatch)
    assert "/login" in str(await call(anon, "load"))


@pytest.mark.authz("AuditState.load")
@pytest.mark.authz("AuditState.set_action")
@pytest.mark.authz("AuditState.go_page")
async def test_audit_log_is_for_brokers(engine, session, org, monkeypatch):
    token_for(session, org.agent)
    agent = make_state(AuditState, engine, token_for(session, org.agent), monkeypatch)
    await call(agent, "load")
    assert agent.rows == [] and "Only brokers" in agent.error
    await call(agent, "set_action", "sign_in")
    await call(agent, "go_page", 1)
    assert agent.rows == []
    broker = make_state(AuditState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "load")
    assert broker.total == 3 and {r["action"] for r in broker.rows} == {"Signed in"}
    await call(broker, "set_action", "user_added")
    assert broker.total == 0
    await call(broker, "set_action", "bogus")
    assert broker.action == "all" and broker.total == 3
    await call(broker, "go_page", "x")
    assert len(session.exec(select(AuditEvent)).all()) == 3
