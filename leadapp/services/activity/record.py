"""`record_events`: one batch of website events stored in the caller's transaction (W1).

The steps, in order: check every item; take the brokerage's rating lock; answer the
idempotency keys already stored; lock the batch's leads by email; decide which sign-ups
create leads and which set a website password; then the writes of `store` (new leads,
activities, organizer rows, scores, roll-ups, alerts).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Activity, Brokerage, Lead, as_utc, utcnow

from .. import rating
from ..errors import ValidationFailed
from ..rows import get_row
from ..security import hash_password
from . import store
from .events import MAX_BATCH, validate_event
from .store import LeadRow


def _answer_for(act_id: int, lead_id: int, kind: str, received_at, lead_created_at) -> dict:
    """The stored answer of an activity: a sign-up that created its lead says so."""
    created = (
        kind == "signup"
        and lead_created_at is not None
        and as_utc(lead_created_at) == as_utc(received_at)
    )
    return {"activity_id": act_id, "lead_id": lead_id, "lead_created": bool(created)}


def _summary(results: list, stored: int, duplicates: int) -> dict:
    errors = sum(1 for r in results if r and "errors" in r)
    return {"results": results, "stored": stored, "duplicates": duplicates, "errors": errors}


def _stored_answers(
    session: Session, brokerage_id: int, valid: list[tuple[int, dict]]
) -> dict[str, dict]:
    """Idempotency: the answer of each key already stored, as it was given."""
    keys = list({ev["idempotency_key"] for _, ev in valid if ev["idempotency_key"]})
    seen: dict[str, dict] = {}
    for start in range(0, len(keys), 500):
        for act_id, lead_id, kind, key, received, lead_created in session.execute(
            sa.select(
                col(Activity.id),
                col(Activity.lead_id),
                col(Activity.kind),
                col(Activity.idempotency_key),
                col(Activity.received_at),
                col(Lead.created_at),
            )
            .join(Lead, col(Lead.id) == col(Activity.lead_id))
            .where(
                col(Activity.brokerage_id) == brokerage_id,
                col(Activity.idempotency_key).in_(keys[start : start + 500]),
            )
        ):
            seen[key] = _answer_for(act_id, lead_id, kind, received, lead_created)
    # Only the first sign-up of a lead created by a batch said "lead_created".
    claims = {a["lead_id"]: a["activity_id"] for a in seen.values() if a["lead_created"]}
    if claims:
        first = dict(
            session.execute(
                select(col(Activity.lead_id), sa.func.min(col(Activity.id)))
                .where(col(Activity.lead_id).in_(list(claims)), col(Activity.kind) == "signup")
                .group_by(col(Activity.lead_id))
            ).all()
        )
        for a in seen.values():
            if a["lead_created"] and first.get(a["lead_id"]) != a["activity_id"]:
                a["lead_created"] = False
    return seen


def _locked_leads(
    session: Session, brokerage_id: int, fresh: list[tuple[int, dict]]
) -> dict[str, LeadRow]:
    """The batch's existing leads by email, their rows locked in id order."""
    emails = list({ev["email"] for _, ev in fresh})
    leads: dict[str, LeadRow] = {}
    lcols = (
        col(Lead.id),
        col(Lead.email),
        col(Lead.assigned_agent_id),
        col(Lead.rating_score),
        col(Lead.last_activity_at),
        col(Lead.website_password_hash),
        col(Lead.status),
    )
    for start in range(0, len(emails), 500):
        # Locked (PostgreSQL; SQLite serialises writers anyway) so that a concurrent bulk change
        # cannot move the lead's agent or status between this read and the roll-up writes below.
        for row in session.execute(
            sa.select(*lcols)
            .where(
                col(Lead.brokerage_id) == brokerage_id,
                col(Lead.email).in_(emails[start : start + 500]),
            )
            .order_by(col(Lead.id))
            .with_for_update()
        ):
            leads[row.email] = LeadRow(*row)
    return leads


def _error(results: list, i: int, field: str, message: str) -> None:
    results[i] = {"index": i, "errors": {field: message}}


def record_events(
    session: Session, brokerage_id: int, items: list, now: datetime | None = None
) -> dict:
    """Store a batch of website events; see the package docstring. Returns
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
            assert ev is not None  # an item without errors was cleaned into an event
            valid.append((i, ev))
    if not valid:
        return _summary(results, 0, 0)

    # The brokerage's rating lock first: it orders concurrent batches, so resends of the
    # same key and sign-ups of the same email see each other.
    cutoff = rating.lock(session, brokerage_id, now)

    seen = _stored_answers(session, brokerage_id, valid)
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
    leads = _locked_leads(session, brokerage_id, fresh)
    new_leads: dict[str, Lead] = {}
    hashes: dict[int, str] = {}  # lead id -> new hash for existing leads without an account
    to_store: list[tuple[int, dict]] = []
    brokerage = None
    for i, ev in fresh:
        email = ev["email"]
        known = leads.get(email)
        if ev["kind"] != "signup":
            if known is None and email not in new_leads:
                _error(
                    results,
                    i,
                    "email",
                    f"No lead has the email {email}; send a sign-up event first.",
                )
                continue
        elif known is None and email not in new_leads:
            if brokerage is None:
                brokerage = get_row(session, Brokerage, brokerage_id)
            new_leads[email] = store.new_lead(brokerage, ev, now)
        elif ev.get("password"):
            has_account = (known is not None and (known.password_hash or known.id in hashes)) or (
                known is None and new_leads[email].website_password_hash
            )
            if has_account:
                _error(
                    results,
                    i,
                    "password",
                    "This email already has a website account; sign in instead.",
                )
                continue
            if known is None:
                new_leads[email].website_password_hash = hash_password(ev["password"])
            else:
                hashes[known.id] = hash_password(ev["password"])
        to_store.append((i, ev))
    store.create_leads(session, brokerage_id, new_leads, to_store, leads, now)
    store.set_passwords(session, hashes)

    rows = store.activity_rows(session, brokerage_id, to_store, leads, now)
    ids = store.insert_activities(session, rows)
    first_signup: dict[str, int] = {}
    for i, ev in to_store:
        if ev["kind"] == "signup" and ev["email"] in new_leads:
            first_signup.setdefault(ev["email"], i)
    for (i, ev), act_id in zip(to_store, ids, strict=True):
        results[i] = {
            "index": i,
            "activity_id": act_id,
            "lead_id": leads[ev["email"]].id,
            "lead_created": first_signup.get(ev["email"]) == i,
        }
    store.organizer(session, rows)
    for i, first in dup_of:
        results[i] = {**(results[first] or {}), "index": i}
    duplicates = dup_seen + sum(1 for i, _ in dup_of if "errors" not in (results[i] or {}))

    store.after_insert(session, cutoff, rows, leads, now)
    return _summary(results, len(ids), duplicates)
