"""The import itself (I4): one transaction, bulk inserts, all or nothing.

Leads, their tags (created as needed), notes, market and campaign enrolments, agent
assignment and texting consent go in together with the dashboard roll-ups; every
imported lead's history names the ImportBatch it came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from leadapp.models import CampaignStep, ImportBatch, User, utcnow
from leadapp.models.enums import MARKET_REPORT_TYPES
from leadapp.models.timefmt import db_text
from leadapp.services import distribute, rollups, search_index, speed
from leadapp.services import tags as tag_service
from leadapp.services.bulk import insert_rows
from leadapp.services.errors import Conflict, ValidationFailed
from leadapp.services.lead_rows import lead_rows
from leadapp.settings import MAX_IMPORT_BYTES

from .columns import IMPORT_SOURCE
from .preview import ImportResult, Preview, column
from .route import Named, route
from .validate import build_preview

# A lead's market enrolment (all three report types) counts once in active_subscriptions,
# as in the demo data; each active campaign enrolment counts once.
REPORT_TYPES = list(MARKET_REPORT_TYPES)

Progress = Callable[[float, str], None]


def _ts(dt: datetime, pg: bool) -> str:
    s = db_text(dt)
    return s + "+00:00" if pg else s


def _reserve_lead_ids(conn: sa.Connection, n: int) -> list[int]:
    """n fresh lead ids, safe against concurrent writers (the transaction already holds a write)."""
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('lead', 'id')) FROM generate_series(1, %s)", (n,)
        ).all()
        return [r[0] for r in rows]
    start = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM lead").scalar() or 0
    return list(range(start + 1, start + n + 1))


def write_preview(
    session: Session, user: User, pv: Preview, progress: Progress | None = None
) -> ImportResult:
    """Write a checked preview. Raises ValidationFailed when it has errors (nothing is written)."""
    if not pv.ok:
        raise ValidationFailed({"file": pv.verdict}, "Nothing was imported: " + pv.verdict)
    step = progress or (lambda f, m: None)
    vals = pv.values
    assert vals is not None and user.id is not None  # a checked preview; a stored user
    n = len(vals)
    now = utcnow()
    conn = session.connection()
    pg = conn.dialect.name == "postgresql"
    ts = _ts(now, pg)
    b_id = user.brokerage_id

    batch = ImportBatch(
        brokerage_id=b_id, user_id=user.id, filename=(pv.filename or "")[:255], created_at=now
    )
    session.add(batch)
    session.flush()  # also takes the write lock on SQLite before ids are reserved
    assert batch.id is not None
    step(0.05, "Reserving lead ids")
    ids = _reserve_lead_ids(conn, n)

    markets = column(vals, "market_id", n, None)
    campaigns = column(vals, "campaign_id", n, None)
    subs = np.array(
        [len(m or ()) + len(c or ()) for m, c in zip(markets, campaigns, strict=False)],
        dtype=np.int64,
    )
    if pv.is_broker:
        agents = [int(a) if a is not None else None for a in column(vals, "agent_id", n, None)]
    else:
        agents = [user.id] * n
    routed = route(session, b_id, vals, n, agents, now) if pv.is_broker else None
    stages = [s or "uncontacted" for s in column(vals, "stage", n, None)]
    texting = [bool(t) for t in column(vals, "texting", n, None)]
    phones = column(vals, "phone", n)
    digits = (
        pd.Series(phones, dtype=object).str.replace(r"\D", "", regex=True).str.slice(0, 20).tolist()
        if "phone" in vals
        else [""] * n
    )

    def md_list(key):
        if key + "_md" not in vals:
            return [None] * n
        return [int(x) if x else None for x in vals[key + "_md"].tolist()]

    lead_cols, rows = lead_rows(
        n,
        {
            "id": ids,
            "brokerage_id": b_id,
            "email": vals["email"].tolist(),
            "first_name": column(vals, "first_name", n),
            "last_name": column(vals, "last_name", n),
            "phone": phones,
            "phone_digits": digits,
            "street": column(vals, "address", n),
            "city": column(vals, "city", n),
            "state": [s or "" for s in column(vals, "state", n, "")],
            "postal_code": column(vals, "postal_code", n),
            "birthday": column(vals, "birthday", n, None),
            "birthday_md": md_list("birthday"),
            "anniversary": column(vals, "anniversary", n, None),
            "anniversary_md": md_list("anniversary"),
            "lead_type": column(vals, "type", n, None),
            "stage": stages,
            "stage_entered_at": ts,
            "source": IMPORT_SOURCE,
            "texting_consent": texting,
            "assigned_agent_id": agents,
            "active_subscriptions": subs.tolist(),
            "created_at": ts,
            "updated_at": ts,
            "created_by_id": user.id,
        },
    )
    step(0.1, f"Writing {n:,} leads")
    try:
        with search_index.bulk_insert(conn, ids[0], ids[-1]):  # ids are contiguous on SQLite
            insert_rows(conn, "lead", lead_cols, rows)
    except (
        IntegrityError,
        conn.dialect.loaded_dbapi.IntegrityError,
    ) as exc:  # an email added meanwhile
        raise Conflict(
            "Another lead with one of these emails was added while importing; "
            "upload the file again to see which."
        ) from exc
    del rows

    # history: the import entry of every lead, then its note
    step(0.45, "Writing history")
    hist_cols = (
        "brokerage_id",
        "lead_id",
        "actor_id",
        "kind",
        "title",
        "body",
        "field",
        "new_value",
        "created_at",
    )
    label = f"Imported from {pv.filename or 'a CSV file'} (import #{batch.id})"
    insert_rows(
        conn,
        "history_entry",
        hist_cols,
        [
            (b_id, i, user.id, "import", "Imported", label, "import_batch", str(batch.id), ts)
            for i in ids
        ],
    )
    notes = column(vals, "notes", n)
    note_rows = [
        (b_id, i, user.id, "note", "Note", body, None, None, ts)
        for i, body in zip(ids, notes, strict=False)
        if body
    ]
    if note_rows:
        insert_rows(conn, "history_entry", hist_cols, note_rows)
        rollups.history_done(session, b_id, user.id, now, "note", n=len(note_rows))  # D4 "notes"

    if routed is not None:  # G5: why each lead without an Agent ID went where it did
        distribute.record(
            session, routed[0], [(Named(ids[i], vals, i), d) for i, d in routed[1]], now
        )
    skip = routed[2] if routed else set()
    speed.assigned(
        session, b_id, [(ids[i], a) for i, a in enumerate(agents) if a and i not in skip], now
    )

    # tags, created as needed (case-insensitive), and the lead_tag links
    step(0.65, "Applying tags")
    tag_lists = column(vals, "tags", n, None)
    wanted: dict[str, str] = {}
    for names in tag_lists:
        for name in names or ():
            wanted.setdefault(name.lower(), name)
    new_tags = 0
    tag_links = 0
    if wanted:
        existing = _tag_ids(session, b_id, list(wanted))
        missing = [(b_id, name, ts) for key, name in wanted.items() if key not in existing]
        if missing:
            insert_rows(conn, "tag", ("brokerage_id", "name", "created_at"), missing)
            new_tags = len(missing)
            existing = _tag_ids(session, b_id, list(wanted))
        links = sorted(
            {
                (i, existing[name.lower()])
                for i, names in zip(ids, tag_lists, strict=False)
                for name in names or ()
            }
        )
        insert_rows(conn, "lead_tag", ("lead_id", "tag_id"), links)
        tag_links = len(links)

    # market reports (all three types) and campaigns
    step(0.8, "Enrolling in markets and campaigns")
    msub = [
        (i, m, rt, True, ts, user.id)
        for i, ms in zip(ids, markets, strict=False)
        for m in ms or ()
        for rt in REPORT_TYPES
    ]
    if msub:
        insert_rows(
            conn,
            "market_subscription",
            ("lead_id", "market_id", "report_type", "active", "created_at", "created_by_id"),
            msub,
        )
    pairs = [(i, c) for i, cs in zip(ids, campaigns, strict=False) for c in cs or ()]
    if pairs:
        first_delay = _first_delays(session, {c for _, c in pairs})
        due = {c: _ts(now + timedelta(days=d), pg) for c, d in first_delay.items()}
        insert_rows(
            conn,
            "campaign_subscription",
            (
                "lead_id",
                "campaign_id",
                "status",
                "next_position",
                "next_send_at",
                "created_at",
                "created_by_id",
            ),
            [(i, c, "active", 1, due.get(c, ts), ts, user.id) for i, c in pairs],
        )

    # dashboard roll-ups, exactly as lead_created() would count these leads
    step(0.9, "Updating the dashboard")
    closed_year = now.year
    keys = Counter(
        (
            b_id,
            a or 0,
            "new",
            s,
            closed_year if s == "closed" else 0,
            IMPORT_SOURCE,
            bool(k),
            t or "",
        )
        for a, s, k, t in zip(
            agents, stages, subs.tolist(), column(vals, "type", n, None), strict=False
        )
    )
    rollups.add_lead_keys(session, keys)

    batch.lead_count = n
    batch.tag_count = len(wanted)
    batch.note_count = len(note_rows)
    batch.market_count = len(msub) // len(REPORT_TYPES)
    batch.campaign_count = len(pairs)
    session.add(batch)
    session.flush()
    step(1.0, "Done")
    return ImportResult(
        batch_id=batch.id,
        leads=n,
        tags=len(wanted),
        new_tags=new_tags,
        tag_links=tag_links,
        notes=len(note_rows),
        market_enrolments=batch.market_count,
        campaign_enrolments=len(pairs),
        assigned=sum(1 for a in agents if a),
    )


def _tag_ids(session: Session, brokerage_id: int, lower_names: list[str]) -> dict[str, int]:
    """Tag ids by lower-cased name (services.tags.ids_by_name)."""
    return tag_service.ids_by_name(session, brokerage_id, lower_names)


def _first_delays(session: Session, campaign_ids: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for cid, delay in session.exec(
        select(CampaignStep.campaign_id, CampaignStep.delay_days)
        .where(col(CampaignStep.campaign_id).in_(campaign_ids))
        .order_by(col(CampaignStep.campaign_id), col(CampaignStep.position))
    ).all():
        out.setdefault(cid, delay)
    return out


def import_file(
    session: Session,
    user: User,
    data: bytes,
    filename: str = "",
    max_bytes: int | None = MAX_IMPORT_BYTES,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the file again inside the writing transaction, then import it (all or nothing)."""
    pv = build_preview(session, user, data, filename, max_bytes)
    return write_preview(session, user, pv, progress)


# Check a file without writing anything: the preview `import_file` starts from.
preview_file = build_preview
