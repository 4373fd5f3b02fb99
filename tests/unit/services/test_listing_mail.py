"""P18: "Email this listing" with a note and the showing sheet, recorded in Listings sent."""

import pytest
from sqlmodel import col, select

from leadapp.models import HistoryEntry, Listing, ListingSent, OutgoingEmail
from leadapp.services import listing_mail, listings_feed
from leadapp.services.errors import NotFound, ValidationFailed
from tests.unit.listing_helpers import reso


def test_email_listings_with_a_note_arrives_and_is_recorded(session, org, make_lead, smtp):
    lead = make_lead(org.agent, first_name="Rita", email="rita@example.com")
    listings_feed.upsert(session, [reso("E1"), reso("E2")])
    ids = session.exec(select(col(Listing.id)).order_by(col(Listing.id))).all()
    out = listing_mail.email_listings(session, org.agent, lead.id, ids, "These two are lovely.")
    session.commit()
    assert out == {"listings": 2, "subject": "2 listings for you"}
    e = session.exec(select(OutgoingEmail)).one()
    assert "These two are lovely." in e.body and "E1" in e.body and "E2" in e.body
    assert e.history_entry_id is not None
    sent = session.exec(
        select(col(ListingSent.via)).where(col(ListingSent.lead_id) == lead.id)
    ).all()
    assert sent == ["email", "email"]
    smtp.deliver(session)
    assert smtp.handler.messages[0].rcpt_tos == ["rita@example.com"]


def test_showing_sheet_records_each_listing(session, org, make_lead):
    lead = make_lead(org.agent)
    listings_feed.upsert(session, [reso("H1"), reso("H2")])
    ids = session.exec(select(col(Listing.id)).order_by(col(Listing.id))).all()
    sheet = listing_mail.showing_sheet(
        session, org.agent, lead.id, list(reversed(ids)), "2026-12-05"
    )
    session.commit()
    assert sheet["date"] == "Saturday, December 5, 2026"
    assert [r["mls"] for r in sheet["listings"]] == ["H2", "H1"]
    vias = session.exec(
        select(col(ListingSent.via)).where(col(ListingSent.lead_id) == lead.id)
    ).all()
    assert vias == ["showing_sheet", "showing_sheet"]
    assert session.exec(
        select(HistoryEntry).where(col(HistoryEntry.title) == "Showing sheet for Dec 5, 2026")
    ).one()


def test_bad_input_and_other_agents_lead(session, org, make_lead):
    lead = make_lead(org.agent)
    listings_feed.upsert(session, [reso("B1")])
    lid = session.exec(select(col(Listing.id))).one()
    with pytest.raises(ValidationFailed):
        listing_mail.email_listings(session, org.agent, lead.id, [], "")
    with pytest.raises(NotFound):
        listing_mail.email_listings(session, org.agent, lead.id, [lid, 99999], "")
    with pytest.raises(ValidationFailed):
        listing_mail.showing_sheet(session, org.agent, lead.id, [lid], "soon")
    with pytest.raises(NotFound):
        listing_mail.email_listings(session, org.agent2, lead.id, [lid], "")
    assert session.exec(select(ListingSent)).all() == []
