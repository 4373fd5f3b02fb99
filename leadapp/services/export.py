"""CSV export of the lead list (I5): brokers download the current view, all pages.

1. `start(session, user, view)` (a state handler calls it): brokers only. Records the export
   in `export_log` (who, when, the view's filters and sort) with the hash of a random
   one-time download token, valid for TOKEN_TTL, and returns the token.
2. The browser fetches /export/<token>.csv (leadapp/api/export.py). `open_download(session,
   token)` spends the token (a conditional UPDATE, so it works once) and checks that its
   user is still an active broker.
3. `stream_rows(engine, export_id)` yields the CSV in chunks from a server-side cursor
   (PostgreSQL named cursor / SQLite stepping), so the table is never held in memory and
   nothing is written to disk; at the end the row count is recorded.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are prefixed with ' (CSV injection).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Generator, Mapping
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import ExportLog, Lead, LeadTag, Tag, User, as_utc, utcnow
from leadapp.models.enums import LEAD_STATUSES, LEAD_TYPES, STAGES
from leadapp.models.timefmt import user_zone

from . import access, audit_log, lead_query, rating
from .errors import NotFound, PermissionDenied
from .rows import get_row, id_of, matched
from .security import new_token, token_hash

log = logging.getLogger("leadapp.export")

TOKEN_TTL = timedelta(minutes=2)
CHUNK = 1000  # rows per fetch and per yielded piece of CSV
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(FORMULA_START)

# Header names follow the import template where a column exists there (I1, I2), so an
# exported file can be edited and imported again; the rest are extra, ignored with a warning.
HEADERS = [
    "Lead ID",
    "Email",
    "Name",
    "Phone",
    "Address",
    "City",
    "State",
    "Postal Code",
    "Birthday",
    "Transaction Anniversary",
    "Type",
    "Status",
    "Pipeline Stage",
    "Rating",
    "Source",
    "Agent",
    "Agent ID",
    "Tags",
    "Texting",
    "Last Activity",
    "Created",
]
COLUMNS = (
    col(Lead.id),
    col(Lead.email),
    col(Lead.first_name),
    col(Lead.last_name),
    col(Lead.phone),
    col(Lead.street),
    col(Lead.city),
    col(Lead.state),
    col(Lead.postal_code),
    col(Lead.birthday),
    col(Lead.anniversary),
    col(Lead.lead_type),
    col(Lead.status),
    col(Lead.stage),
    col(Lead.rating_score),
    col(Lead.last_activity_at),
    col(Lead.source),
    col(Lead.assigned_agent_id),
    col(Lead.texting_consent),
    col(Lead.created_at),
)


def safe_cell(value) -> str:
    """A cell as text; one a spreadsheet would evaluate gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text and text[0] in _FORMULA_CHARS else text


def _view(raw: Mapping | lead_query.LeadQuery | None) -> lead_query.LeadQuery:
    if isinstance(raw, lead_query.LeadQuery):
        return raw
    return lead_query.LeadQuery.parse(raw if isinstance(raw, Mapping) else {})


def _recorded(query: lead_query.LeadQuery) -> dict:
    """What the export log keeps of a view: the filters and the sort (all pages)."""
    return {**query.filters(), "sort": query.sort, "dir": query.dir}


def start(session: Session, user: User, view) -> str:
    """Record an export of `view` (LeadQuery or URL params) and return its one-time token."""
    access.require_broker(user, "export leads")
    query = _view(view)
    token = new_token()
    now = utcnow()
    session.add(
        ExportLog(
            brokerage_id=user.brokerage_id,
            user_id=id_of(user),
            created_at=now,
            filters=_recorded(query),
            token_hash=token_hash(token),
            expires_at=now + TOKEN_TTL,
        )
    )
    session.flush()
    audit_log.record(
        session,
        user.brokerage_id,
        "export",
        actor=user,
        detail=f"lead list CSV {_recorded(query)}"[:500],
    )
    return token


def open_download(session: Session, token: str) -> tuple[int, str]:
    """Spend a download token: (export id, file name). Unknown, used or expired → NotFound."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("This download link is not valid.")
    now = utcnow()
    spent = session.execute(
        sa.update(ExportLog)
        .where(
            col(ExportLog.token_hash) == token_hash(token),
            col(ExportLog.started_at).is_(None),
            col(ExportLog.expires_at) > now,
        )
        .values(started_at=now)
        .execution_options(synchronize_session=False)
    )
    if matched(spent) != 1:
        raise NotFound(
            "This download link has expired or was already used. Export again from the lead list."
        )
    row = session.exec(
        select(ExportLog).where(col(ExportLog.token_hash) == token_hash(token))
    ).one()
    user = session.get(User, row.user_id)
    if user is None or not user.is_active or user.brokerage_id != row.brokerage_id:
        raise PermissionDenied("This export's user can no longer sign in.")
    access.require_broker(user, "export leads")
    assert row.id is not None  # a stored row
    return row.id, f"leads-{now.strftime('%Y-%m-%d-%H%M')}.csv"


def _fmt_date(value) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}" if value else ""


def _fmt_ts(value, tz) -> str:
    if value is None:
        return ""
    v = as_utc(value).astimezone(tz)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}"


def _encode(rows: list[list]) -> bytes:
    """Rows of cells (already made safe) as CSV bytes."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def stream_rows(engine: sa.Engine, export_id: int) -> Generator[bytes, None, None]:
    """The CSV of a started export, in pieces; records the row count when done."""
    written = 0
    finished = False
    try:
        with Session(engine, expire_on_commit=False) as session:
            entry = get_row(session, ExportLog, export_id)
            user = get_row(session, User, entry.user_id)
            access.require_broker(user, "export leads")
            query = _view(entry.filters)
            now = utcnow()
            tz = user_zone(user)
            users = {
                u.id: u
                for u in session.exec(
                    select(User).where(col(User.brokerage_id) == user.brokerage_id)
                )
            }
            cutoff = rating.get_cutoff(session, user.brokerage_id)
            stmt = lead_query.filtered_select(session, user, query, *COLUMNS, now=now)
            result = session.execute(stmt.execution_options(stream_results=True, yield_per=CHUNK))
            yield "\ufeff".encode("utf-8") + _encode([HEADERS])  # BOM: spreadsheets read UTF-8
            safe = safe_cell
            types, statuses, stages = LEAD_TYPES, LEAD_STATUSES, STAGES
            agent_cells = {uid: (safe(u.name), safe(u.agent_code)) for uid, u in users.items()}
            no_agent = ("", "")
            window_start = now - rating.WINDOW
            for part in result.partitions(CHUNK):
                ids = [r[0] for r in part]
                tags: dict[int, list[str]] = {}
                for lead_id, name in session.execute(
                    select(col(LeadTag.lead_id), col(Tag.name))
                    .join(Tag, col(Tag.id) == col(LeadTag.tag_id))
                    .where(col(LeadTag.lead_id).in_(ids))
                    .order_by(col(Tag.name))
                ):
                    tags.setdefault(lead_id, []).append(name)
                out = []
                for (
                    lead_id,
                    email,
                    first,
                    last_name,
                    phone,
                    street,
                    city,
                    st,
                    postal,
                    birthday,
                    anniversary,
                    lead_type,
                    status,
                    stage,
                    score,
                    last_at,
                    source,
                    agent_id,
                    texting,
                    created,
                ) in part:
                    agent_name, agent_code = agent_cells.get(agent_id, no_agent)
                    last = as_utc(last_at)
                    stars = (
                        0
                        if last is None or last < window_start or score <= 0
                        else rating.stars(score, last, cutoff, now)
                    )
                    lead_tags = tags.get(lead_id)
                    out.append(
                        [
                            lead_id,
                            safe(email),
                            safe(f"{first} {last_name}".strip()),
                            safe(phone),
                            safe(street),
                            safe(city),
                            safe(st),
                            safe(postal),
                            _fmt_date(birthday),
                            _fmt_date(anniversary),
                            types.get(lead_type or "", ""),
                            statuses.get(status, status),
                            stages.get(stage, stage),
                            stars,
                            safe(source),
                            agent_name,
                            agent_code,
                            safe(", ".join(lead_tags)) if lead_tags else "",
                            "YES" if texting else "NO",
                            _fmt_ts(last, tz),
                            _fmt_ts(created, tz),
                        ]
                    )
                written += len(out)
                yield _encode(out)
            result.close()
        finished = True
    finally:
        try:
            with Session(engine) as session:
                session.execute(
                    sa.update(ExportLog)
                    .where(col(ExportLog.id) == export_id)
                    .values(row_count=written, finished_at=utcnow() if finished else None)
                )
                session.commit()
        except Exception:  # the download itself is what matters; log and go on
            log.exception("could not record export %s", export_id)
        log.info("export %s: %s rows%s", export_id, written, "" if finished else " (interrupted)")
