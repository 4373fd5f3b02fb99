"""W2: a lead's website account: throttled login, change password, emailed one-time reset."""

from datetime import timedelta

import pytest
from sqlmodel import select

from leadapp.models import LeadAccountToken, OutgoingEmail
from leadapp.services import lead_accounts as la
from leadapp.services import throttle
from leadapp.services.errors import ServiceError, ValidationFailed
from leadapp.services.security import hash_password

OLD = "the lead's first password"


@pytest.fixture
def account(session, org, make_lead):
    lead = make_lead(org.agent, email="web@example.com")
    lead.website_password_hash = hash_password(OLD)
    session.add(lead)
    session.commit()
    return lead


def test_login_is_throttled_like_users(session, org, account):
    bid = org.brokerage.id
    assert la.login(session, bid, "WEB@example.com", OLD, "10.1.1.1").id == account.id
    for _ in range(9):
        with pytest.raises(ServiceError, match="Wrong email"):
            la.login(session, bid, "web@example.com", "nope nope nope", "10.1.1.1")
    with pytest.raises(throttle.Locked):
        la.login(session, bid, "web@example.com", "nope nope nope", "10.1.1.1")
    with pytest.raises(throttle.Locked):
        la.login(session, bid, "web@example.com", OLD, "10.1.1.1")
    assert la.login(session, bid, "web@example.com", OLD, "10.1.1.2").id == account.id


def test_change_password_needs_the_current_one_and_the_rule(session, org, account):
    bid = org.brokerage.id
    with pytest.raises(ServiceError, match="Wrong email"):
        la.change_password(session, bid, account.email, "not it at all", "a brand new password")
    with pytest.raises(ValidationFailed):
        la.change_password(session, bid, account.email, OLD, "password123")
    session.rollback()
    la.change_password(session, bid, account.email, OLD, "a brand new password")
    session.commit()
    assert la.login(session, bid, account.email, "a brand new password").id == account.id


def test_reset_link_is_one_time_and_answers_alike(session, org, other_org, account):
    bid = org.brokerage.id
    url = "https://site.example/reset"
    la.request_reset(session, bid, "nobody@example.com", url)
    la.request_reset(session, other_org.brokerage.id, account.email, url)  # other brokerage
    la.request_reset(session, bid, account.email, url)
    session.commit()
    mails = session.exec(select(OutgoingEmail)).all()
    assert [m.to_address for m in mails] == [account.email]
    token = mails[0].body.split("token=")[1].split()[0]
    stored = session.exec(select(LeadAccountToken)).one()
    assert stored.token_hash != token and stored.expires_at - stored.created_at == timedelta(
        hours=1
    )
    with pytest.raises(ServiceError):
        la.reset(session, other_org.brokerage.id, token, "my reset website password")
    la.reset(session, bid, token, "my reset website password")
    session.commit()
    assert la.login(session, bid, account.email, "my reset website password").id == account.id
    with pytest.raises(ServiceError, match="already used"):
        la.reset(session, bid, token, "another reset password")
    with pytest.raises(ValidationFailed):
        la.request_reset(session, bid, account.email, "javascript:alert(1)")
