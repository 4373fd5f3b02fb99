"""G1 account security: the password rule, throttling, one-time links, the team rules."""

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from leadapp.models import AccountToken, AuditEvent, AuthSession, HistoryEntry, Lead, User
from leadapp.services import accounts, auth, passwords, team, throttle
from leadapp.services.errors import PermissionDenied, ServiceError, ValidationFailed
from leadapp.services.security import token_hash
from tests.conftest import PASSWORD


def test_one_password_rule():
    assert passwords.problem("short1!", "").startswith("A password needs at least 10")
    assert "email" in passwords.problem("Alan@Bayside.test", "alan@bayside.test")
    assert "too common" in passwords.problem("Password123", "")
    assert "too common" in passwords.problem("qwertyuiop", "")
    assert len(passwords.common_passwords()) > 2000
    assert passwords.problem(PASSWORD, "alan@bayside.test") == ""
    with pytest.raises(ValidationFailed):
        passwords.check("1234567890")


def _fail(session, email, address, n=1):
    for _ in range(n):
        with pytest.raises(ServiceError):
            auth.sign_in(session, email, "wrong password!", address=address)


def test_ten_failures_lock_the_pair_for_fifteen_minutes(session, org):
    _fail(session, org.agent.email, "10.0.0.1", 9)
    with pytest.raises(throttle.Locked, match="try again in 15 minutes"):
        auth.sign_in(session, org.agent.email, "wrong password!", address="10.0.0.1")
    # Locked: even the right password is refused, from that address only.
    with pytest.raises(throttle.Locked):
        auth.sign_in(session, org.agent.email, PASSWORD, address="10.0.0.1")
    token, _ = auth.sign_in(session, org.agent.email, PASSWORD, address="10.0.0.2")
    assert token
    # Fifteen minutes after the last failure the pair may try again.
    from leadapp.models import SignInFailure

    for row in session.exec(select(SignInFailure)).all():
        row.at = row.at - timedelta(minutes=16)
        session.add(row)
    session.commit()
    assert auth.sign_in(session, org.agent.email, PASSWORD, address="10.0.0.1")[0]
    actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions.count("sign_in_failed") == 10 and actions.count("locked_out") == 1


def test_throttling_is_shared_by_workers(engine, org):
    """Two workers (two engines, two connection pools) count the same failures."""
    from leadapp import db

    other = db.make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with Session(engine) as s1, Session(other) as s2:
            for i in range(10):
                _fail(s1 if i % 2 else s2, org.agent.email, "192.0.2.7")
            with pytest.raises(throttle.Locked):
                auth.sign_in(s1, org.agent.email, PASSWORD, address="192.0.2.7")
            with pytest.raises(throttle.Locked):
                auth.sign_in(s2, org.agent.email, PASSWORD, address="192.0.2.7")
    finally:
        other.dispose()


def test_unknown_accounts_are_throttled_alike(session, org):
    _fail(session, "nobody@bayside.test", "10.0.0.9", 9)
    with pytest.raises(throttle.Locked):
        auth.sign_in(session, "nobody@bayside.test", "x" * 12, address="10.0.0.9")


def test_invitation_link_rules(session, org):

    user, url = team.add_user(
        session,
        org.broker,
        {"name": "Nia New", "email": "NIA@bayside.test", "role": "agent"},
        "http://app.test",
    )
    session.commit()
    token = url.split("token=")[1]
    assert url.startswith("http://app.test/set-password?token=") and len(token) >= 22
    stored = session.exec(select(AccountToken).where(col(AccountToken.user_id) == user.id)).one()
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    assert stored.expires_at - stored.created_at == timedelta(days=7)
    with pytest.raises(ServiceError, match="Wrong email"):  # no password chosen yet
        auth.sign_in(session, "nia@bayside.test", "")
    with pytest.raises(ValidationFailed):  # weak password: the link stays usable
        accounts.redeem(session, token, "password12")
    session.rollback()
    assert accounts.describe(session, token)["email"] == "nia@bayside.test"
    accounts.redeem(session, token, "a fine long password")
    session.commit()
    assert auth.sign_in(session, "nia@bayside.test", "a fine long password")[0]
    with pytest.raises(ServiceError, match="already used"):  # single use
        accounts.redeem(session, token, "another fine password")
    with pytest.raises(ServiceError, match="invalid"):
        accounts.redeem(session, "forged-token-forged-token", "another fine password")


def test_expired_and_replaced_links_are_refused(session, org):

    first = accounts.issue(session, org.agent, "reset")
    second = accounts.issue(session, org.agent, "reset")
    session.commit()
    with pytest.raises(ServiceError):
        accounts.redeem(session, first, "a brand new password")
    row = session.exec(
        select(AccountToken).where(col(AccountToken.token_hash) == token_hash(second))
    ).one()
    assert row.expires_at - row.created_at == timedelta(hours=1)
    row.expires_at = row.created_at - timedelta(seconds=1)
    session.add(row)
    session.commit()
    with pytest.raises(ServiceError, match="expired"):
        accounts.redeem(session, second, "a brand new password")


def test_reset_ends_every_session_and_answers_alike(session, org):
    t1, _ = auth.sign_in(session, org.agent.email, PASSWORD)
    accounts.request_reset(session, "nobody@bayside.test", "http://app.test")
    accounts.request_reset(session, org.agent.email, "http://app.test")
    session.commit()
    from leadapp.models import OutgoingEmail

    mails = session.exec(select(OutgoingEmail)).all()
    assert [m.to_address for m in mails] == [org.agent.email] and mails[0].kind == "account"
    token = mails[0].body.split("token=")[1].split()[0]
    accounts.redeem(session, token, "my new long secret")
    session.commit()
    assert auth.user_for_token(session, t1) is None
    assert auth.sign_in(session, org.agent.email, "my new long secret")[0]


def test_last_active_broker_stays(session, org):
    with pytest.raises(ServiceError, match="at least one active broker"):
        team.change_role(session, org.broker, org.broker.id, "agent")
    with pytest.raises(ServiceError, match="at least one active broker"):
        team.deactivate(session, org.broker, org.broker.id)
    team.change_role(session, org.broker, org.agent.id, "broker")
    team.change_role(session, org.broker, org.broker.id, "agent")  # another broker exists now
    session.commit()
    assert session.get_one(User, org.broker.id).role == "agent"


def test_agents_cannot_manage_the_team(session, org):
    for call in (
        lambda: team.members(session, org.agent),
        lambda: team.add_user(session, org.agent, {"name": "X", "email": "x@y.test"}, ""),
        lambda: team.change_role(session, org.agent, org.agent.id, "broker"),
        lambda: team.deactivate(session, org.agent, org.agent2.id),
        lambda: team.reactivate(session, org.agent, org.agent2.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert session.get_one(User, org.agent.id).role == "agent"


def test_deactivation_moves_leads_in_one_go_and_ends_sessions(session, org, make_lead):

    leads = [make_lead(org.agent) for _ in range(3)]
    token, _ = auth.sign_in(session, org.agent.email, PASSWORD)
    with pytest.raises(ValidationFailed):
        team.deactivate(session, org.broker, org.agent.id, str(org.agent.id))
    moved = team.deactivate(session, org.broker, org.agent.id, str(org.agent2.id))
    session.commit()
    assert moved == 3 and auth.user_for_token(session, token) is None
    session.expire_all()
    assert {session.get_one(Lead, x.id).assigned_agent_id for x in leads} == {org.agent2.id}
    entries = session.exec(
        select(HistoryEntry).where(col(HistoryEntry.title) == "Assigned agent changed")
    ).all()
    assert len(entries) == 3 and {e.old_value for e in entries} == {"Alan Agent"}
    assert all(
        s.ended_at is not None
        for s in session.exec(select(AuthSession).where(col(AuthSession.user_id) == org.agent.id))
    )
    with pytest.raises(ServiceError):
        auth.sign_in(session, org.agent.email, PASSWORD)
    team.reactivate(session, org.broker, org.agent.id)
    session.commit()
    assert auth.sign_in(session, org.agent.email, PASSWORD)[0]


def test_duplicate_email_and_bad_fields(session, org, other_org):
    with pytest.raises(ValidationFailed) as exc:
        team.add_user(
            session,
            org.broker,
            {"name": "", "email": other_org.agent.email, "role": "boss", "phone": "x"},
            "",
        )
    assert set(exc.value.errors) >= {"name", "email", "role"}
    with pytest.raises(ServiceError):
        team.deactivate(session, org.broker, other_org.agent.id)  # not of this brokerage


def test_audit_log_names_keys_exports_and_settings(session, org):
    from leadapp.services import apikeys, audit_log, export, settings

    key, _ = apikeys.create_key(session, org.broker, "Website")
    apikeys.revoke_key(session, org.broker, key.id)
    export.start(session, org.broker, {})
    settings.update_brokerage(session, org.broker, {"name": "Bayside Two"})
    session.commit()
    rows = audit_log.page(session, org.broker)["rows"]
    assert [r["action"] for r in rows][::-1] == [
        "API key created",
        "API key revoked",
        "Export",
        "Settings changed",
    ]
    assert all(r["actor"] == "Bea Broker" for r in rows)
    with pytest.raises(PermissionDenied):
        audit_log.page(session, org.agent)
