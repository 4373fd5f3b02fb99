"""C5/C6 routes: the pixel, the click redirect and the unsubscribe page over HTTP."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from leadapp.api import build_api
from leadapp.api.ratelimit import TokenBucket
from leadapp.models import EmailSuppression, OutgoingEmail
from leadapp.services import mail
from tests.matching import found
from tests.unit.mail_helpers import SmtpServer


@pytest.fixture
def sent(session, org, make_lead):
    lead = make_lead(org.agent, email="ria@example.com")
    mail.queue(
        session,
        brokerage_id=org.brokerage.id,
        lead_id=lead.id,
        to=lead.email,
        subject="New listings",
        body="Hello",
        kind="alert",
        template="listings",
        context={"cta": {"label": "Open", "url": "https://homes.example/a?x=1&y=2"}},
    )
    session.commit()
    with SmtpServer() as server:
        assert mail.deliver_queued(session, settings=server.cfg()) == (1, 0)
        msg = server.handler.parsed()
    html = msg.get_body(("html",)).get_content()
    return {
        "click": found(r"/api/v1/mail/c/[\w-]+", html, 0),
        "pixel": found(r"/api/v1/mail/o/[\w-]+\.gif", html, 0),
        "unsub": found(r"/api/v1/mail/u/[\w-]+", msg["List-Unsubscribe"], 0),
        "lead": lead,
    }


@pytest.fixture
def client(engine):
    with TestClient(build_api(engine, TokenBucket(1000, 1000))) as c:
        yield c


def _row(session):
    session.expire_all()
    return session.exec(select(OutgoingEmail)).one()


def test_pixel_click_and_bad_tokens(client, session, sent):
    r = client.get(sent["pixel"])
    assert r.status_code == 200 and r.headers["content-type"] == "image/gif"
    r = client.get(sent["click"], follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "https://homes.example/a?x=1&y=2"
    row = _row(session)
    assert row.click_count == 1
    # a forged or foreign token: the pixel is still a pixel, the click a neutral 404 page
    assert client.get("/api/v1/mail/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.gif").status_code == 200
    bad = client.get(sent["click"][:-3] + "xyz", follow_redirects=False)
    assert bad.status_code == 404 and "not valid" in bad.text
    assert (
        client.get(sent["pixel"].replace("/o/", "/c/")[:-4], follow_redirects=False).status_code
        == 404
    )
    assert _row(session).click_count == 1


def test_one_click_post_unsubscribes_at_once(client, session, sent):
    r = client.post(
        sent["unsub"],
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200
    sup = session.exec(select(EmailSuppression)).one()
    assert (sup.kind, sup.address, sup.source) == ("all", "ria@example.com", "one_click")


def test_the_page_shows_and_saves_the_leads_choice(client, session, sent):
    page = client.get(sent["unsub"])
    assert page.status_code == 200 and "ria@example.com" in page.text
    assert not session.exec(select(EmailSuppression)).all()  # a GET changes nothing
    r = client.post(sent["unsub"], data={"action": "save", "refuse": ["alert", "greeting"]})
    assert r.status_code == 200 and "Your choices are saved" in r.text  # after the 303
    assert r.history and r.history[0].status_code == 303
    kinds = {s.kind for s in session.exec(select(EmailSuppression)).all()}
    assert kinds == {"alert", "greeting"}
    client.post(sent["unsub"], data={"action": "save", "refuse": ["greeting", "bogus"]})
    session.expire_all()
    assert {s.kind for s in session.exec(select(EmailSuppression)).all()} == {"greeting"}


def test_unknown_unsubscribe_token_changes_nothing(client, session, sent):
    r = client.post("/api/v1/mail/u/" + "A" * 30, content=b"List-Unsubscribe=One-Click")
    assert r.status_code == 404 and "not valid" in r.text
    assert not session.exec(select(EmailSuppression)).all()
