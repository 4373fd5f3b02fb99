"""The writes of an event batch (W1, W2, P7, R1, G5, N2), in the caller's transaction.

- `create_leads`: the sign-ups' new leads, routed before they are inserted, with their
  "Signed up on the website" history entry and roll-ups;
- `activity_rows` / `insert_activities`: the activity rows, one multi-row insert;
- `organizer`: the favourites and saved searches the lead made on the website (P7);
- `after_insert`: each touched lead's score and last activity (one UPDATE for the batch),
  the dashboard roll-ups and the hot-lead alerts.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadapp.models import (
    Activity,
    Brokerage,
    Favorite,
    HistoryEntry,
    Lead,
    Listing,
    RatingCutoff,
    SavedSearch,
    as_utc,
)
from leadapp.models.timefmt import db_text

from .. import alerts, distribute, rating, rollups, routing
from ..bulk import insert_rows
from ..history import acting_api_key
from ..leads import _derived
from ..rows import id_of, table_of
from ..security import hash_password

SIGNUP_SOURCE = "Website sign-up"


class LeadRow(NamedTuple):
    """What a batch needs of each of its leads, read under their row locks."""

    id: int
    email: str
    agent_id: int | None
    score: float
    last_activity_at: datetime | None
    password_hash: str | None
    status: str


def new_lead(brokerage: Brokerage, ev: dict, now: datetime) -> Lead:
    agent = brokerage.default_agent_id if brokerage else None
    lead = Lead(
        brokerage_id=id_of(brokerage),
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


def _route_signups(session: Session, brokerage_id: int, new_leads: dict, to_store, now):
    """G5: each new lead's agent, decided before it is inserted (same transaction)."""
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


def create_leads(
    session: Session,
    brokerage_id: int,
    new_leads: dict[str, Lead],
    to_store: list[tuple[int, dict]],
    leads: dict[str, LeadRow],
    now: datetime,
) -> None:
    """Route, insert and record the batch's new leads; adds them to `leads` by email."""
    if not new_leads:
        return
    router, decided = _route_signups(session, brokerage_id, new_leads, to_store, now)
    session.add_all(new_leads.values())
    session.flush()
    distribute.record(session, router, [(lead, decided[e]) for e, lead in new_leads.items()])
    session.execute(  # what add_entry writes for an entry without an acting user
        table_of(HistoryEntry).insert(),
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
        assert lead.id is not None
        leads[lead.email] = LeadRow(
            lead.id,
            lead.email,
            lead.assigned_agent_id,
            0.0,
            None,
            lead.website_password_hash,
            lead.status,
        )
    rollups.lead_created(session, new_leads.values())


def set_passwords(session: Session, hashes: dict[int, str]) -> None:
    """W2: website passwords of existing leads that had no account (lead id -> hash)."""
    if hashes:
        t = table_of(Lead)
        session.execute(
            sa.update(t)
            .where(t.c.id == sa.bindparam("lid"))
            .values(website_password_hash=sa.bindparam("h")),
            [{"lid": k, "h": v} for k, v in hashes.items()],
        )


def activity_rows(
    session: Session,
    brokerage_id: int,
    to_store: list[tuple[int, dict]],
    leads: dict[str, LeadRow],
    now: datetime,
) -> list[dict]:
    """The activity rows of the events to store, listings found by MLS number."""
    mls = list({ev["mls_number"] for _, ev in to_store if ev["mls_number"]})
    listing_ids = (
        dict(
            session.execute(
                select(col(Listing.mls_number), col(Listing.id)).where(
                    col(Listing.mls_number).in_(mls)
                )
            ).all()
        )
        if mls
        else {}
    )
    return [
        {
            "brokerage_id": brokerage_id,
            "lead_id": leads[ev["email"]].id,
            "kind": ev["kind"],
            "occurred_at": ev["occurred_at"],
            "received_at": now,
            "mls_number": ev["mls_number"] or None,
            "listing_id": listing_ids.get(ev["mls_number"]),
            "criteria": ev.get("criteria"),
            "details": ev["details"],
            "idempotency_key": ev["idempotency_key"] or None,
        }
        for _i, ev in to_store
    ]


# The activity columns a bulk writer fills (the ingest here, the demo loader with the ids).
ACTIVITY_COLUMNS = (
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


def insert_activities(session: Session, rows: list[dict]) -> list[int]:
    """Insert activity rows (one executemany) and return their ids in order.

    On SQLite the rows go straight to the driver: the caller holds the write lock (the
    rating lock), so the new rowids are MAX(id)+1 onwards. PostgreSQL uses RETURNING.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection()
        start = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM activity").scalar_one()
        received = db_text(rows[0]["received_at"])
        tuples = [
            (
                r["brokerage_id"],
                r["lead_id"],
                r["kind"],
                db_text(r["occurred_at"]),
                received
                if r["received_at"] is rows[0]["received_at"]
                else db_text(r["received_at"]),
                r["mls_number"],
                r["listing_id"],
                None if r["criteria"] is None else json.dumps(r["criteria"]),
                r["details"],
                r["idempotency_key"],
            )
            for r in rows
        ]
        insert_rows(conn, "activity", ACTIVITY_COLUMNS, tuples)
        return list(range(start + 1, start + 1 + len(rows)))
    t = table_of(Activity)
    res = session.execute(sa.insert(t).returning(t.c.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in res]


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


def organizer(session: Session, rows: list[dict]) -> None:
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
        t = table_of(Favorite)
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
        session.execute(sa.insert(table_of(SavedSearch)), searches)


def after_insert(
    session: Session,
    cutoff: RatingCutoff,
    rows: list[dict],
    leads: dict[str, LeadRow],
    now: datetime,
) -> None:
    """R1, D2, D8, N2 for the stored rows: scores and last activity, roll-ups, alerts.

    The caller holds the rating lock (`cutoff`) and read the leads under their row locks.
    """
    brokerage_id = cutoff.brokerage_id
    watermark = as_utc(cutoff.aged_until)
    by_id = {v.id: v for v in leads.values()}
    changes: dict[int, list] = {}  # lead id -> [old score, new score, new last activity]
    for row in rows:
        change = changes.get(row["lead_id"])
        if change is None:
            base = by_id[row["lead_id"]]
            score = base.score or 0.0
            change = changes[row["lead_id"]] = [score, score, as_utc(base.last_activity_at)]
        if row["occurred_at"] >= watermark:
            change[1] += rating.term(row["kind"], row["occurred_at"])
        if change[2] is None or row["occurred_at"] > change[2]:
            change[2] = row["occurred_at"]
    rating.apply_terms(session, brokerage_id, {k: tuple(v) for k, v in changes.items()})
    agent_of = {lead.id: lead.agent_id for lead in leads.values()}
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
            (
                brokerage_id,
                by_id[lid].agent_id,
                by_id[lid].status,
                by_id[lid].last_activity_at,
                c[2],
            )
            for lid, c in changes.items()
        ],
    )
    alerts.from_events(  # N2: hot-lead alerts, same transaction
        session,
        brokerage_id,
        rows,
        {lid: v.last_activity_at for lid, v in by_id.items()},
        agent_of,
        now,
    )
    rating.maybe_refresh(session, cutoff, now)
