"""RESO Data Dictionary records -> listing columns, each field checked on its own."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

# RESO StandardStatus (spaces and case ignored) -> listing.status
STATUSES = {
    "active": "active",
    "activeundercontract": "pending",
    "pending": "pending",
    "closed": "sold",
    "sold": "sold",
    "canceled": "off_market",
    "cancelled": "off_market",
    "expired": "off_market",
    "withdrawn": "off_market",
    "hold": "off_market",
    "comingsoon": "off_market",
    "delete": "off_market",
    "offmarket": "off_market",
}
# RESO PropertyType -> (transaction, default property type)
PROPERTY_TYPES = {
    "residential": ("sale", "single_family"),
    "residentiallease": ("rent", "single_family"),
    "residentialincome": ("sale", "multi_family"),
    "land": ("sale", "land"),
    "farm": ("sale", "land"),
}
# RESO PropertySubType -> property type
SUB_TYPES = {
    "singlefamilyresidence": "single_family",
    "singlefamily": "single_family",
    "condominium": "condo",
    "condo": "condo",
    "townhouse": "townhouse",
    "duplex": "multi_family",
    "triplex": "multi_family",
    "quadruplex": "multi_family",
    "multifamily": "multi_family",
    "land": "land",
}
_KEY_RE = re.compile(r"[\s_-]")


@functools.lru_cache(maxsize=1024)
def _norm_text(value: str) -> str:
    return _KEY_RE.sub("", value).lower()


def _norm(value) -> str:
    # a feed repeats the same few statuses and types: the normal form is cached
    return _norm_text(str(value))


def _text(item: dict, key: str, max_len: int, errors: dict) -> str | None:
    v = item.get(key)
    if v is None:
        return None
    v = (v if type(v) is str else str(v)).strip()
    if len(v) > max_len:
        errors[key] = f"At most {max_len} characters."
        return None
    return v or None


def _number(item: dict, key: str, errors: dict, *, top: float, integer=True):
    v = item.get(key)
    if v is None:
        return None
    t = type(v)
    if t is int and 0 <= v <= top:  # the common case: a JSON integer in range
        return v if integer else float(v)
    if t is str and not v.strip():
        return None
    try:
        n = float(v.replace(",", "").replace("$", "")) if t is str else float(v)
    except (TypeError, ValueError):
        errors[key] = f"'{v}' is not a number."
        return None
    if n != n or n < 0:
        errors[key] = f"'{v}' is negative." if n < 0 else f"'{v}' is not a number."
        return None
    if n > top:
        errors[key] = f"'{v}' is out of range."
        return None
    return round(n) if integer else n


def _parsed(item: dict, key: str, errors: dict, parse: Callable, what: str):
    """A date or time field: None when empty, else `parse(text)` (a message when it fails)."""
    v = item.get(key)
    if v is None or not str(v).strip():
        return None
    text = str(v).strip()
    try:
        return parse(text)
    except ValueError:
        errors[key] = f"'{text}' is not {what}."
        return None


def _date(item: dict, key: str, errors: dict) -> date | None:
    return _parsed(item, key, errors, lambda t: date.fromisoformat(t[:10]), "a date (YYYY-MM-DD)")


def _utc(text: str) -> datetime:
    ts = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _timestamp(item: dict, key: str, errors: dict) -> datetime | None:
    return _parsed(item, key, errors, _utc, "a date and time (ISO 8601)")


def _photo(item: dict, errors: dict) -> str | None:
    url = item.get("PhotoURL") or item.get("PhotoUrl")
    media = item.get("Media")
    if not url and isinstance(media, list) and media and isinstance(media[0], dict):
        url = media[0].get("MediaURL")
    if not url:
        return None
    url = str(url).strip()
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        errors["PhotoURL"] = "A photo URL starts with http:// or https:// (at most 500 characters)."
        return None
    return url


def parse_item(item) -> tuple[str | None, dict, dict[str, str]]:
    """One RESO record -> (MLS number, listing columns given, errors by RESO field name)."""
    errors: dict[str, str] = {}
    if not isinstance(item, dict):
        return None, {}, {"item": "A listing is an object of RESO fields."}
    mls = _text(item, "ListingId", 32, errors)
    if not mls and "ListingId" not in errors:
        errors["ListingId"] = "The MLS number (ListingId) is required."
    values: dict = {}
    raw_status = item.get("StandardStatus")
    if raw_status is None or not str(raw_status).strip():
        errors["StandardStatus"] = "StandardStatus is required."
    elif _norm(raw_status) not in STATUSES:
        errors["StandardStatus"] = f"Unknown status '{raw_status}'."
    else:
        values["status"] = STATUSES[_norm(raw_status)]
    if item.get("PropertyType") is not None:
        pt = PROPERTY_TYPES.get(_norm(item["PropertyType"]))
        if pt is None:
            errors["PropertyType"] = f"Unknown property type '{item['PropertyType']}'."
        else:
            values["transaction"], values["property_type"] = pt
    if item.get("PropertySubType") is not None:
        st = SUB_TYPES.get(_norm(item["PropertySubType"]))
        if st is None:
            errors["PropertySubType"] = f"Unknown property sub-type '{item['PropertySubType']}'."
        else:
            values["property_type"] = st
    address = _text(item, "UnparsedAddress", 200, errors)
    if address:
        values["street"] = address.split(",")[0].strip()[:200]
    for key, col, n in (
        ("City", "city", 100),
        ("ListingKey", "listing_key", 64),
    ):
        v = _text(item, key, n, errors)
        if v:
            values[col] = v
    state = _text(item, "StateOrProvince", 2, errors)
    if state:
        if not state.isalpha():
            errors["StateOrProvince"] = "A two-letter state code."
        values["state"] = state.upper()
    postal = _text(item, "PostalCode", 10, errors)
    if postal:
        values["postal_code"] = postal
    for key, col, top, integer in (
        ("ListPrice", "price", 2_000_000_000, True),
        ("ClosePrice", "sold_price", 2_000_000_000, True),
        ("BedroomsTotal", "beds", 100, True),
        ("BathroomsTotalInteger", "baths", 100, False),
        ("LivingArea", "sqft", 10_000_000, True),
    ):
        v = _number(item, key, errors, top=top, integer=integer)
        if v is not None:
            values[col] = v
    for key, col in (("ListingContractDate", "list_date"), ("CloseDate", "sold_date")):
        v = _date(item, key, errors)
        if v is not None:
            values[col] = v
    for key, col in (
        ("OpenHouseStartTime", "open_house_start"),
        ("OpenHouseEndTime", "open_house_end"),
        ("ModificationTimestamp", "_modified"),
    ):
        v = _timestamp(item, key, errors)
        if v is not None:
            values[col] = v
    start, end = values.get("open_house_start"), values.get("open_house_end")
    if start and end and end < start:
        errors["OpenHouseEndTime"] = "The open house ends before it starts."
    photo = _photo(item, errors)
    if photo:
        values["photo_url"] = photo
    return mls, values, errors
