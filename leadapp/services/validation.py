"""Field rules shared by the add-lead form, the lead editor, the importer and the API (I2, L8).

Each `check_*` takes the raw text and returns the normalised value or raises
ValueError with the message shown next to the field (or on the import cell).
The regular expressions and tables are module constants so the vectorised importer
applies exactly the same rules to whole columns.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from leadapp.models.enums import LEAD_TYPES, STAGES

EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
US_ZIP_RE = re.compile(r"^\d{5}$")
CA_POSTAL_RE = re.compile(
    r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$", re.IGNORECASE
)
US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
PHONE_PUNCT_RE = re.compile(r"^[\d\s().+\-]+$")

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
}
CA_PROVINCES = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}
# Every accepted spelling (upper-cased) -> the two-letter code.
STATE_LOOKUP: dict[str, str] = {}
for _code, _name in {**US_STATES, **CA_PROVINCES}.items():
    STATE_LOOKUP[_code] = _code
    STATE_LOOKUP[_name.upper()] = _code
STATE_LOOKUP["QUÉBEC"] = "QC"

TYPE_LOOKUP = {k: k for k in LEAD_TYPES} | {v.upper(): k for k, v in LEAD_TYPES.items()}
STAGE_LOOKUP = {v.upper(): k for k, v in STAGES.items()} | {k.upper(): k for k in STAGES}
YES_NO = {"YES": True, "Y": True, "NO": False, "N": False}


def clean(value) -> str:
    """Text of a cell or form field, stripped; None and NaN become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return str(value).strip()


def check_email(value) -> str:
    text = clean(value)
    if not text:
        raise ValueError("Email is required.")
    if len(text) > 254 or not EMAIL_RE.match(text):
        raise ValueError(f"'{text}' is not a valid email address.")
    return text.lower()


def check_optional_email(value) -> str:
    return check_email(value) if clean(value) else ""


def phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def check_phone(value) -> str:
    """A 10-digit number (formatted (415) 555-0101), or free text such as an extension."""
    text = clean(value)
    if not text:
        return ""
    if len(text) > 60:
        raise ValueError("A phone number has at most 60 characters.")
    if PHONE_PUNCT_RE.match(text):
        digits = phone_digits(text)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise ValueError(f"'{text}' is not a 10-digit phone number.")
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return text  # free text, e.g. "415-555-0101 ext. 12"


def check_state(value) -> str:
    text = clean(value)
    if not text:
        return ""
    code = STATE_LOOKUP.get(re.sub(r"\s+", " ", text).upper().rstrip("."))
    if code is None:
        raise ValueError(
            f"'{text}' is not a US state or Canadian province (full name or 2-letter code)."
        )
    return code


def check_postal_code(value) -> str:
    text = clean(value)
    if not text:
        return ""
    if US_ZIP_RE.match(text):
        return text
    m = CA_POSTAL_RE.match(text)
    if m:
        return f"{m.group(1)} {m.group(2)}".upper()
    raise ValueError(f"'{text}' is neither a 5-digit ZIP nor a Canadian postal code (A1A 1A1).")


def check_date(value, *, allow_iso: bool = False) -> date | None:
    """mm/dd/yyyy or m/d/yyyy (and yyyy-mm-dd from a date picker when allow_iso)."""
    if isinstance(value, date):
        return value
    text = clean(value)
    if not text:
        return None
    m = US_DATE_RE.match(text)
    iso = ISO_DATE_RE.match(text) if allow_iso else None
    try:
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        raise ValueError(f"'{text}' is not a real calendar date.") from None
    raise ValueError(f"'{text}' is not a date in mm/dd/yyyy form.")


def check_past_date(value, *, allow_iso: bool = False) -> date | None:
    d = check_date(value, allow_iso=allow_iso)
    if d is not None and (d.year < 1900 or d > datetime.now().date()):
        raise ValueError(f"'{clean(value)}' is not a plausible past date.")
    return d


def check_type(value) -> str | None:
    text = clean(value)
    if not text:
        return None
    code = TYPE_LOOKUP.get(text.upper()) or TYPE_LOOKUP.get(text.lower())
    if code is None:
        raise ValueError(f"'{text}' is not a lead type (buyer, seller or renter).")
    return code


def check_stage(value) -> str | None:
    text = clean(value)
    if not text:
        return None
    code = STAGE_LOOKUP.get(re.sub(r"[\s_]+", " ", text).upper()) or STAGE_LOOKUP.get(text.upper())
    if code is None:
        raise ValueError(f"'{text}' is not a pipeline stage ({', '.join(STAGES.values())}).")
    return code


def check_yes_no(value) -> bool | None:
    text = clean(value)
    if not text:
        return None
    if text.upper() not in YES_NO:
        raise ValueError(f"'{text}' must be YES or NO.")
    return YES_NO[text.upper()]


def check_tags(value) -> list[str]:
    """Comma-separated tag names, trimmed, de-duplicated case-insensitively."""
    seen: dict[str, str] = {}
    for part in clean(value).split(","):
        name = re.sub(r"\s+", " ", part).strip()
        if not name:
            continue
        if len(name) > 60:
            raise ValueError(f"Tag '{name[:20]}…' is longer than 60 characters.")
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def check_text(value, max_len: int, label: str) -> str:
    text = clean(value)
    if len(text) > max_len:
        raise ValueError(f"{label} has at most {max_len} characters.")
    return text


def check_money(value, label: str) -> int | None:
    text = clean(value).replace("$", "").replace(",", "")
    if not text:
        return None
    try:
        amount = int(float(text))
    except (ValueError, OverflowError):
        raise ValueError(f"{label}: '{clean(value)}' is not an amount.") from None
    if amount < 0 or amount > 1_000_000_000:
        raise ValueError(f"{label}: '{clean(value)}' is out of range.")
    return amount


def split_name(full: str) -> tuple[str, str]:
    """'Mary Ann Smith' -> ('Mary Ann', 'Smith'); one word is a first name."""
    parts = clean(full).split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


# The contact fields of a lead and their checks, shared by the form, the editor and the API.
CONTACT_FIELD_CHECKS = {
    "email": check_email,
    "first_name": lambda v: check_text(v, 100, "First name"),
    "last_name": lambda v: check_text(v, 100, "Last name"),
    "phone": check_phone,
    "street": lambda v: check_text(v, 200, "Street"),
    "city": lambda v: check_text(v, 100, "City"),
    "state": check_state,
    "postal_code": check_postal_code,
    "birthday": lambda v: check_past_date(v, allow_iso=True),
    "anniversary": lambda v: check_date(v, allow_iso=True),
    "lead_type": check_type,
    "source": lambda v: check_text(v, 60, "Source"),
    "property_type_wanted": lambda v: check_text(v, 40, "Property type"),
    "price_min": lambda v: check_money(v, "Minimum price"),
    "price_max": lambda v: check_money(v, "Maximum price"),
    "move_timeframe": lambda v: check_text(v, 60, "Move-in timeframe"),
    "closing_date": lambda v: check_date(v, allow_iso=True),
    "ps_due_date": lambda v: check_date(v, allow_iso=True),
}


def check_fields(data: dict, checks: dict | None = None) -> tuple[dict, dict[str, str]]:
    """Apply the checks to the fields present in `data`: (clean values, errors by field)."""
    checks = checks or CONTACT_FIELD_CHECKS
    values: dict = {}
    errors: dict[str, str] = {}
    for field, raw in data.items():
        check = checks.get(field)
        if check is None:
            continue
        try:
            values[field] = check(raw)
        except ValueError as exc:
            errors[field] = str(exc)
    return values, errors
