"""P18 from the lead page: "Email this listing" (ListingMail) and the printable showing
sheet (ShowingSheetState, services/listing_mail.sheet_page / print_sheet)."""

import pytest
from sqlmodel import select

from leadapp.models import BrokerageMail, HistoryEntry, ListingSent, OutgoingEmail
from leadapp.services import listing_mail
from leadapp.services.errors import NotFound, ValidationFailed
from leadapp.state.lead_tabs import ListingMail, MessagesTab
from leadapp.state.showing_sheet import ShowingSheetState
from tests.unit.lead_page_helpers import as_user, fingerprint, sub
from tests.unit.state_harness import call, make_state, token_for


def test_sheet_page_shows_brokerage_agent_lead_and_listing(session, org, ctx):  # noqa: F811
    session.add(BrokerageMail(brokerage_id=org.brokerage.id, logo_url="https://x.test/logo.png"))
    org.agent.email_signature = "Dana's agent\nDRE 0123"
    org.agent.phone = "510-555-0100"
    ctx.listing.photo_url = "https://photos.test/ml1.jpg"
    ctx.listing.sqft = 1250
    session.add_all([org.agent, ctx.listing])
    session.commit()
    page = listing_mail.sheet_page(session, org.agent, ctx.lead.id, "ML1", "2026-12-05")
    assert page["brokerage"] == org.brokerage.name and page["logo_url"].endswith("logo.png")
    assert (page["agent"], page["agent_phone"]) == (org.agent.name, "510-555-0100")
    assert "DRE 0123" in page["signature"] and page["lead"] == "Dana Diaz"
    assert page["date"] == "Saturday, December 5, 2026" and page["day"] == "2026-12-05"
    li = page["listing"]
    assert (li["address"], li["price"], li["beds"], li["baths"], li["sqft"]) == (
        "1 Main St",
        "$700,000",
        "2",
        "1",
        "1,250",
    )
    assert li["photo_url"].endswith("ml1.jpg") and li["mls"] == "ML1"
    # reading the sheet records nothing; the broker may read it too, another agent not
    assert session.exec(select(ListingSent).where(ListingSent.via == "email")).all() == []
    listing_mail.sheet_page(session, org.broker, ctx.lead.id, "ML1")
    with pytest.raises(NotFound):
        listing_mail.sheet_page(session, org.agent2, ctx.lead.id, "ML1")
    with pytest.raises(NotFound):
        listing_mail.sheet_page(session, org.agent, ctx.lead.id, "NOPE")
    with pytest.raises(ValidationFailed):
        listing_mail.sheet_page(session, org.agent, ctx.lead.id, "ML1", "soon")


@pytest.mark.authz("ListingMail.open_email")
@pytest.mark.authz("ListingMail.close_email")
@pytest.mark.authz("ListingMail.send_email")
async def test_email_this_listing_refused_for_another_agent_sent_for_the_agent(
    engine,
    session,
    org,
    ctx,  # noqa: F811
    monkeypatch,
):
    before = fingerprint(session, ctx.lead.id)
    st = await as_user(engine, session, org.agent2, ctx.lead.id, ListingMail, monkeypatch)
    events = await call(st, "open_email", ctx.listing.id)
    assert st.lm_listing["id"] == 0 and "not yours" in str(events)
    st.lm_listing = {"id": ctx.listing.id, "address": "x", "price": "", "mls": ""}  # forged
    events = await call(st, "send_email", {"note": "hi"})
    assert "not yours" in str(events) and fingerprint(session, ctx.lead.id) == before
    await call(st, "close_email")
    assert st.lm_listing["id"] == 0

    st = await as_user(engine, session, org.agent, ctx.lead.id, ListingMail, monkeypatch)
    await call(st, "open_email", "not a number")
    assert st.lm_listing["id"] == 0
    await call(st, "open_email", ctx.listing.id)
    assert st.lm_listing["address"] == "1 Main St, Berkeley" and st.lm_listing["mls"] == "ML1"
    events = await call(st, "send_email", {"note": "x" * 6000})
    assert "5,000" in st.lm_error and fingerprint(session, ctx.lead.id) == before
    await call(st.parent_state, "set_tab", "messages")
    events = await call(st, "send_email", {"note": "Worth a look on Saturday."})
    assert "Emailed 1 Main St" in str(events) and st.lm_listing["id"] == 0
    mail = session.exec(select(OutgoingEmail).where(OutgoingEmail.subject == "1 Main St, Berkeley"))
    assert "Worth a look on Saturday." in mail.one().body
    # the open Messages tab shows it in the same reply
    assert any("1 Main St" in r["title"] for r in sub(st, MessagesTab).rows)
    vias = session.exec(select(ListingSent.via).where(ListingSent.lead_id == ctx.lead.id)).all()
    assert sorted(vias) == ["email", "showing_sheet"]


async def sheet_as(engine, session, user, lead_id, mls, monkeypatch):
    st = make_state(ShowingSheetState, engine, token_for(session, user), monkeypatch)
    st.router.page.params.update({"lead_id": str(lead_id), "mls": mls})
    await call(st, "load")
    return st


@pytest.mark.authz("ShowingSheetState.load")
@pytest.mark.authz("ShowingSheetState.set_day")
@pytest.mark.authz("ShowingSheetState.print_sheet")
async def test_sheet_page_refused_for_another_agent_printed_once_for_the_agent(
    engine,
    session,
    org,
    ctx,  # noqa: F811
    monkeypatch,
):
    before = fingerprint(session, ctx.lead.id)
    st = await sheet_as(engine, session, org.agent2, ctx.lead.id, "ML1", monkeypatch)
    assert "not yours" in st.sheet_error and st.sheet["listing"]["address"] == ""
    assert await call(st, "set_day", "2026-12-06") == [] and st.sheet["day"] == ""
    assert await call(st, "print_sheet") == []
    assert fingerprint(session, ctx.lead.id) == before

    st = await sheet_as(engine, session, org.agent, ctx.lead.id, "ML1", monkeypatch)
    assert st.sheet_error == "" and st.sheet["listing"]["address"] == "1 Main St"
    events = await call(st, "set_day", "2026-12-06")
    assert st.sheet["date"] == "Sunday, December 6, 2026" and "date=2026-12-06" in str(events)
    events = await call(st, "set_day", "not a date")
    assert "date" in str(events) and st.sheet["day"] == "2026-12-06"
    assert fingerprint(session, ctx.lead.id) == before  # reading records nothing
    for _ in range(2):  # printing again from the same page records it once
        events = await call(st, "print_sheet")
        assert "window.print()" in str(events)
    sent = session.exec(
        select(ListingSent).where(
            ListingSent.lead_id == ctx.lead.id, ListingSent.via == "showing_sheet"
        )
    ).all()
    assert len(sent) == 2  # the fixture's one and this print
    assert session.exec(
        select(HistoryEntry).where(HistoryEntry.title == "Showing sheet for Dec 6, 2026")
    ).one()
    # a forged lead id in the URL is checked like every lead route
    st = await sheet_as(engine, session, org.agent, "../1", "ML1", monkeypatch)
    assert st.sheet["day"] == "" and st.sheet_error != ""
