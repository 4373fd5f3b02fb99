"""G1: sign-in, sessions, sign-out, expiry."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from leadapp.models import AuthSession
from leadapp.services import auth
from leadapp.services.errors import ServiceError
from leadapp.services.security import token_hash
from tests.conftest import PASSWORD


def test_sign_in_gives_a_fresh_256_bit_token_each_time(session, org):

    t1, user = auth.sign_in(session, "Alan@Bayside.test", PASSWORD)
    t2, _ = auth.sign_in(session, "alan@bayside.test", PASSWORD)
    assert user.id == org.agent.id
    assert t1 != t2 and len(t1) >= 43  # 32 random bytes, base64url
    stored = session.exec(select(col(AuthSession.token_hash))).all()
    assert token_hash(t1) in stored and t1 not in stored  # only the hash is kept
    me = auth.user_for_token(session, t1)
    assert me is not None and me.id == org.agent.id


@pytest.mark.parametrize(
    "email,password", [("alan@bayside.test", "wrong"), ("nobody@x.test", PASSWORD), ("", "")]
)
def test_wrong_credentials_are_refused(session, org, email, password):
    with pytest.raises(ServiceError, match="Wrong email or password"):
        auth.sign_in(session, email, password)


def test_inactive_user_cannot_sign_in(session, org):
    org.agent.is_active = False
    session.add(org.agent)
    session.commit()
    with pytest.raises(ServiceError):
        auth.sign_in(session, "alan@bayside.test", PASSWORD)


def test_sign_out_and_expiry_end_the_session(session, org):

    token, _ = auth.sign_in(session, "alan@bayside.test", PASSWORD)
    auth.sign_out(session, token)
    assert auth.user_for_token(session, token) is None
    token2, _ = auth.sign_in(session, "alan@bayside.test", PASSWORD)
    row = session.exec(
        select(AuthSession).where(col(AuthSession.token_hash) == token_hash(token2))
    ).one()
    row.expires_at = row.created_at - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert auth.user_for_token(session, token2) is None
    assert auth.user_for_token(session, "forged-token") is None
    assert auth.user_for_token(session, None) is None
