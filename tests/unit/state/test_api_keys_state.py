"""Settings → API keys handlers: only brokers see, create and revoke keys."""

import pytest
from sqlmodel import select

from leadapp.models import ApiKey
from leadapp.state.api_keys import ApiKeysState
from tests.unit.state_harness import call, make_state, token_for


@pytest.mark.authz("ApiKeysState.load_keys")
@pytest.mark.authz("ApiKeysState.create_key")
@pytest.mark.authz("ApiKeysState.revoke_key")
@pytest.mark.authz("ApiKeysState.dismiss_new_key")
async def test_only_brokers_manage_keys(engine, session, org, other_org, monkeypatch):
    broker = make_state(ApiKeysState, engine, token_for(session, org.broker), monkeypatch)
    broker.user_role = "broker"
    await call(broker, "create_key", {"name": "Website"})
    assert broker.new_key.startswith("lk_") and len(broker.keys) == 1
    key_id = broker.keys[0]["id"]
    assert broker.new_key not in str(broker.keys)
    await call(broker, "dismiss_new_key")
    assert broker.new_key == ""

    agent = make_state(ApiKeysState, engine, token_for(session, org.agent), monkeypatch)
    agent.user_role = "broker"  # a forged client-side role changes nothing: the service checks
    await call(agent, "load_keys")
    assert agent.keys == []
    await call(agent, "create_key", {"name": "Mine"})
    assert agent.new_key == ""
    await call(agent, "revoke_key", key_id)
    other = make_state(ApiKeysState, engine, token_for(session, other_org.broker), monkeypatch)
    await call(other, "revoke_key", key_id)
    await call(make_state(ApiKeysState, engine, "", monkeypatch), "revoke_key", key_id)
    session.expire_all()
    keys = session.exec(select(ApiKey)).all()
    assert len(keys) == 1 and keys[0].revoked_at is None

    await call(broker, "revoke_key", key_id)
    session.expire_all()
    assert session.exec(select(ApiKey)).one().revoked_at is not None
    assert broker.keys[0]["active"] is False
