"""P18 from the lead page: "Email this listing" (ListingMail) and the printable showing
sheet (ShowingSheetState, services/listing_mail.sheet_page / print_sheet)."""

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from sqlmodel import col, select

from leadapp.models import BrokerageMail, HistoryEntry, Listing, ListingSent, OutgoingEmail
from leadapp.services import listing_mail
from leadapp.services.errors import NotFound, ValidationFailed
from leadapp.state.lead_tabs import ListingMail, MessagesTab, PropertySearch
from leadapp.state.showing_sheet import ShowingSheetState
from tests.unit.lead_page_helpers import as_user, fingerprint, sub
from tests.unit.state_harness import at_url, call, make_state, token_for


def test_sheet_page_shows_brokerage_agent_lead_and_listing(session, org, ctx):  # noqa: F811
    session.add(BrokerageMail(brokerage_id=org.brokerage.id, logo_url="https://x.test/logo.png"))
    org.agent.email_signature = "Dana's agent\nDRE 0123"
    org.agent.phone = "510-555-0100"
    ctx.listing.photo_url = "https://photos.test/ml1.jpg"
    ctx.listing.sqft = 1250
    # 20:00 UTC in December is noon in the brokerage's zone (America/Los_Angeles, PST)
    ctx.listing.open_house_start = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    org.brokerage.timezone = "America/Los_Angeles"
    session.add_all([org.agent, ctx.listing, org.brokerage])
    session.commit()
    page = listing_mail.sheet_page(session, org.agent, ctx.lead.id, "ML1", "2026-12-05")
    assert page["brokerage"] == org.brokerage.name and page["logo_url"].endswith("logo.png")
    assert (page["agent"], page["agent_phone"]) == (org.agent.name, "510-555-0100")
    assert "DRE 0123" in page["signature"] and page["lead"] == "Dana Diaz"
    assert page["date"] == "Saturday, December 5, 2026" and page["day"] == "2026-12-05"
    [li] = page["listings"]
    assert (li["address"], li["price"], li["beds"], li["baths"], li["sqft"]) == (
        "1 Main St",
        "$700,000",
        "2",
        "1",
        "1,250",
    )
    assert li["photo_url"].endswith("ml1.jpg") and li["mls"] == "ML1"
    assert li["open_house"] == "Sun Dec 6, 12:00 PM PST"
    # reading the sheet records nothing; the broker may read it too, another agent not
    assert session.exec(select(ListingSent).where(col(ListingSent.via) == "email")).all() == []
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
    assert st.lm_listings == [] and "not yours" in str(events)
    st.lm_listings = [{"id": ctx.listing.id, "address": "x", "price": "", "mls": ""}]  # forged
    events = await call(st, "send_email", {"note": "hi"})
    assert "not yours" in str(events) and fingerprint(session, ctx.lead.id) == before
    await call(st, "close_email")
    assert st.lm_listings == []

    st = await as_user(engine, session, org.agent, ctx.lead.id, ListingMail, monkeypatch)
    await call(st, "open_email", "not a number")
    assert st.lm_listings == []
    await call(st, "open_email", ctx.listing.id)
    [brief] = st.lm_listings
    assert brief["address"] == "1 Main St, Berkeley" and brief["mls"] == "ML1"
    events = await call(st, "send_email", {"note": "x" * 6000})
    assert "5,000" in st.lm_error and fingerprint(session, ctx.lead.id) == before
    await call(st.parent_state, "set_tab", "messages")
    events = await call(st, "send_email", {"note": "Worth a look on Saturday."})
    assert "Emailed 1 Main St" in str(events) and st.lm_listings == []
    mail = session.exec(
        select(OutgoingEmail).where(col(OutgoingEmail.subject) == "1 Main St, Berkeley")
    )
    assert "Worth a look on Saturday." in mail.one().body
    # the open Messages tab shows it in the same reply
    assert any("1 Main St" in r["title"] for r in sub(st, MessagesTab).rows)
    vias = session.exec(
        select(col(ListingSent.via)).where(col(ListingSent.lead_id) == ctx.lead.id)
    ).all()
    assert sorted(vias) == ["email", "showing_sheet"]


async def sheet_as(engine, session, user, lead_id, mls, monkeypatch):
    st = make_state(ShowingSheetState, engine, token_for(session, user), monkeypatch)
    at_url(
        st,
        f"http://app.test/leads/{lead_id}/listing/{quote(str(mls), safe='')}/sheet",
        route="/leads/[lead_id]/listing/[mls]/sheet",
    )
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
    assert "not yours" in st.sheet_error and st.sheet["listings"] == []
    assert await call(st, "set_day", "2026-12-06") == [] and st.sheet["day"] == ""
    assert await call(st, "print_sheet") == []
    assert fingerprint(session, ctx.lead.id) == before

    st = await sheet_as(engine, session, org.agent, ctx.lead.id, "ML1", monkeypatch)
    assert st.sheet_error == "" and st.sheet["listings"][0]["address"] == "1 Main St"
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
            col(ListingSent.lead_id) == ctx.lead.id, col(ListingSent.via) == "showing_sheet"
        )
    ).all()
    assert len(sent) == 2  # the fixture's one and this print
    assert session.exec(
        select(HistoryEntry).where(col(HistoryEntry.title) == "Showing sheet for Dec 6, 2026")
    ).one()
    # a forged lead id in the URL is checked like every lead route
    st = await sheet_as(engine, session, org.agent, "../1", "ML1", monkeypatch)
    assert st.sheet["day"] == "" and st.sheet_error != ""


def test_sheet_of_several_listings_in_order_each_recorded_once(session, org, ctx):  # noqa: F811
    page = listing_mail.sheet_page(session, org.agent, ctx.lead.id, "ML2, ML1,ML2", "2026-12-05")
    assert [li["mls"] for li in page["listings"]] == ["ML2", "ML1"]
    assert listing_mail.mls_list(["ML1", " ML1 ", ""]) == ["ML1"]
    with pytest.raises(NotFound):
        listing_mail.sheet_page(session, org.agent, ctx.lead.id, "ML1,NOPE")
    with pytest.raises(NotFound):
        listing_mail.sheet_page(session, org.agent, ctx.lead.id, " , ")
    with pytest.raises(NotFound):
        listing_mail.sheet_page(session, org.agent2, ctx.lead.id, "ML1,ML2")
    with pytest.raises(ValidationFailed, match="20"):
        listing_mail.sheet_page(session, org.agent, ctx.lead.id, [f"X{i}" for i in range(21)])
    before = session.exec(select(ListingSent)).all()
    listing_mail.print_sheet(session, org.agent, ctx.lead.id, "ML1,ML2,ML1", "2026-12-05")
    session.commit()
    new = session.exec(select(ListingSent).where(col(ListingSent.via) == "showing_sheet")).all()
    assert len(new) == len([r for r in before if r.via == "showing_sheet"]) + 2
    briefs = listing_mail.listing_briefs(session, org.agent, ctx.lead.id, [ctx.listing.id])
    assert [b["mls"] for b in briefs] == ["ML1"]
    with pytest.raises(ValidationFailed):
        listing_mail.listing_briefs(session, org.agent, ctx.lead.id, list(range(1, 22)))


@pytest.mark.authz("PropertySearch.toggle_pick")
@pytest.mark.authz("PropertySearch.clear_picks")
@pytest.mark.authz("ListingMail.open_picked")
async def test_pick_two_search_results_and_email_them_in_one_message(
    engine,
    session,
    org,
    ctx,  # noqa: F811
    monkeypatch,
):
    ids = {li.mls_number: li.id for li in session.exec(select(Listing)).all()}
    before = fingerprint(session, ctx.lead.id)
    # another agent: no results to pick from, and the dialog is refused for the lead
    st = await as_user(engine, session, org.agent2, ctx.lead.id, PropertySearch, monkeypatch)
    events = await call(st, "toggle_pick", ids["ML1"])
    assert st.ps_picked_ids == [] and "not among the results" in str(events)
    st.ps_picked_ids, st.ps_picked_mls = [ids["ML1"]], ["ML1"]  # forged
    mail_st = sub(st, ListingMail)
    events = await call(mail_st, "open_picked")
    assert "not yours" in str(events) and mail_st.lm_listings == []
    assert fingerprint(session, ctx.lead.id) == before

    st = await as_user(engine, session, org.agent, ctx.lead.id, PropertySearch, monkeypatch)
    await call(st, "open_search", "favorite")
    mail_st = sub(st, ListingMail)
    assert "Pick at least one" in str(await call(mail_st, "open_picked"))
    await call(st, "run_search", {"city": "Berkeley"})
    assert {"ML1", "ML2"} <= {r["mls"] for r in st.ps_rows}
    await call(st, "toggle_pick", "x")
    for mls in ("ML2", "ML1", "ML2", "ML2"):  # ML2 picked, put back, picked again
        await call(st, "toggle_pick", ids[mls])
    assert (st.ps_picked_ids, st.ps_picked_mls) == ([ids["ML1"], ids["ML2"]], ["ML1", "ML2"])
    await call(mail_st, "open_picked")
    assert [b["mls"] for b in mail_st.lm_listings] == ["ML1", "ML2"] and not st.ps_open
    await call(mail_st, "close_email")  # Cancel: back to the search with the picks
    assert st.ps_open and mail_st.lm_listings == [] and len(st.ps_picked_ids) == 2
    await call(mail_st, "open_picked")
    events = await call(mail_st, "send_email", {"note": "Two to see on Saturday."})
    assert "Emailed 2 listings" in str(events) and mail_st.lm_listings == []
    assert st.ps_picked_ids == []
    [mail] = session.exec(
        select(OutgoingEmail).where(col(OutgoingEmail.subject) == "2 listings for you")
    ).all()
    assert "1 Main St" in mail.body and "2 Main St" in mail.body and "Saturday" in mail.body
    sent = session.exec(
        select(col(ListingSent.listing_id)).where(
            col(ListingSent.lead_id) == ctx.lead.id, col(ListingSent.via) == "email"
        )
    ).all()
    assert sorted(sent) == sorted([ids["ML1"], ids["ML2"]])
    # picking stops at the limit
    st.ps_picked_ids = list(range(1000, 1020))
    st.ps_picked_mls = [str(i) for i in st.ps_picked_ids]
    events = await call(st, "toggle_pick", ids["ML1"])
    assert "At most 20" in str(events) and len(st.ps_picked_ids) == 20
    await call(st, "clear_picks")
    assert st.ps_picked_ids == [] and st.ps_picked_mls == []


async def sheet_at(st, lead_id, mls):
    """The several-listings route, as the browser opens it."""
    at_url(st, f"http://app.test/leads/{lead_id}/sheet?mls={mls}", route="/leads/[lead_id]/sheet")
    await call(st, "load")


async def test_sheet_of_several_at_its_own_address(engine, session, org, ctx, monkeypatch):  # noqa: F811
    st = make_state(ShowingSheetState, engine, token_for(session, org.agent), monkeypatch)
    await sheet_at(st, ctx.lead.id, "ML2,ML1")
    assert st.sheet_error == "" and [li["mls"] for li in st.sheet["listings"]] == ["ML2", "ML1"]
    events = await call(st, "set_day", "2026-12-06")
    assert f"/leads/{ctx.lead.id}/sheet?mls=ML2,ML1&date=2026-12-06" in str(events)
    await call(st, "print_sheet")
    await call(st, "print_sheet")
    shown = session.exec(
        select(ListingSent).where(
            col(ListingSent.lead_id) == ctx.lead.id, col(ListingSent.via) == "showing_sheet"
        )
    ).all()
    assert len(shown) == 3  # the fixture's one and one for each listing
    await sheet_at(st, ctx.lead.id, ",".join(["ML1"] * 30))
    assert st.sheet_error == "" and len(st.sheet["listings"]) == 1
    await sheet_at(st, ctx.lead.id, ",".join(f"X{i}" for i in range(25)))
    assert "20" in st.sheet_error and st.sheet["listings"] == []
