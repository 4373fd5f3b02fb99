"""Authorization of the sign-in, shell, settings and lead-page handlers (G1, G2)."""

import pytest
from sqlmodel import select

from leadapp.models import AuthSession, Brokerage
from leadapp.state.base import AuthState
from leadapp.state.lead import LeadState
from leadapp.state.login import LoginState
from leadapp.state.settings import SettingsState
from tests.conftest import PASSWORD
from tests.unit.state_harness import at_lead, call, make_state, token_for


def redirects(events) -> list[str]:
    out = []
    for e in events:
        for item in e if isinstance(e, list) else [e]:
            dict(getattr(item, "args", ()) or ())
            if (
                getattr(getattr(item, "handler", None), "fn", None)
                and item.handler.fn.__name__ == "_redirect"
                or "_redirect" in str(item)
            ):
                out.append(str(item))
    return out


@pytest.mark.authz("LoginState.sign_in")
async def test_sign_in_handler_sets_token_only_for_right_password(
    engine, session, org, monkeypatch
):
    st = make_state(LoginState, engine, monkeypatch=monkeypatch)
    await call(st, "sign_in", {"email": "alan@bayside.test", "password": "nope"})
    assert st.session_token == "" and st.error == "Wrong email or password." and st.user_id == 0
    await call(st, "sign_in", "not a dict")
    assert st.session_token == ""
    st.after_login = "//evil.example"
    events = await call(st, "sign_in", {"email": "alan@bayside.test", "password": PASSWORD})
    assert st.session_token and st.user_id == org.agent.id and st.user_role == "agent"
    assert "evil" not in str(events)


@pytest.mark.authz("LoginState.redirect_if_signed_in")
async def test_redirect_if_signed_in_needs_a_live_session(engine, session, org, monkeypatch):
    st = make_state(LoginState, engine, "forged", monkeypatch)
    assert await call(st, "redirect_if_signed_in") == []
    st.session_token = token_for(session, org.agent)
    assert await call(st, "redirect_if_signed_in") != []


@pytest.mark.authz("AuthState.require_login")
async def test_require_login_redirects_without_a_valid_session(engine, session, org, monkeypatch):
    st = make_state(AuthState, engine, "forged-token", monkeypatch)
    events = await call(st, "require_login")
    assert "login" in str(events) and st.user_id == 0
    st.session_token = token_for(session, org.broker)
    assert await call(st, "require_login") == []
    assert st.user_id == org.broker.id and st.is_broker


async def test_require_login_again_resends_no_user_detail(engine, session, org, monkeypatch):
    st = make_state(AuthState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "require_login")
    st._clean()
    await call(st, "require_login")  # the next page's on_load, same user
    assert not {"user_id", "user_name", "user_role", "brokerage_name"} & set(st.dirty_vars)


@pytest.mark.authz("AuthState.sign_out")
async def test_sign_out_ends_server_session(engine, session, org, monkeypatch):
    token = token_for(session, org.agent)
    st = make_state(AuthState, engine, token, monkeypatch)
    await call(st, "sign_out")
    session.expire_all()
    assert all(s.ended_at is not None for s in session.exec(select(AuthSession)).all())
    assert st.session_token == ""


@pytest.mark.authz("SettingsState.load")
@pytest.mark.authz("SettingsState.save_brokerage")
@pytest.mark.authz("SettingsState.set_pool_enabled")
@pytest.mark.authz("SettingsState.set_default_agent")
async def test_agent_cannot_change_brokerage_settings(engine, session, org, monkeypatch):
    st = make_state(SettingsState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "load")
    # An agent receives no brokerage settings, only the team.
    assert st.primary_email == "" and st.quick_events == "" and st.users
    assert "office@bayside.test" not in str(st.dict())
    await call(st, "set_pool_enabled", False)
    await call(st, "set_default_agent", str(org.agent.id))
    events = await call(
        st,
        "save_brokerage",
        {
            "name": "Hacked",
            "primary_email": "x@evil.test",
            "quick_events": "A",
            "reminder_minutes": "5",
        },
    )
    assert "Only brokers" in str(events)
    session.expire_all()
    b = session.get(Brokerage, org.brokerage.id)
    assert (b.name, b.unassigned_pool_enabled, b.default_agent_id) == ("Bayside Realty", True, None)
    anon = make_state(SettingsState, engine, "", monkeypatch)
    assert "login" in str(await call(anon, "load"))


async def test_broker_saves_settings_and_bad_values_change_nothing(
    engine, session, org, monkeypatch
):
    st = make_state(SettingsState, engine, token_for(session, org.broker), monkeypatch)
    await call(st, "load")
    await call(st, "set_pool_enabled", False)
    await call(
        st,
        "save_brokerage",
        {
            "name": "Bayside",
            "primary_email": "not-an-email",
            "quick_events": "Called",
            "reminder_minutes": "10",
        },
    )
    assert "primary_email" in st.errors
    session.expire_all()
    assert session.get_one(Brokerage, org.brokerage.id).unassigned_pool_enabled is True
    await call(
        st,
        "save_brokerage",
        {
            "name": "Bayside",
            "primary_email": "desk@bayside.test",
            "quick_events": "Called\nMet\nCalled",
            "reminder_minutes": "10",
        },
    )
    session.expire_all()
    b = session.get(Brokerage, org.brokerage.id)
    assert (
        b.name,
        b.primary_email,
        b.unassigned_pool_enabled,
        b.quick_events,
        b.reminder_minutes,
    ) == ("Bayside", "desk@bayside.test", False, ["Called", "Met"], 10)


@pytest.mark.authz("SettingsState.save_timezone")
async def test_timezone_is_the_users_own_and_validated(engine, session, org, monkeypatch):
    st = make_state(SettingsState, engine, token_for(session, org.agent), monkeypatch)
    await call(st, "save_timezone", "Mars/Olympus")
    await call(st, "save_timezone", "America/New_York")
    session.expire_all()
    assert session.get(type(org.agent), org.agent.id).timezone == "America/New_York"
    assert session.get(type(org.agent2), org.agent2.id).timezone == "America/Los_Angeles"


@pytest.mark.authz("LeadState.load")
async def test_lead_page_refuses_another_agents_lead(engine, session, org, make_lead, monkeypatch):
    theirs = make_lead(org.agent2)
    st = make_state(LeadState, engine, token_for(session, org.agent), monkeypatch)
    at_lead(st, theirs.id)
    await call(st, "load")
    assert st.lead == {} and "not yours" in st.error
