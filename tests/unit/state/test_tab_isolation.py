"""A tab keeps nothing of the previous user: sign-out and sign-in reset every substate."""

from typing import TypeVar

from reflex.state import BaseState

from leadapp.state.base import AuthState
from leadapp.state.lead import LeadState
from leadapp.state.lead_tabs import ActivityTab  # noqa: F401 (the lead page's tab substates)
from leadapp.state.leads import LeadListState
from leadapp.state.login import LoginState
from tests.conftest import PASSWORD
from tests.unit.state_harness import at_lead, at_url, call, make_state

S = TypeVar("S", bound=BaseState)


def _sibling(st: BaseState, cls: type[S]) -> S:
    sub = st._get_root_state().get_substate(cls.get_full_name().split("."))
    assert isinstance(sub, cls)
    return sub


async def _broker_tab(engine, org, make_lead, monkeypatch):
    """One tab: the broker signs in, opens the lead list and a lead of another agent."""
    lead = make_lead(org.agent2, first_name="Secret", last_name="Lead")
    login = make_state(LoginState, engine, monkeypatch=monkeypatch)
    await call(login, "sign_in", {"email": org.broker.email, "password": PASSWORD})
    assert login.user_id == org.broker.id
    lst = _sibling(login, LeadListState)
    at_url(lst, "/leads")
    await call(lst, "load")
    assert any("Secret" in str(r) for r in lst.rows)
    page = _sibling(login, LeadState)
    at_lead(page, lead.id)
    await call(page, "load")
    assert page.lead
    return login, lst, page


async def test_sign_out_leaves_no_state_of_the_user(engine, org, make_lead, monkeypatch):
    login, lst, page = await _broker_tab(engine, org, make_lead, monkeypatch)
    await call(_sibling(login, AuthState), "sign_out")
    assert lst.rows == [] and page.lead == {} and login.user_id == 0
    assert "Secret" not in str(login._get_root_state().dict())


async def test_next_sign_in_in_the_tab_gets_no_state_of_the_last_user(
    engine, org, make_lead, monkeypatch
):
    login, lst, page = await _broker_tab(engine, org, make_lead, monkeypatch)
    # The agent signs in in the same tab without the broker signing out first.
    await call(login, "sign_in", {"email": org.agent.email, "password": PASSWORD})
    assert login.user_id == org.agent.id
    assert lst.rows == [] and page.lead == {}
    assert "Secret" not in str(login._get_root_state().dict())


async def test_login_page_of_an_ended_session_clears_the_tab(
    engine, session, org, make_lead, monkeypatch
):
    from leadapp.services import auth

    login, lst, page = await _broker_tab(engine, org, make_lead, monkeypatch)
    auth.sign_out(session, login.session_token)
    session.commit()
    await call(login, "redirect_if_signed_in")
    assert lst.rows == [] and page.lead == {}
