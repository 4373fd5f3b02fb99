"""The import columns (I1, I2): template order, header synonyms, the column guide."""

from __future__ import annotations

import re
from dataclasses import dataclass

from leadapp.models.enums import STAGES

from .preview import GuideRow

IMPORT_SOURCE = "Import"  # the source of every imported lead


@dataclass(frozen=True)
class Column:
    key: str  # internal name
    header: str  # the template's header
    accepted: str  # the guide's "accepted values"
    about: str  # the guide's one-line description
    synonyms: tuple[str, ...] = ()
    broker_only: bool = False
    required: bool = False
    in_template: bool = True


COLUMNS: list[Column] = [
    Column(
        "email",
        "Email",
        "A valid email address, not already a lead and not repeated in the file.",
        "Required. The lead's primary email.",
        ("e-mail", "email address", "e-mail address", "primary email", "mail"),
        required=True,
    ),
    Column(
        "name",
        "Name",
        "Free text; the last word is the last name.",
        "The lead's full name.",
        ("full name", "contact name", "lead name"),
    ),
    Column(
        "first_name",
        "First Name",
        "Free text (used when there is no Name column).",
        "First name.",
        ("first", "given name", "firstname"),
        in_template=False,
    ),
    Column(
        "last_name",
        "Last Name",
        "Free text (used when there is no Name column).",
        "Last name.",
        ("last", "surname", "family name", "lastname"),
        in_template=False,
    ),
    Column(
        "phone",
        "Phone",
        "A 10-digit number, or free text such as an extension.",
        "Primary phone; a mobile number if you use texting.",
        (
            "phone number",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "telephone",
            "tel",
            "primary phone",
        ),
    ),
    Column(
        "address",
        "Address",
        "Street number and name, or a PO box.",
        "The lead's street address.",
        ("street", "street address", "address 1", "address line 1", "addr"),
    ),
    Column("city", "City", "Free text.", "City.", ("town",)),
    Column(
        "state",
        "State",
        "Full state name or 2-letter code; Canadian provinces too.",
        "State or province.",
        ("province", "state/province", "region"),
    ),
    Column(
        "postal_code",
        "Postal Code",
        "US 5-digit ZIP or Canadian postal code (A1A 1A1).",
        "ZIP or postal code.",
        ("zip", "zip code", "zipcode", "postcode", "postal", "zip/postal code"),
    ),
    Column(
        "birthday",
        "Birthday",
        "mm/dd/yyyy or m/d/yyyy, in the past.",
        "Enrols the lead in automatic birthday greetings.",
        ("birth date", "birthdate", "date of birth", "dob"),
    ),
    Column(
        "anniversary",
        "Transaction Anniversary",
        "mm/dd/yyyy or m/d/yyyy.",
        "The closing date of a deal; enrols the lead in anniversary greetings.",
        ("anniversary", "closing date", "closing_date", "home anniversary", "close date"),
    ),
    Column("type", "Type", "buyer, seller or renter.", "The kind of lead.", ("lead type",)),
    Column(
        "agent_id",
        "Agent ID",
        "An Agent ID from Settings → Team.",
        "Brokers only: assigns the lead to that agent; empty = unassigned.",
        ("agent", "agent mls id", "agent code", "assigned agent", "agent id"),
        broker_only=True,
    ),
    Column(
        "stage",
        "Pipeline Stage",
        ", ".join(STAGES.values()) + ".",
        "Where the lead is in the pipeline.",
        ("pipeline", "stage", "pipeline status"),
    ),
    Column(
        "tags",
        "Tags",
        "Text; several tags separated by commas (created as needed).",
        "Tags for filtering and campaigns.",
        ("tag", "labels", "label"),
    ),
    Column(
        "texting",
        "Texting",
        "YES or NO.",
        "Texting consent (TCPA): YES lets campaigns text the lead.",
        ("texting opt in", "texting consent", "sms", "sms opt in", "text opt in"),
    ),
    Column(
        "market_id",
        "Market ID",
        "A Market ID (several separated by commas).",
        "Subscribes the lead to all three reports of that market.",
        ("market", "markets", "market ids"),
    ),
    Column(
        "campaign_id",
        "Campaign ID",
        "A Campaign ID (several separated by commas).",
        "Enrols the lead in that marketing-automation campaign.",
        ("campaign", "campaigns", "campaign ids"),
    ),
    Column(
        "notes",
        "Notes",
        "Free text.",
        "Saved as a note in the lead's history.",
        ("note", "comments", "comment", "description"),
    ),
]
BY_KEY = {c.key: c for c in COLUMNS}


def norm_header(text: str) -> str:
    """Header matching is case-, space- and punctuation-insensitive: 'E-mail ' == 'email'."""
    return re.sub(r"[^0-9a-z]", "", str(text).strip().lstrip("\ufeff").lower())


HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.header, _c.key, *_c.synonyms):
        HEADER_LOOKUP.setdefault(norm_header(_name), _c.key)


def template_columns(is_broker: bool) -> list[Column]:
    return [c for c in COLUMNS if c.in_template and (is_broker or not c.broker_only)]


def guide(is_broker: bool) -> list[GuideRow]:
    """The column guide shown beside the template download."""
    return [
        {
            "header": c.header,
            "about": c.about,
            "accepted": c.accepted,
            "required": "Required" if c.required else "Optional",
        }
        for c in template_columns(is_broker)
    ]


def template_csv(is_broker: bool) -> str:
    """The import template: the header row and one example row (CRLF, as spreadsheets write)."""
    example = {
        "email": "jane.doe@example.com",
        "name": "Jane Doe",
        "phone": "(415) 555-0101",
        "address": "123 Main St",
        "city": "Berkeley",
        "state": "CA",
        "postal_code": "94704",
        "birthday": "4/15/1985",
        "anniversary": "06/30/2019",
        "type": "buyer",
        "agent_id": "",
        "stage": "Nurturing",
        "tags": "First-time buyer, Pre-approved",
        "texting": "YES",
        "market_id": "",
        "campaign_id": "",
        "notes": "Met at the open house on Cedar St.",
    }
    cols = template_columns(is_broker)
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header for c in cols])
    w.writerow([example[c.key] for c in cols])
    return buf.getvalue()
