"""I1-I3: template, decoding, header matching and every import rule with its message."""

import codecs

import pandas as pd
import pytest

from leadapp.models import Campaign, Market
from leadapp.services import importer
from leadapp.services.errors import ServiceError
from leadapp.services.importer.validate import LOOKS_GOOD
from leadapp.settings import MAX_IMPORT_BYTES
from tests.import_headers import TEMPLATE_HEADERS


def preview(session, user, text: str, **kw):
    return importer.build_preview(session, user, text.encode("utf-8"), "t.csv", **kw)


def rows(pv) -> pd.DataFrame:
    """The checked rows of a preview that has them."""
    assert pv.values is not None
    return pv.values


def one_error(pv):
    assert len(pv.errors) == 1, [e.text() for e in pv.errors]
    return pv.errors[0]


def test_template_has_agent_id_for_brokers_only():
    broker = importer.template_csv(True).splitlines()[0].split(",")
    agent = importer.template_csv(False).splitlines()[0].split(",")
    assert broker == TEMPLATE_HEADERS
    assert agent == [h for h in broker if h != "Agent ID"]
    assert "Agent ID" in [g["header"] for g in importer.guide(True)]
    assert "Agent ID" not in [g["header"] for g in importer.guide(False)]
    assert importer.template_csv(True).endswith("\r\n")


def test_the_template_itself_previews_clean(session, org):
    pv = importer.build_preview(
        session, org.agent, importer.template_csv(False).encode(), "template.csv"
    )
    assert pv.ok and pv.verdict == LOOKS_GOOD and pv.counts()["rows"] == 1


@pytest.mark.parametrize(
    "data,encoding",
    [
        (
            codecs.BOM_UTF8 + "Email,Name\r\nj@x.com,José Núñez\r\n".encode(),
            "UTF-8 (with BOM)",
        ),
        ("Email,Name\nj@x.com,José Núñez\n".encode(), "UTF-8"),
        ("Email,Name\r\nj@x.com,José Núñez\r\n".encode("cp1252"), "Windows-1252"),
        ("Email,Name\r\nj@x.com,José Núñez\r\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_encodings_are_detected(session, org, data, encoding):
    pv = importer.build_preview(session, org.broker, data, "t.csv")
    assert pv.encoding == encoding and pv.ok
    assert rows(pv).iloc[0]["first_name"] == "José" and rows(pv).iloc[0]["last_name"] == "Núñez"


def test_cp1252_smart_quotes_and_commas_in_quotes(session, org):
    data = 'Email,Name,Notes\r\nj@x.com,"Doe, Jane","She said \u201cyes\u201d, twice"\r\n'.encode(
        "cp1252"
    )
    pv = importer.build_preview(session, org.broker, data, "t.csv")
    assert pv.encoding == "Windows-1252" and pv.ok
    row = rows(pv).iloc[0]
    assert (row["first_name"], row["last_name"]) == ("Doe,", "Jane")
    assert row["notes"] == "She said \u201cyes\u201d, twice"


def test_headers_match_case_space_and_synonyms(session, org):
    pv = preview(
        session,
        org.broker,
        " e-MAIL , full name,ZIP,Cell Phone,Fax,\r\nj@x.com,Jo Do,94704,4155550101,1,\r\n",
    )
    assert pv.ok
    used = {h["header"]: h["label"] for h in pv.headers if h["used"]}
    assert used == {
        "e-MAIL": "Email",
        "full name": "Name",
        "ZIP": "Postal Code",
        "Cell Phone": "Phone",
    }
    assert pv.warnings == ["Column 'Fax' is not a supported column; it is ignored."]
    assert rows(pv).iloc[0]["phone"] == "(415) 555-0101"


def test_repeated_and_headerless_columns_warn(session, org):
    pv = preview(session, org.broker, "Email,E-mail,,Name\r\nj@x.com,k@x.com,zz,J\r\n")
    assert pv.ok
    assert pv.warnings == [
        "Column 'E-mail' repeats Email (column A); it is ignored.",
        "Column C has no header; it is ignored.",
    ]
    assert rows(pv).iloc[0]["email"] == "j@x.com"


def test_agent_id_column_is_ignored_with_a_warning_for_agents(session, org):
    pv = preview(session, org.agent, "Email,Agent ID\r\nj@x.com,NOPE\r\n")
    assert pv.ok and "only brokers assign agents" in pv.warnings[0]


def test_first_and_last_name_columns(session, org):
    pv = preview(session, org.broker, "Email,First Name,Last Name\r\nj@x.com,Mary Ann,Smith\r\n")
    assert pv.ok and (rows(pv).iloc[0]["first_name"], rows(pv).iloc[0]["last_name"]) == (
        "Mary Ann",
        "Smith",
    )


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "The file is empty."),
        (
            "Name\r\nJo\r\n",
            "The file has no Email column (the only required column). "
            "Download the template to see the expected headers.",
        ),
        ("Email,Name\r\n", "The file has a header row but no leads."),
    ],
)
def test_file_level_errors(session, org, text, message):
    try:
        pv = preview(session, org.broker, text)
    except ServiceError as exc:
        assert str(exc) == message
        return
    assert not pv.ok and pv.file_errors == [message] and pv.verdict == message


def test_malformed_csv_is_refused_with_a_message(session, org):
    with pytest.raises(ServiceError, match="not a well-formed CSV"):
        preview(session, org.broker, "Email,Name\r\na@x.com,A,extra,cells\r\n")


def test_size_limit_is_50_mb_and_refused_with_a_message(session, org):
    assert MAX_IMPORT_BYTES == 50 * 1024 * 1024
    with pytest.raises(ServiceError, match=r"limit is 1 MB"):
        importer.build_preview(
            session,
            org.broker,
            b"Email\r\n" + b"a@x.com\r\n" * 200_000,
            "big.csv",
            max_bytes=1024 * 1024,
        )


RULES = [
    ("Email", "", "Email is required."),
    ("Email", "not-an-email", "'not-an-email' is not a valid email address."),
    ("Email", "a@b", "'a@b' is not a valid email address."),
    ("Phone", "555-0101", "'555-0101' is not a 10-digit phone number."),
    ("Phone", "x" * 61, "A phone number has at most 60 characters."),
    (
        "State",
        "Calif",
        "'Calif' is not a US state or Canadian province (full name or 2-letter code).",
    ),
    ("Postal Code", "ABC", "'ABC' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1)."),
    (
        "Postal Code",
        "9470",
        "'9470' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1).",
    ),
    ("Birthday", "1985-04-15", "'1985-04-15' is not a date in mm/dd/yyyy form."),
    ("Birthday", "2/30/1990", "'2/30/1990' is not a real calendar date."),
    ("Birthday", "1/1/2999", "'1/1/2999' is not a plausible past date."),
    ("Birthday", "1/1/1850", "'1/1/1850' is not a plausible past date."),
    ("Transaction Anniversary", "13/01/2020", "'13/01/2020' is not a real calendar date."),
    ("Transaction Anniversary", "June 5", "'June 5' is not a date in mm/dd/yyyy form."),
    ("Type", "investor", "'investor' is not a lead type (buyer, seller or renter)."),
    ("Agent ID", "ZZZ999", "'ZZZ999' is not an Agent ID of your brokerage (see Settings → Team)."),
    (
        "Pipeline Stage",
        "Hot",
        "'Hot' is not a pipeline stage (Uncontacted, Attempted Contact, Nurturing, "
        "Under Contract, Closed, Dead).",
    ),
    ("Tags", "ok, " + "t" * 61, f"Tag '{'t' * 20}…' is longer than 60 characters."),
    ("Texting", "maybe", "'maybe' must be YES or NO."),
    ("Market ID", "abc", "'abc' is not a Market ID (a number)."),
    ("Market ID", "999", "999 is not a Market ID of your brokerage."),
    ("Campaign ID", "999", "999 is not a Campaign ID of your brokerage."),
    ("Name", "x" * 101, "First name has at most 100 characters."),
    ("Name", "Jo " + "x" * 101, "Last name has at most 100 characters."),
    ("Address", "x" * 201, "Address has at most 200 characters."),
    ("City", "x" * 101, "City has at most 100 characters."),
    ("Notes", "x" * 20001, "Notes has at most 20000 characters."),
]


@pytest.mark.parametrize("column,value,message", RULES, ids=[f"{c}:{m[:30]}" for c, _, m in RULES])
def test_each_rule_and_its_message(session, org, column, value, message):
    email = "" if column == "Email" else "ok@x.com"
    if column == "Email":
        text = f'Email\r\n"{value}"\r\n' if value else "Email,Name\r\n,Someone\r\n"
    else:
        text = f'Email,{column}\r\n{email},"{value}"\r\n'
    err = one_error(preview(session, org.broker, text))
    assert (err.row, err.message) == (2, message)
    assert err.column == column and err.value == value


def test_error_text_reads_row_column_message(session, org):
    pv = preview(
        session,
        org.broker,
        "Email,Postal Code\r\n"
        + "".join(f"p{i}@x.com,94704\r\n" for i in range(15))
        + "p99@x.com,ABC\r\n",
    )
    assert one_error(pv).text() == (
        "row 17, Postal Code: 'ABC' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1)."
    )
    assert pv.counts() == {"rows": 16, "valid": 15, "error_rows": 1, "errors": 1, "warnings": 0}


def test_inactive_campaign_is_an_error_and_existing_ids_are_fine(session, org):
    m = Market(brokerage_id=org.brokerage.id, name="Condos")
    c = Campaign(brokerage_id=org.brokerage.id, name="Old drip", active=False)
    c2 = Campaign(brokerage_id=org.brokerage.id, name="Welcome")
    session.add_all([m, c, c2])
    session.commit()
    err = one_error(
        preview(session, org.broker, f"Email,Market ID,Campaign ID\r\na@x.com,{m.id},{c.id}\r\n")
    )
    assert err.message == f"Campaign {c.id} (Old drip) is not active."
    pv = preview(
        session, org.broker, f'Email,Market ID,Campaign ID\r\na@x.com,"{m.id}","{c2.id}"\r\n'
    )
    assert (
        pv.ok
        and rows(pv).iloc[0]["market_id"] == [m.id]
        and rows(pv).iloc[0]["campaign_id"] == [c2.id]
    )


def test_market_of_another_brokerage_is_refused(session, org, other_org):
    m = Market(brokerage_id=other_org.brokerage.id, name="Theirs")
    session.add(m)
    session.commit()
    assert (
        one_error(preview(session, org.broker, f"Email,Market ID\r\na@x.com,{m.id}\r\n")).message
        == f"{m.id} is not a Market ID of your brokerage."
    )


def test_agent_id_of_another_brokerage_is_refused(session, org, other_org):
    pv = preview(session, org.broker, f"Email,Agent ID\r\na@x.com,{other_org.agent.agent_code}\r\n")
    assert "is not an Agent ID of your brokerage" in one_error(pv).message
    pv = preview(
        session, org.broker, f"Email,Agent ID\r\na@x.com,{org.agent.agent_code.lower()}\r\n"
    )
    assert pv.ok and rows(pv).iloc[0]["agent_id"] == org.agent.id


def test_email_already_a_lead_is_an_error_case_insensitive(session, org, make_lead):
    make_lead(email="taken@example.com")
    err = one_error(preview(session, org.broker, "Email\r\nTaken@Example.COM\r\n"))
    assert err.message == "taken@example.com is already a lead."


def test_email_of_another_brokerages_lead_is_fine(session, org, other_org):
    from leadapp.services import leads as lead_svc

    lead_svc.create_lead(session, other_org.broker, {"email": "shared@example.com"})
    session.commit()
    assert preview(session, org.broker, "Email\r\nshared@example.com\r\n").ok


def test_email_repeated_in_file_is_an_error_case_insensitive(session, org):
    pv = preview(session, org.broker, "Email\r\nsame@x.com\r\nother@x.com\r\nSAME@x.com\r\n")
    err = one_error(pv)
    assert (err.row, err.message) == (4, "'SAME@x.com' is repeated in the file (first on row 2).")


def test_accepted_values_are_normalised(session, org):
    pv = preview(
        session,
        org.broker,
        "Email,Phone,State,Postal Code,Birthday,Transaction Anniversary,Type,Pipeline "
        "Stage,Tags,Texting\r\n"
        "A@X.com,1-415-555-0101 ,british columbia,k1a0b1,4/5/1980,12/31/2020,Seller,under contract,"
        '"hot, Hot ,VIP",no\r\n'
        "b@x.com,415-555-0101 ext. 12,ON,V5K 0A1,04/05/1980,,RENTER,Closed,,Y\r\n",
    )
    assert pv.ok, [e.text() for e in pv.errors]
    a, b = rows(pv).iloc[0], rows(pv).iloc[1]
    assert (a["email"], a["phone"], a["state"], a["postal_code"]) == (
        "a@x.com",
        "(415) 555-0101",
        "BC",
        "K1A 0B1",
    )
    assert (a["birthday"], a["birthday_md"], a["anniversary"]) == ("1980-04-05", 405, "2020-12-31")
    assert (a["type"], a["stage"], a["tags"], a["texting"]) == (
        "seller",
        "under_contract",
        ["hot", "VIP"],
        False,
    )
    assert (b["phone"], b["state"], b["type"], b["stage"], b["texting"]) == (
        "415-555-0101 ext. 12",
        "ON",
        "renter",
        "closed",
        True,
    )


def test_grid_marks_error_cells_and_can_show_only_error_rows(session, org):
    pv = preview(session, org.broker, "Email,Zip,Fax\r\na@x.com,94704,1\r\nb@x.com,ABC,2\r\n")
    g = pv.grid(only_errors=True)
    assert g["columns"] == ["Email", "Zip", "Fax"]
    assert [r["row"] for r in g["rows"]] == [3]
    assert [c["error"] != "" for c in g["rows"][0]["cells"]] == [False, True, False]
    assert len(pv.grid()["rows"]) == 2
    d = pv.to_dict()
    assert d["counts"]["errors"] == 1 and d["errors"][0]["column"] == "Zip" and not d["ok"]
