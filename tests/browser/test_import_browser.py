"""The Import page in the browser (I1-I4): template download for both roles, a clean file,
a file with an error in every column (each message checked), fixing and re-uploading,
the import and its counts."""

import csv
import io

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from leadapp.models import CampaignSubscription, HistoryEntry, ImportBatch, Lead, MarketSubscription
from tests.import_headers import TEMPLATE_HEADERS

expect.set_options(timeout=20_000)

HEADERS = TEMPLATE_HEADERS


def csv_bytes(rows, headers=HEADERS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode()


def upload(page, data: bytes, name: str = "leads.csv"):
    page.set_input_files(
        "[data-testid=dropzone] input[type=file]",
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}],
    )


def download_template(page):
    with page.expect_download() as info:
        page.get_by_test_id("download-template").click()
    d = info.value
    return d.suggested_filename, open(d.path(), encoding="utf-8").read()


def test_template_download_for_broker_and_agent(page, signed_in, shot):
    signed_in(page, "broker", path="/import")
    expect(page.get_by_test_id("column-guide")).to_contain_text("Agent ID")
    name, text = download_template(page)
    assert name == "leadapp-import-template-broker.csv"
    assert text.splitlines()[0].split(",") == HEADERS
    shot(page, "import_broker")
    page.get_by_test_id("sign-out").click() if page.get_by_test_id(
        "sign-out"
    ).is_visible() else None
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    signed_in(page, "agent", path="/import")
    expect(page.get_by_test_id("column-guide")).to_contain_text("Campaign ID")
    expect(page.get_by_test_id("column-guide")).not_to_contain_text("Agent ID")
    name, text = download_template(page)
    assert name == "leadapp-import-template.csv"
    assert text.splitlines()[0].split(",") == [h for h in HEADERS if h != "Agent ID"]
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "import_agent_phone", full_page=False)


def test_clean_file_looks_good(page, signed_in, shot):
    signed_in(page, "agent", path="/import")
    data = csv_bytes(
        [
            [
                "clean.one@example.org",
                "Clean One",
                "5105550199",
                "",
                "",
                "CA",
                "94704",
                "",
                "",
                "buyer",
                "Nurturing",
                "",
                "YES",
                "",
                "",
                "",
            ]
        ],
        [h for h in HEADERS if h != "Agent ID"],
    )
    upload(page, data, "clean.csv")
    expect(page.get_by_test_id("looks-good")).to_have_text("Looks Good!")
    expect(page.get_by_test_id("count-rows")).to_have_text("1")
    expect(page.get_by_test_id("count-valid")).to_have_text("1")
    expect(page.get_by_test_id("count-errors")).to_have_text("0")
    expect(page.get_by_test_id("cell-error")).to_have_count(0)
    expect(page.get_by_test_id("import-button")).to_be_visible()
    shot(page, "import_clean")


def test_errors_in_every_column_then_fix_and_import(page, signed_in, engine, shot):
    with Session(engine) as s:
        taken = s.exec(select(col(Lead.email)).order_by(col(Lead.id))).first()
    assert taken is not None
    bad_row = [
        "not-an-email",
        "x" * 101,
        "555-0101",
        "x" * 201,
        "x" * 101,
        "Calif",
        "ABC",
        "2/30/1990",
        "June 5",
        "investor",
        "ZZZ999",
        "Hot",
        "ok, " + "t" * 61,
        "maybe",
        "999",
        "999",
        "x" * 20001,
    ]
    good_rows = [
        [
            "ivy.import@example.org",
            "Ivy Import",
            "(510) 555-0123",
            "12 Cedar St",
            "Berkeley",
            "California",
            "94709",
            "4/5/1980",
            "06/30/2019",
            "buyer",
            "BVR101",
            "Nurturing",
            "Imported, VIP",
            "YES",
            "1",
            "1",
            "Met at the open house",
        ],
        [
            "oz.import@example.org",
            "Oz Import",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "seller",
            "",
            "",
            "Imported",
            "NO",
            "",
            "",
            "",
        ],
    ]
    rows = good_rows + [
        bad_row,
        [taken.upper()] + [""] * 16,
        ["IVY.import@example.org"] + [""] * 16,
    ]
    signed_in(page, "broker", path="/import")
    upload(page, csv_bytes(rows, HEADERS + ["Fax"]), "old-crm.csv")
    expected = [
        "row 4, Email: 'not-an-email' is not a valid email address.",
        "row 4, Name: First name has at most 100 characters.",
        "row 4, Phone: '555-0101' is not a 10-digit phone number.",
        "row 4, Address: Address has at most 200 characters.",
        "row 4, City: City has at most 100 characters.",
        "row 4, State: 'Calif' is not a US state or Canadian province (full name or 2-letter "
        "code).",
        "row 4, Postal Code: 'ABC' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1).",
        "row 4, Birthday: '2/30/1990' is not a real calendar date.",
        "row 4, Transaction Anniversary: 'June 5' is not a date in mm/dd/yyyy form.",
        "row 4, Type: 'investor' is not a lead type (buyer, seller or renter).",
        "row 4, Agent ID: 'ZZZ999' is not an Agent ID of your brokerage (see Settings → Team).",
        "row 4, Pipeline Stage: 'Hot' is not a pipeline stage (Uncontacted, Attempted Contact, "
        "Nurturing, "
        "Under Contract, Closed, Dead).",
        f"row 4, Tags: Tag '{'t' * 20}…' is longer than 60 characters.",
        "row 4, Texting: 'maybe' must be YES or NO.",
        "row 4, Market ID: 999 is not a Market ID of your brokerage.",
        "row 4, Campaign ID: 999 is not a Campaign ID of your brokerage.",
        "row 4, Notes: Notes has at most 20000 characters.",
        f"row 5, Email: {taken} is already a lead.",
        "row 6, Email: 'IVY.import@example.org' is repeated in the file (first on row 2).",
    ]
    expect(page.get_by_test_id("error-item")).to_have_text(expected)
    expect(page.get_by_test_id("verdict-errors")).to_contain_text("19 errors in 3 rows")
    expect(page.get_by_test_id("count-rows")).to_have_text("5")
    expect(page.get_by_test_id("count-valid")).to_have_text("2")
    expect(page.get_by_test_id("count-errors")).to_have_text("19")
    expect(page.get_by_test_id("count-warnings")).to_have_text("1")
    expect(page.get_by_test_id("warning")).to_have_text(
        ["• Column 'Fax' is not a supported column; it is ignored."]
    )
    expect(page.get_by_test_id("cell-error")).to_have_count(19)
    expect(page.get_by_test_id("import-button")).to_have_count(0)
    page.get_by_test_id("cell-error").nth(6).hover()
    expect(page.get_by_role("tooltip")).to_contain_text(
        "'ABC' is neither a 5-digit ZIP nor a Canadian postal code"
    )
    shot(page, "import_errors")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "import_errors_phone", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    # fix the file (drop the bad rows) and upload it again
    page.get_by_test_id("upload-again").click()
    upload(page, csv_bytes(good_rows, HEADERS), "old-crm-fixed.csv")
    expect(page.get_by_test_id("looks-good")).to_have_text("Looks Good!")
    expect(page.get_by_test_id("count-valid")).to_have_text("2")
    page.get_by_test_id("import-button").click()
    expect(page.get_by_test_id("import-success")).to_have_text(
        "2 leads imported, 2 tags applied (1 new), 1 note, 1 market enrolment, 1 campaign "
        "enrolment."
    )
    expect(page.get_by_test_id("result-leads")).to_have_text("2")
    shot(page, "import_done")
    with Session(engine) as s:
        ivy = s.exec(select(Lead).where(col(Lead.email) == "ivy.import@example.org")).one()
        assert (
            ivy.first_name,
            ivy.state,
            ivy.assigned_agent_id,
            ivy.stage,
            ivy.texting_consent,
        ) == ("Ivy", "CA", 2, "nurturing", True)
        batch = s.exec(select(ImportBatch).order_by(col(ImportBatch.id).desc())).first()
        assert batch is not None
        assert (batch.filename, batch.lead_count) == ("old-crm-fixed.csv", 2)
        hist = s.exec(select(HistoryEntry).where(col(HistoryEntry.lead_id) == ivy.id)).all()
        assert {h.kind for h in hist} == {"import", "note"}
        assert any(f"import #{batch.id}" in h.body for h in hist)
        assert (
            len(
                s.exec(
                    select(MarketSubscription).where(col(MarketSubscription.lead_id) == ivy.id)
                ).all()
            )
            == 3
        )
        assert s.exec(
            select(CampaignSubscription).where(col(CampaignSubscription.lead_id) == ivy.id)
        ).one()
    # the same file again is refused: the emails are leads now
    page.get_by_test_id("import-another").click()
    upload(page, csv_bytes(good_rows, HEADERS), "old-crm-fixed.csv")
    expect(page.get_by_test_id("error-item").first).to_have_text(
        "row 2, Email: ivy.import@example.org is already a lead."
    )


def test_agent_file_with_agent_id_column_warns(page, signed_in):
    signed_in(page, "agent2", path="/import")
    upload(page, csv_bytes([["agent.file@example.org", "BVR101"]], ["E-mail", "Agent ID"]))
    expect(page.get_by_test_id("looks-good")).to_have_text("Looks Good!")
    expect(page.get_by_test_id("warning")).to_contain_text(["only brokers assign agents"])


def test_unreadable_file_is_refused_with_a_message(page, signed_in):
    signed_in(page, "broker", path="/import")
    upload(page, b"Email,Name\r\na@x.com,A,too,many\r\n", "broken.csv")
    expect(page.get_by_test_id("file-refused")).to_contain_text("not a well-formed CSV")
