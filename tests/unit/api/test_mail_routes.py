"""C5/C6 routes: the pixel, the click redirect and the unsubscribe page over HTTP."""

from __future__ import annotations

import pytest
from sqlmodel import select

from leadapp.models import EmailSuppression, OutgoingEmail
from tests.matching import found
from tests.unit.mail_helpers import queue_for_lead


@pytest.fixture
def sent(session, org, make_lead, smtp):
    """An alert email delivered to Ria: its click, pixel and unsubscribe paths."""
    lead = make_lead(org.agent, email="ria@example.com")
    queue_for_lead(
        session,
        lead,
        "New listings",
        kind="alert",
        template="listings",
        context={"cta": {"label": "Open", "url": "https://homes.example/a?x=1&y=2"}},
    )
    session.commit()
    assert smtp.deliver(session) == (1, 0)
    msg = smtp.handler.parsed()
    html = msg.get_body(("html",)).get_content()
    return {
        "click": found(r"/api/v1/mail/c/[\w-]+", html, 0),
        "pixel": found(r"/api/v1/mail/o/[\w-]+\.gif", html, 0),
        "unsub": found(r"/api/v1/mail/u/[\w-]+", msg["List-Unsubscribe"], 0),
        "lead": lead,
    }


def _row(session):
    session.expire_all()
    return session.exec(select(OutgoingEmail)).one()


def test_pixel_click_and_bad_tokens(anon, session, sent):
    r = anon.get(sent["pixel"])
    assert r.status_code == 200 and r.headers["content-type"] == "image/gif"
    r = anon.get(sent["click"], follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "https://homes.example/a?x=1&y=2"
    row = _row(session)
    assert row.click_count == 1
    # a forged or foreign token: the pixel is still a pixel, the click a neutral 404 page
    assert anon.get("/api/v1/mail/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.gif").status_code == 200
    bad = anon.get(sent["click"][:-3] + "xyz", follow_redirects=False)
    assert bad.status_code == 404 and "not valid" in bad.text
    assert (
        anon.get(sent["pixel"].replace("/o/", "/c/")[:-4], follow_redirects=False).status_code
        == 404
    )
    assert _row(session).click_count == 1


def test_one_click_post_unsubscribes_at_once(anon, session, sent):
    r = anon.post(
        sent["unsub"],
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200
    sup = session.exec(select(EmailSuppression)).one()
    assert (sup.kind, sup.address, sup.source) == ("all", "ria@example.com", "one_click")


def test_the_page_shows_and_saves_the_leads_choice(anon, session, sent):
    page = anon.get(sent["unsub"])
    assert page.status_code == 200 and "ria@example.com" in page.text
    assert not session.exec(select(EmailSuppression)).all()  # a GET changes nothing
    r = anon.post(sent["unsub"], data={"action": "save", "refuse": ["alert", "greeting"]})
    assert r.status_code == 200 and "Your choices are saved" in r.text  # after the 303
    assert r.history and r.history[0].status_code == 303
    kinds = {s.kind for s in session.exec(select(EmailSuppression)).all()}
    assert kinds == {"alert", "greeting"}
    anon.post(sent["unsub"], data={"action": "save", "refuse": ["greeting", "bogus"]})
    session.expire_all()
    assert {s.kind for s in session.exec(select(EmailSuppression)).all()} == {"greeting"}


def test_unknown_unsubscribe_token_changes_nothing(anon, session, sent):
    r = anon.post("/api/v1/mail/u/" + "A" * 30, content=b"List-Unsubscribe=One-Click")
    assert r.status_code == 404 and "not valid" in r.text
    assert not session.exec(select(EmailSuppression)).all()
