"""C5: a brokerage's email identity: brokers only, validated, the DKIM key never read back."""

from __future__ import annotations

import pytest

from leadapp.models import BrokerageMail
from leadapp.services import mail_settings
from leadapp.services.errors import PermissionDenied, ValidationFailed
from leadapp.state.mail_settings import MailSettingsState
from tests.unit.mail_helpers import dkim_keypair
from tests.unit.state_harness import call, make_state, token_for


def test_broker_saves_identity_and_key_is_never_returned(session, org, tmp_path):
    private, _ = dkim_keypair(tmp_path)
    got = mail_settings.save(
        session,
        org.broker,
        {
            "sending_address": "Mail@Bayside.test",
            "from_name": "agent",
            "reply_to": "brokerage",
            "brand_color": "#0a7d4f",
            "postal_address": "1 Harbor Way",
            "dkim_domain": "bayside.test",
            "dkim_selector": "lead2026",
            "dkim_private_key": private,
        },
    )
    session.commit()
    assert got["sending_address"] == "mail@bayside.test" and got["dkim_key_set"]
    assert "BEGIN" not in str(got)
    assert session.get_one(BrokerageMail, org.brokerage.id).dkim_private_key == private.strip()
    got = mail_settings.save(session, org.broker, {**got, "dkim_clear": "on"})
    assert not got["dkim_key_set"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("sending_address", "not an email"),
        ("brand_color", "red; background:url(x)"),
        ("logo_url", "javascript:alert(1)"),
        ("from_name", "someone"),
        (
            "dkim_private_key",
            "-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----",
        ),
    ],
)
def test_bad_values_are_refused_and_change_nothing(session, org, field, value):
    with pytest.raises(ValidationFailed) as err:
        mail_settings.save(
            session,
            org.broker,
            {field: value, "dkim_domain": "bayside.test", "dkim_selector": "s"},
        )
    assert field in err.value.errors
    assert session.get(BrokerageMail, org.brokerage.id) is None


def test_agents_cannot_see_or_change_it(session, org):
    with pytest.raises(PermissionDenied):
        mail_settings.get(session, org.agent)
    with pytest.raises(PermissionDenied):
        mail_settings.save(session, org.agent, {"brand_color": "#000000"})


@pytest.mark.authz("MailSettingsState.load")
@pytest.mark.authz("MailSettingsState.save")
async def test_mail_settings_handlers(engine, session, org, other_org, monkeypatch):
    agent = make_state(MailSettingsState, engine, token_for(session, org.agent), monkeypatch)
    await call(agent, "load")
    assert agent.values == {}
    await call(agent, "save", {"brand_color": "#000000"})
    other = make_state(MailSettingsState, engine, token_for(session, other_org.broker), monkeypatch)
    await call(other, "save", {"brand_color": "#111111"})
    session.expire_all()
    assert session.get(BrokerageMail, org.brokerage.id) is None
    broker = make_state(MailSettingsState, engine, token_for(session, org.broker), monkeypatch)
    await call(broker, "load")
    assert broker.values["brand_color"] == "#1f4e79"
    await call(broker, "save", {"brand_color": "#222222", "from_name": "brokerage"})
    session.expire_all()
    assert session.get_one(BrokerageMail, org.brokerage.id).brand_color == "#222222"
    assert broker.values["from_name"] == "brokerage"
