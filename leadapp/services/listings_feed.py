"""The listings feed (IDX side): upsert MLS listings given in RESO Data Dictionary names.

`upsert(session, items)` takes up to MAX_BATCH listings keyed by ListingId (the MLS
number), checks each one on its own (a clear message per index; the valid ones are
stored), and writes the batch set-based: one SELECT of the existing rows, one executemany
INSERT of the new ones, one executemany UPDATE of the changed ones and one of their
`listing_change` rows (new, price, status, back on market, open house added), each with
the time it was received — the daily alerts and market reports are built from those.
The caller commits (the API route and the CLI commit once per batch).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import Listing, ListingChange, User, utcnow

from . import access
from .errors import ValidationFailed

MAX_BATCH = 500

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
REQUIRED_NEW = ("UnparsedAddress", "City", "StateOrProvince", "PostalCode", "ListPrice")
_KEY_RE = re.compile(r"[\s_-]")
COLUMNS = (
    "listing_key",
    "street",
    "city",
    "state",
    "postal_code",
    "price",
    "beds",
    "baths",
    "sqft",
    "property_type",
    "transaction",
    "status",
    "list_date",
    "sold_date",
    "sold_price",
    "open_house_start",
    "open_house_end",
    "photo_url",
)


@dataclass
class FeedResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: int = 0
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "changes": self.changes,
            "errors": self.errors,
        }


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


def _date(item: dict, key: str, errors: dict) -> date | None:
    v = item.get(key)
    if v is None or not str(v).strip():
        return None
    text = str(v).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors[key] = f"'{text}' is not a date (YYYY-MM-DD)."
        return None


def _timestamp(item: dict, key: str, errors: dict) -> datetime | None:
    v = item.get(key)
    if v is None or not str(v).strip():
        return None
    text = str(v).strip()
    try:
        ts = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        errors[key] = f"'{text}' is not a date and time (ISO 8601)."
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


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


def _changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    out = []
    if "price" in new and new["price"] != old["price"]:
        out.append(("price", str(old["price"]), str(new["price"])))
    if "status" in new and new["status"] != old["status"]:
        kind = "back_on_market" if new["status"] == "active" else "status"
        out.append((kind, old["status"], new["status"]))
    oh = new.get("open_house_start")
    if oh and oh != _aware(old["open_house_start"]):
        out.append(("open_house", "", oh.isoformat()[:19]))
    return out


def _aware(v):
    if isinstance(v, datetime) and v.tzinfo is None:
        return v.replace(tzinfo=UTC)
    return v


def upsert_listings(session: Session, user: User, items) -> FeedResult:
    """The API's entry point: a broker's key (the feed is brokerage-wide MLS data)."""
    access.require_broker(user, "load listings")
    return upsert(session, items)


def upsert(session: Session, items, now: datetime | None = None) -> FeedResult:
    if not isinstance(items, list):
        raise ValidationFailed({"listings": "Send a list of listings."})
    if len(items) > MAX_BATCH:
        raise ValidationFailed({"listings": f"At most {MAX_BATCH} listings per call."})
    now = now or utcnow()
    result = FeedResult()
    parsed: dict[str, tuple[int, dict]] = {}
    seen: dict[str, list[int]] = {}
    errors: dict[int, tuple[str | None, dict]] = {}
    for i, item in enumerate(items):
        mls, values, errs = parse_item(item)
        if errs:
            errors[i] = (mls, errs)
        if mls:
            seen.setdefault(mls, []).append(i)
        if not errs and mls:
            parsed[mls] = (i, values)
    for mls, idxs in seen.items():
        if len(idxs) > 1:
            for i in idxs:
                others = ", ".join(str(j) for j in idxs if j != i)
                errors.setdefault(i, (mls, {}))[1]["ListingId"] = (
                    f"MLS number {mls} appears more than once in this batch (also at {others})."
                )
                parsed.pop(mls, None)
    table = Listing.__table__
    existing = {}
    if parsed:
        for row in session.execute(
            sa.select(table).where(table.c.mls_number.in_(list(parsed)))
        ).mappings():
            existing[row["mls_number"]] = dict(row)
    inserts, updates, changes_old = [], [], []
    for mls, (i, values) in parsed.items():
        modified = values.pop("_modified", None) or now
        old = existing.get(mls)
        if old is None:
            missing = [k for k in REQUIRED_NEW if _missing(k, values)]
            if missing:
                errors[i] = (mls, {k: f"{k} is required for a new listing." for k in missing})
                continue
            row = {c: None for c in COLUMNS} | {
                "beds": 0,
                "baths": 0.0,
                "property_type": "single_family",
                "transaction": "sale",
                "list_date": now.date(),
            }
            row.update(values)
            row.update(mls_number=mls, updated_at=modified)
            inserts.append(row)
            continue
        diff = {k: v for k, v in values.items() if _aware(old.get(k)) != v}
        if not diff:
            result.unchanged += 1
            continue
        for kind, ov, nv in _changes(old, diff):
            changes_old.append(
                {
                    "listing_id": old["id"],
                    "kind": kind,
                    "old_value": ov,
                    "new_value": nv,
                    "changed_at": now,
                }
            )
        updates.append((old["id"], diff | {"updated_at": modified}))
    changes = list(changes_old)
    if inserts:
        session.execute(table.insert(), inserts)
        new_mls = [r["mls_number"] for r in inserts]
        # the "new" change of every inserted listing in one INSERT ... SELECT (no id round trip)
        ct = ListingChange.__table__
        session.execute(
            ct.insert().from_select(
                ["listing_id", "kind", "old_value", "new_value", "changed_at"],
                sa.select(
                    table.c.id,
                    sa.literal("new"),
                    sa.literal(""),
                    table.c.status,
                    sa.literal(now, ct.c.changed_at.type),
                )
                .where(table.c.mls_number.in_(new_mls))
                .order_by(table.c.id),
            )
        )
        with_oh = [r for r in inserts if r.get("open_house_start")]
        if with_oh:
            ids = dict(
                session.execute(
                    sa.select(table.c.mls_number, table.c.id).where(
                        table.c.mls_number.in_([r["mls_number"] for r in with_oh])
                    )
                ).all()
            )
            for r in with_oh:
                changes.append(
                    _change(
                        ids[r["mls_number"]],
                        "open_house",
                        "",
                        r["open_house_start"].isoformat()[:19],
                        now,
                    )
                )
        result.changes += len(inserts)
    # one executemany per set of changed columns (a feed mostly changes the same few)
    by_cols: dict[tuple, list[dict]] = {}
    for lid, diff in updates:
        by_cols.setdefault(tuple(sorted(diff)), []).append({"_id": lid} | diff)
    for cols, rows in by_cols.items():
        stmt = (
            table.update()
            .where(table.c.id == sa.bindparam("_id"))
            .values({c: sa.bindparam(c) for c in cols})
        )
        session.execute(stmt, rows)
    if changes:
        session.execute(ListingChange.__table__.insert(), changes)
    result.created, result.updated = len(inserts), len(updates)
    result.changes += len(changes)
    result.errors = [
        {"index": i, "mls_number": mls, "errors": errs} for i, (mls, errs) in sorted(errors.items())
    ]
    return result


def _missing(key: str, values: dict) -> bool:
    col = {
        "UnparsedAddress": "street",
        "City": "city",
        "StateOrProvince": "state",
        "PostalCode": "postal_code",
        "ListPrice": "price",
    }[key]
    return values.get(col) in (None, "")


def _change(listing_id: int, kind: str, old: str, new: str, now: datetime) -> dict:
    return {
        "listing_id": listing_id,
        "kind": kind,
        "old_value": old,
        "new_value": new,
        "changed_at": now,
    }
