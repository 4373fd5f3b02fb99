"""A batch of parsed listings written set-based, with their `listing_change` rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from leadapp.models import Listing, ListingChange, User, utcnow

from .. import access
from ..errors import ValidationFailed
from ..rows import table_of
from .parse import parse_item

MAX_BATCH = 500
REQUIRED_NEW = ("UnparsedAddress", "City", "StateOrProvince", "PostalCode", "ListPrice")
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
    table = table_of(Listing)
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
            changes_old.append(_change(old["id"], kind, ov, nv, now))
        updates.append((old["id"], diff | {"updated_at": modified}))
    changes = list(changes_old)
    if inserts:
        session.execute(table.insert(), inserts)
        new_mls = [r["mls_number"] for r in inserts]
        # the "new" change of every inserted listing in one INSERT ... SELECT (no id round trip)
        ct = table_of(ListingChange)
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
        session.execute(table_of(ListingChange).insert(), changes)
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
