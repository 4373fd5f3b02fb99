"""Recording website activity (W1, W2, R1): sign-ups become leads, events become activity.

`record_events(session, brokerage_id, items)` takes up to MAX_BATCH raw event dicts (as the
API received them) and, in the caller's one transaction:

- validates each item; invalid items are reported with a message per field and stored
  nothing, the valid ones are stored;
- answers an item whose idempotency key was already stored (earlier, or earlier in the
  same batch) exactly as the first time and stores nothing new;
- creates a lead for a sign-up from an unknown email (source "Website sign-up" unless the
  event names one; routed by the brokerage's rules — G5),
  with its website password (argon2) when given; a known email attaches to its lead;
- inserts the activities (a saved listing of a known MLS number also becomes a favourite,
  a saved search with criteria a saved search, both marked as the lead's own — P7), moves
  each lead's rating score and last-activity time (services/rating.py) and the dashboard
  roll-ups (services/rollups.py);
- routes each new lead (services/routing.py, before it is inserted) and raises the batch's
  hot-lead alerts (services/alerts.py).

Results are `{"index", "activity_id", "lead_id", "lead_created"}` per stored item and
`{"index", "errors": {field: message}}` per invalid one.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from leadapp.models import (
    Activity,
    Brokerage,
    Favorite,
    HistoryEntry,
    Lead,
    Listing,
    SavedSearch,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import ACTIVITY_KINDS
from leadapp.models.timefmt import db_text

from . import alerts, distribute, passwords, rating, rollups, routing
from .bulk import insert_rows
from .errors import ValidationFailed
from .history import acting_api_key
from .leads import _derived
from .security import hash_password
from .validation import check_email, check_phone, check_text, split_name

MAX_BATCH = 500
SIGNUP_SOURCE = "Website sign-up"
MAX_CRITERIA_BYTES = 4000
FUTURE_SLACK = timedelta(minutes=10)
OLDEST = datetime(2000, 1, 1, tzinfo=UTC)
_KIND_ALIASES = (
    {re.sub(r"[^a-z]", "", k): k for k in ACTIVITY_KINDS}
    | {re.sub(r"[^a-z]", "", v.lower()): k for k, v in ACTIVITY_KINDS.items()}
    | {
        "favorite": "saved_listing",
        "favourite": "saved_listing",
        "emailclick": "email_click",
        "clickthrough": "email_click",
    }
)
EVENT_FIELDS = {
    "kind",
    "email",
    "name",
    "first_name",
    "last_name",
    "phone",
    "password",
    "source",
    "mls_number",
    "criteria",
    "occurred_at",
    "idempotency_key",
    "details",
}
SIGNUP_ONLY = ("name", "first_name", "last_name", "phone", "password", "source")


def parse_kind(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Kind is required: one of {', '.join(ACTIVITY_KINDS)}.")
    kind = _KIND_ALIASES.get(re.sub(r"[^a-z]", "", value.lower()))
    if kind is None:
        raise ValueError(
            f"'{value[:40]}' is not an activity kind (one of {', '.join(ACTIVITY_KINDS)})."
        )
    return kind


def parse_time(value, now: datetime) -> datetime:
    """An ISO 8601 time with a time zone (or a bare time taken as UTC), not in the future."""
    if value is None or value == "":
        return now
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("occurred_at must be an ISO 8601 date-time, e.g. 2026-05-01T14:30:00Z.")
    try:
        ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{value}' is not an ISO 8601 date-time, e.g. 2026-05-01T14:30:00Z."
        ) from None
    ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    if ts > now + FUTURE_SLACK:
        raise ValueError("occurred_at is in the future.")
    if ts < OLDEST:
        raise ValueError("occurred_at is before the year 2000.")
    return ts


def _text(item: dict, field: str, max_len: int, label: str) -> str:
    value = item.get(field)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError(f"{label} must be text.")
    return check_text(value, max_len, label)


def validate_event(raw, now: datetime) -> tuple[dict | None, dict[str, str]]:
    """(clean event, errors by field) for one raw item."""
    if not isinstance(raw, dict):
        return None, {"event": "Each event must be a JSON object."}
    errors: dict[str, str] = {}
    ev: dict = {}
    unknown = sorted(k for k in raw if k not in EVENT_FIELDS)
    if unknown:
        errors[str(unknown[0])[:40]] = "Unknown field."
    try:
        ev["kind"] = parse_kind(raw.get("kind"))
    except ValueError as exc:
        errors["kind"] = str(exc)
    try:
        email = raw.get("email")
        if email is not None and not isinstance(email, str):
            raise ValueError("email must be text.")
        ev["email"] = check_email(email)
    except ValueError as exc:
        errors["email"] = str(exc)
    try:
        ev["occurred_at"] = parse_time(raw.get("occurred_at"), now)
    except ValueError as exc:
        errors["occurred_at"] = str(exc)
    for field, max_len, label in (
        ("mls_number", 32, "MLS number"),
        ("details", 2000, "Details"),
        ("idempotency_key", 128, "Idempotency key"),
        ("source", 60, "Source"),
        ("first_name", 100, "First name"),
        ("last_name", 100, "Last name"),
        ("name", 200, "Name"),
    ):
        if raw.get(field) is None:
            ev[field] = ""
            continue
        try:
            ev[field] = _text(raw, field, max_len, label)
        except ValueError as exc:
            errors[field] = str(exc)
    crit = raw.get("criteria")
    if crit is not None:
        if not isinstance(crit, dict):
            errors["criteria"] = "Search criteria must be a JSON object."
        elif len(json.dumps(crit, default=str)) > MAX_CRITERIA_BYTES:
            errors["criteria"] = f"Search criteria are limited to {MAX_CRITERIA_BYTES} bytes."
        else:
            ev["criteria"] = crit
    phone = raw.get("phone")
    ev["phone"] = ""
    if phone is not None:
        try:
            if not isinstance(phone, str):
                raise ValueError("phone must be text.")
            ev["phone"] = check_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    pw = raw.get("password")
    if pw is not None:
        reason = passwords.problem(pw, ev.get("email") or str(raw.get("email") or ""))
        if reason:
            errors["password"] = reason
        else:
            ev["password"] = pw
    if ev.get("kind") and ev["kind"] != "signup":
        for field in SIGNUP_ONLY:
            if raw.get(field) not in (None, ""):
                errors.setdefault(field, "Only a sign-up event carries this field.")
    if ev.get("name") and not (ev.get("first_name") or ev.get("last_name")):
        ev["first_name"], ev["last_name"] = split_name(ev["name"])
    return (None if errors else ev), errors


def _answer_for(act_id: int, lead_id: int, kind: str, received_at, lead_created_at) -> dict:
    """The stored answer of an activity: a sign-up that created its lead says so."""
    created = (
        kind == "signup"
        and lead_created_at is not None
        and as_utc(lead_created_at) == as_utc(received_at)
    )
    return {"activity_id": act_id, "lead_id": lead_id, "lead_created": bool(created)}


def record_events(
    session: Session, brokerage_id: int, items: list, now: datetime | None = None
) -> dict:
    """Store a batch of website events; see the module docstring. Returns
    {"results": [...per item in order...], "stored": n_new, "duplicates": n, "errors": n}."""
    if not isinstance(items, list):
        raise ValidationFailed({"events": "events must be a list."})
    if len(items) > MAX_BATCH:
        raise ValidationFailed(
            {"events": f"At most {MAX_BATCH} events per request (got {len(items)})."}
        )
    now = now or utcnow()
    results: list[dict | None] = [None] * len(items)
    valid: list[tuple[int, dict]] = []
    for i, raw in enumerate(items):
        ev, errors = validate_event(raw, now)
        if errors:
            results[i] = {"index": i, "errors": errors}
        else:
            valid.append((i, ev))
    if not valid:
        return _summary(results, 0, 0)

    # The brokerage's rating lock first: it orders concurrent batches, so resends of the
    # same key and sign-ups of the same email see each other.
    cutoff = rating.lock(session, brokerage_id, now)
    watermark = as_utc(cutoff.aged_until)

    # Idempotency: keys already stored answer as they did.
    keys = list({ev["idempotency_key"] for _, ev in valid if ev["idempotency_key"]})
    seen: dict[str, dict] = {}
    for start in range(0, len(keys), 500):
        for act_id, lead_id, kind, key, received, lead_created in session.execute(
            select(
                Activity.id,
                Activity.lead_id,
                Activity.kind,
                Activity.idempotency_key,
                Activity.received_at,
                Lead.created_at,
            )
            .join(Lead, Lead.id == Activity.lead_id)
            .where(
                Activity.brokerage_id == brokerage_id,
                Activity.idempotency_key.in_(keys[start : start + 500]),
            )
        ):
            seen[key] = _answer_for(act_id, lead_id, kind, received, lead_created)
    # Only the first sign-up of a lead created by a batch said "lead_created".
    claims = {a["lead_id"]: a["activity_id"] for a in seen.values() if a["lead_created"]}
    if claims:
        first = dict(
            session.execute(
                select(Activity.lead_id, sa.func.min(Activity.id))
                .where(Activity.lead_id.in_(list(claims)), Activity.kind == "signup")
                .group_by(Activity.lead_id)
            ).all()
        )
        for a in seen.values():
            if a["lead_created"] and first.get(a["lead_id"]) != a["activity_id"]:
                a["lead_created"] = False
    fresh: list[tuple[int, dict]] = []
    batch_keys: dict[str, int] = {}  # key -> index of its first item in this batch
    dup_of: list[tuple[int, int]] = []
    dup_seen = 0
    for i, ev in valid:
        key = ev["idempotency_key"]
        if key and key in seen:
            results[i] = {"index": i, **seen[key]}
            dup_seen += 1
        elif key and key in batch_keys:
            dup_of.append((i, batch_keys[key]))
        else:
            if key:
                batch_keys[key] = i
            fresh.append((i, ev))

    # Leads by email; sign-ups from unknown emails create them.
    emails = list({ev["email"] for _, ev in fresh})
    leads: dict[str, tuple] = {}
    lcols = (
        Lead.id,
        Lead.email,
        Lead.assigned_agent_id,
        Lead.rating_score,
        Lead.last_activity_at,
        Lead.website_password_hash,
        Lead.status,
    )
    for start in range(0, len(emails), 500):
        # Locked (PostgreSQL; SQLite serialises writers anyway) so that a concurrent bulk change
        # cannot move the lead's agent or status between this read and the roll-up writes below.
        for row in session.execute(
            select(*lcols)
            .where(Lead.brokerage_id == brokerage_id, Lead.email.in_(emails[start : start + 500]))
            .order_by(Lead.id)
            .with_for_update()
        ):
            leads[row.email] = tuple(row)
    new_leads: dict[str, Lead] = {}
    passwords: dict[int, str] = {}  # lead id -> new hash for existing leads without an account
    to_store: list[tuple[int, dict]] = []
    brokerage = None
    for i, ev in fresh:
        email = ev["email"]
        known = leads.get(email)
        if ev["kind"] != "signup":
            if known is None and email not in new_leads:
                results[i] = {
                    "index": i,
                    "errors": {
                        "email": f"No lead has the email {email}; send a sign-up event first."
                    },
                }
                continue
        elif known is None and email not in new_leads:
            if brokerage is None:
                brokerage = session.get(Brokerage, brokerage_id)
            new_leads[email] = _new_lead(brokerage, ev, now)
        elif ev.get("password"):
            has_account = (known is not None and (known[5] or known[0] in passwords)) or (
                known is None and new_leads[email].website_password_hash
            )
            if has_account:
                results[i] = {
                    "index": i,
                    "errors": {
                        "password": "This email already has a website account; sign in instead."
                    },
                }
                continue
            if known is None:
                new_leads[email].website_password_hash = hash_password(ev["password"])
            else:
                passwords[known[0]] = hash_password(ev["password"])
        to_store.append((i, ev))
    decided = _route_signups(session, brokerage_id, new_leads, to_store, now)
    if new_leads:
        session.add_all(new_leads.values())
        session.flush()
        distribute.record(
            session, decided[0], [(lead, decided[1][e]) for e, lead in new_leads.items()]
        )
        session.execute(  # what add_entry writes for an entry without an acting user
            HistoryEntry.__table__.insert(),
            [
                {
                    "brokerage_id": brokerage_id,
                    "lead_id": lead.id,
                    "actor_id": None,
                    "api_key_id": acting_api_key.get(),
                    "kind": "created",
                    "title": "Signed up on the website",
                    "body": "",
                    "created_at": now,
                }
                for lead in new_leads.values()
            ],
        )
        for lead in new_leads.values():
            leads[lead.email] = (
                lead.id,
                lead.email,
                lead.assigned_agent_id,
                0.0,
                None,
                lead.website_password_hash,
                lead.status,
            )
        rollups.lead_created(session, new_leads.values())
    if passwords:
        t = Lead.__table__
        session.execute(
            sa.update(t)
            .where(t.c.id == sa.bindparam("lid"))
            .values(website_password_hash=sa.bindparam("h")),
            [{"lid": k, "h": v} for k, v in passwords.items()],
        )

    # Listings named by MLS number.
    mls = list({ev["mls_number"] for _, ev in to_store if ev["mls_number"]})
    listing_ids = (
        dict(
            session.execute(
                select(Listing.mls_number, Listing.id).where(Listing.mls_number.in_(mls))
            ).all()
        )
        if mls
        else {}
    )

    # Activities.
    rows = []
    for _i, ev in to_store:
        lead = leads[ev["email"]]
        rows.append(
            {
                "brokerage_id": brokerage_id,
                "lead_id": lead[0],
                "kind": ev["kind"],
                "occurred_at": ev["occurred_at"],
                "received_at": now,
                "mls_number": ev["mls_number"] or None,
                "listing_id": listing_ids.get(ev["mls_number"]),
                "criteria": ev.get("criteria"),
                "details": ev["details"],
                "idempotency_key": ev["idempotency_key"] or None,
            }
        )
    ids = _insert_activities(session, rows)
    first_signup: dict[str, int] = {}
    for i, ev in to_store:
        if ev["kind"] == "signup" and ev["email"] in new_leads:
            first_signup.setdefault(ev["email"], i)
    stored = 0
    for (i, ev), act_id in zip(to_store, ids, strict=False):
        lead = leads[ev["email"]]
        results[i] = {
            "index": i,
            "activity_id": act_id,
            "lead_id": lead[0],
            "lead_created": first_signup.get(ev["email"]) == i,
        }
        stored += 1
    _organizer(session, rows)
    for i, first in dup_of:
        results[i] = {**results[first], "index": i}
    duplicates = dup_seen + sum(1 for i, _ in dup_of if "errors" not in results[i])

    # Rating scores, last activity, and the dashboard roll-ups.
    by_id = {v[0]: v for v in leads.values()}
    changes: dict[int, list] = {}
    for row in rows:
        change = changes.get(row["lead_id"])
        if change is None:
            base = by_id[row["lead_id"]]
            change = changes[row["lead_id"]] = [base[3] or 0.0, base[3] or 0.0, as_utc(base[4])]
        if row["occurred_at"] >= watermark:
            change[1] += rating.term(row["kind"], row["occurred_at"])
        if change[2] is None or row["occurred_at"] > change[2]:
            change[2] = row["occurred_at"]
    rating.apply_terms(session, brokerage_id, {k: tuple(v) for k, v in changes.items()})
    agent_of = {lead[0]: lead[2] for lead in leads.values()}
    rollups.activities_added(
        session,
        [
            (brokerage_id, agent_of[r["lead_id"]], r["occurred_at"], r["kind"], r["lead_id"])
            for r in rows
        ],
    )
    rollups.last_activity_moved(
        session,
        [
            (brokerage_id, by_id[lid][2], by_id[lid][6], by_id[lid][4], change[2])
            for lid, change in changes.items()
        ],
    )
    alerts.from_events(  # N2: hot-lead alerts, same transaction
        session, brokerage_id, rows, {lid: v[4] for lid, v in by_id.items()}, agent_of, now
    )
    rating.maybe_refresh(session, cutoff, now)
    return _summary(results, stored, duplicates)


def search_name(criteria: dict | None) -> str:
    """A readable name for website search criteria, e.g. 'Berkeley · 2+ beds · up to $800,000'."""
    c = criteria or {}
    parts = []
    if isinstance(c.get("city"), str) and c["city"].strip():
        parts.append(c["city"].strip()[:60])
    if isinstance(c.get("property_type"), str) and c["property_type"].strip():
        parts.append(c["property_type"].replace("_", " ")[:30])
    for key, fmt in (
        ("min_beds", "{}+ beds"),
        ("min_price", "from ${:,}"),
        ("max_price", "up to ${:,}"),
    ):
        v = c.get(key)
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**10:
            parts.append(fmt.format(v))
    return " · ".join(parts)[:200] or "Website search"


def _organizer(session: Session, rows: list[dict]) -> None:
    """P7: favourites and saved searches the lead made on the website, marked as theirs."""
    favs = [
        {
            "lead_id": r["lead_id"],
            "listing_id": r["listing_id"],
            "created_by": "lead",
            "created_at": r["occurred_at"],
        }
        for r in rows
        if r["kind"] == "saved_listing" and r["listing_id"]
    ]
    if favs:
        t = Favorite.__table__
        ins = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )(t)
        session.execute(ins.on_conflict_do_nothing(index_elements=["lead_id", "listing_id"]), favs)
    searches = [
        {
            "lead_id": r["lead_id"],
            "name": search_name(r["criteria"]),
            "criteria": r["criteria"] or {},
            "transaction": "rent" if (r["criteria"] or {}).get("transaction") == "rent" else "sale",
            "alerts_enabled": False,
            "created_by": "lead",
            "created_at": r["occurred_at"],
        }
        for r in rows
        if r["kind"] == "saved_search" and r["criteria"]
    ]
    if searches:
        session.execute(sa.insert(SavedSearch.__table__), searches)


def _route_signups(session: Session, brokerage_id: int, new_leads: dict, to_store, now):
    """G5: each new lead's agent, decided before it is inserted (same transaction)."""
    if not new_leads:
        return None, {}
    criteria: dict[str, list] = {}
    for _i, ev in to_store:
        if ev.get("criteria") and ev["email"] in new_leads:
            criteria.setdefault(ev["email"], []).append(ev["criteria"])
    router = routing.Router(session, brokerage_id, "signup", now)
    out = {}
    for email, lead in new_leads.items():
        d = router.decide(distribute.lead_facts(lead, (), criteria.get(email, ())))
        lead.assigned_agent_id = d.agent_id
        out[email] = d
    return router, out


def _summary(results: list, stored: int, duplicates: int) -> dict:
    errors = sum(1 for r in results if r and "errors" in r)
    return {"results": results, "stored": stored, "duplicates": duplicates, "errors": errors}


def _new_lead(brokerage: Brokerage, ev: dict, now: datetime) -> Lead:
    agent = brokerage.default_agent_id if brokerage else None
    lead = Lead(
        brokerage_id=brokerage.id,
        email=ev["email"],
        first_name=ev.get("first_name", ""),
        last_name=ev.get("last_name", ""),
        phone=ev.get("phone", ""),
        source=ev.get("source") or SIGNUP_SOURCE,
        # given, not defaulted: pydantic inspects a `list` default factory's signature on
        # every construction, which costs more than the rest of the lead
        extra_emails=[],
        extra_phones=[],
        assigned_agent_id=agent,
        created_at=now,
        updated_at=now,
        stage_entered_at=now,
        website_password_hash=hash_password(ev["password"]) if ev.get("password") else None,
    )
    _derived(lead)
    return lead


def _sqlite_ts(ts: datetime) -> str:
    """A timestamp as SQLAlchemy's UTCDateTime stores it on SQLite."""
    return db_text(ts)


_ACT_COLS = (
    "brokerage_id",
    "lead_id",
    "kind",
    "occurred_at",
    "received_at",
    "mls_number",
    "listing_id",
    "criteria",
    "details",
    "idempotency_key",
)


def _insert_activities(session: Session, rows: list[dict]) -> list[int]:
    """Insert activity rows (one executemany) and return their ids in order.

    On SQLite the rows go straight to the driver: the caller holds the write lock (the
    rating lock), so the new rowids are MAX(id)+1 onwards. PostgreSQL uses RETURNING.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection()
        start = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM activity").scalar()
        received = _sqlite_ts(rows[0]["received_at"])
        tuples = [
            (
                r["brokerage_id"],
                r["lead_id"],
                r["kind"],
                _sqlite_ts(r["occurred_at"]),
                received
                if r["received_at"] is rows[0]["received_at"]
                else _sqlite_ts(r["received_at"]),
                r["mls_number"],
                r["listing_id"],
                None if r["criteria"] is None else json.dumps(r["criteria"]),
                r["details"],
                r["idempotency_key"],
            )
            for r in rows
        ]
        insert_rows(conn, "activity", _ACT_COLS, tuples)
        return list(range(start + 1, start + 1 + len(rows)))
    t = Activity.__table__
    res = session.execute(sa.insert(t).returning(t.c.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in res]


# ------------------------------------------------------------------ W2: website accounts


def api_user(brokerage_id: int, key_name: str = "API") -> User:
    """The acting user of an API key: broker scope in its brokerage, no user row (actor =
    the website)."""
    return User(
        id=None,
        brokerage_id=brokerage_id,
        email="",
        name=f"API key {key_name}",
        role="broker",
        agent_code="",
        password_hash="",
    )
