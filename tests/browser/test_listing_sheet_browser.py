"""P18 on the lead page in the browser: "Email this listing" from a favourite (dialog with a
note, toast, the Messages tab and Listings sent show it, the email arrives) and the
printable showing sheet (new tab; Print records it; another agent is refused)."""

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import Favorite, Lead, Listing, ListingSent, OutgoingEmail, User, utcnow
from leadapp.services.rows import id_of, stored_ids

# a small picture as the listing photo (the test has no network)
PHOTO = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAKCAIAAAAy3EnLAAAAFElEQVR42mOoWLCPJMQw"
    "qmFoagAAB2El0LDWH74AAAAASUVORK5CYII="
)


def _lead_with_favourite(engine):
    """One of the agent's leads with one favourite listing (added here, with a photo)."""

    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.email) == "avery@demo.leadapp.io")).one()
        lead = s.exec(
            select(Lead)
            .where(
                col(Lead.assigned_agent_id) == agent.id,
                col(Lead.status) == "active",
                col(Lead.email) != "",
            )
            .order_by(col(Lead.id).desc())
        ).first()
        assert lead is not None
        listing = s.exec(select(Listing).where(col(Listing.status) == "active")).first()
        assert listing is not None
        listing.photo_url = PHOTO
        s.add(listing)
        s.add(
            Favorite(
                lead_id=id_of(lead),
                listing_id=id_of(listing),
                created_by="agent",
                created_at=utcnow(),
            )
        )
        s.commit()
        return lead.id, lead.email, listing.id, listing.mls_number, listing.street


def test_email_a_listing_and_print_its_showing_sheet(
    page, context, signed_in, server, engine, mail_sink, shot
):

    lead_id, email, listing_id, mls, street = _lead_with_favourite(engine)
    signed_in(page, "agent")
    page.goto(f"{server}/leads/{lead_id}")
    expect(page.get_by_test_id("lead-name")).to_be_visible(timeout=30_000)
    page.get_by_test_id("tab-organizer").click()
    page.get_by_test_id("organizer-view").get_by_role("radio", name="Favourites").click()
    card = page.get_by_test_id("favorite").filter(has_text=mls)
    card.get_by_test_id("email-listing").click()
    dialog = page.get_by_test_id("listing-mail-dialog")
    expect(dialog).to_contain_text(street)
    page.get_by_test_id("listing-note").fill("This one has the garden you asked about.")
    shot(page, "lead_email_listing_dialog", full_page=False)
    page.get_by_test_id("send-listing").click()
    expect(page.get_by_text(f"Emailed {street}")).to_be_visible()
    expect(dialog).to_have_count(0)
    with Session(engine) as s:
        row = s.exec(
            select(OutgoingEmail).where(
                col(OutgoingEmail.lead_id) == lead_id, col(OutgoingEmail.kind) == "message"
            )
        ).all()[-1]
        assert "garden you asked about" in row.body and street in row.body
    page.get_by_test_id("tab-messages").click()
    expect(page.get_by_test_id("message-row").filter(has_text=street).first).to_be_visible()
    page.get_by_test_id("tab-listings").click()
    sent_row = page.get_by_test_id("listing-sent-row").filter(has_text=mls).first
    expect(sent_row).to_contain_text("Emailed")
    arrived = mail_sink.wait_for(email, street)
    assert arrived is not None

    # the showing sheet opens in a new tab; printing is replaced by a flag in the test
    context.add_init_script("window.print = () => { window.__printed = true; }")
    with context.expect_page() as opened:
        sent_row.get_by_test_id("showing-sheet").click()
    sheet = opened.value
    expect(sheet.get_by_test_id("sheet-address")).to_have_text(street, timeout=30_000)
    expect(sheet.get_by_test_id("sheet-brokerage")).not_to_be_empty()
    expect(sheet.get_by_test_id("sheet-photo")).to_be_visible()
    expect(sheet.get_by_test_id("sheet-agent")).to_contain_text("Avery")
    sheet.get_by_test_id("sheet-date").fill("2026-12-12")
    expect(sheet.get_by_test_id("sheet-day")).to_have_text("Saturday, December 12, 2026")
    expect(sheet).to_have_url(f"{server}/leads/{lead_id}/listing/{mls}/sheet?date=2026-12-12")
    shot(sheet, "lead_showing_sheet")
    sheet.get_by_test_id("sheet-print").click()
    sheet.wait_for_function("window.__printed === true")
    with Session(engine) as s:
        assert s.exec(
            select(ListingSent).where(
                col(ListingSent.lead_id) == lead_id,
                col(ListingSent.listing_id) == listing_id,
                col(ListingSent.via) == "showing_sheet",
            )
        ).one()
    sheet.emulate_media(media="print")
    expect(sheet.get_by_test_id("sheet-print")).to_be_hidden()
    shot(sheet, "lead_showing_sheet_print")
    sheet.close()


def test_another_agent_cannot_open_the_sheet(page, signed_in, server, engine):

    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.email) == "avery@demo.leadapp.io")).one()
        lead_id = s.exec(
            select(col(Lead.id)).where(col(Lead.assigned_agent_id) == agent.id)
        ).first()
        mls = s.exec(select(col(Listing.mls_number))).first()
    signed_in(page, "agent2")
    page.goto(f"{server}/leads/{lead_id}/listing/{mls}/sheet")
    expect(page.get_by_test_id("sheet-error")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("showing-sheet-page")).to_have_count(0)


def test_pick_two_search_results_for_one_sheet_and_one_email(
    page, context, signed_in, server, engine, mail_sink, shot
):

    with Session(engine) as s:
        agent = s.exec(select(User).where(col(User.email) == "avery@demo.leadapp.io")).one()
        lead = s.exec(
            select(Lead)
            .where(
                col(Lead.assigned_agent_id) == agent.id,
                col(Lead.status) == "active",
                col(Lead.email) != "",
            )
            .order_by(col(Lead.id))
        ).first()
        assert lead is not None
        lead_id, email = lead.id, lead.email
    signed_in(page, "agent")
    page.goto(f"{server}/leads/{lead_id}")
    expect(page.get_by_test_id("lead-name")).to_be_visible(timeout=30_000)
    page.get_by_test_id("tab-organizer").click()
    page.get_by_test_id("add-search").click()
    page.get_by_test_id("ps-search").click()
    rows = page.get_by_test_id("ps-row")
    expect(rows.nth(1)).to_be_visible()
    picked = [rows.nth(i).get_by_role("cell").nth(5).inner_text().strip() for i in (0, 1)]
    for i in (0, 1):
        rows.nth(i).get_by_test_id("ps-pick").click()
    expect(page.get_by_test_id("ps-picked-count")).to_have_text("2 selected:")
    shot(page, "lead_property_search_picked", full_page=False)
    with Session(engine) as s:
        streets = [
            s.exec(select(Listing).where(col(Listing.mls_number) == m)).one().street for m in picked
        ]

    # one sheet with both, in the order picked; printing records each once
    context.add_init_script("window.print = () => { window.__printed = true; }")
    with context.expect_page() as opened:
        page.get_by_test_id("ps-sheet-picked").click()
    sheet = opened.value
    expect(sheet.get_by_test_id("sheet-address")).to_have_text(streets, timeout=30_000)
    expect(sheet).to_have_url(f"{server}/leads/{lead_id}/sheet?mls={','.join(picked)}")
    shot(sheet, "lead_showing_sheet_several")
    sheet.get_by_test_id("sheet-print").click()
    sheet.wait_for_function("window.__printed === true")
    sheet.close()
    with Session(engine) as s:
        shown = s.exec(
            select(col(ListingSent.listing_id)).where(
                col(ListingSent.lead_id) == lead_id, col(ListingSent.via) == "showing_sheet"
            )
        ).all()
        ids = stored_ids(
            s.exec(select(col(Listing.id)).where(col(Listing.mls_number) == m)).one()
            for m in picked
        )
        assert sorted(shown) == sorted(ids)

    # one email with both and the note
    page.get_by_test_id("ps-email-picked").click()
    dialog = page.get_by_test_id("listing-mail-dialog")
    expect(dialog.get_by_test_id("listing-mail-item")).to_have_count(2)
    expect(dialog).to_contain_text("Email these listings")
    dialog.get_by_role("button", name="Cancel").click()  # back to the search, picks kept
    expect(page.get_by_test_id("ps-picked-count")).to_have_text("2 selected:")
    page.get_by_test_id("ps-email-picked").click()
    expect(dialog.get_by_test_id("listing-mail-item")).to_have_count(2)
    page.get_by_test_id("listing-note").fill("Two homes for Saturday.")
    shot(page, "lead_email_listings_dialog", full_page=False)
    page.get_by_test_id("send-listing").click()
    expect(page.get_by_text("Emailed 2 listings")).to_be_visible()
    assert mail_sink.wait_for(email, "2 listings for you") is not None
    with Session(engine) as s:
        [row] = s.exec(
            select(OutgoingEmail).where(
                col(OutgoingEmail.lead_id) == lead_id,
                col(OutgoingEmail.subject) == "2 listings for you",
            )
        ).all()
        assert "Two homes for Saturday." in row.body and all(st in row.body for st in streets)
        emailed = s.exec(
            select(col(ListingSent.listing_id)).where(
                col(ListingSent.lead_id) == lead_id, col(ListingSent.via) == "email"
            )
        ).all()
        assert sorted(emailed) == sorted(ids)
    page.get_by_test_id("tab-messages").click()
    expect(page.get_by_test_id("message-row").filter(has_text="2 listings for you")).to_be_visible()
