"""The History (P8) and Messages (P11) tabs, one page at a time."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import ApiKey, HistoryEntry, OutgoingEmail, User
from leadapp.models.enums import HISTORY_KINDS
from leadapp.services import access
from leadapp.services.errors import ValidationFailed
from leadapp.services.rows import count_rows, id_of

from .format import PAGE_SIZE, _page, _user_names, fmt_dt, pages_of
from .types import HistoryPage, HistoryRow, MessageRow, MessagesPage

HISTORY_FILTERS = {
    "": None,
    "notes": ("note", "call", "quick_event"),
    "messages": ("message", "reply"),
    "changes": ("audit", "created", "import"),
}


def _key_names(session: Session, ids) -> dict[int, str]:
    """'API key <name>' for the website API keys that wrote history entries."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(ApiKey).where(col(ApiKey.id).in_(ids))).all()
    return {id_of(k): f"API key {k.name}" for k in rows}


def history_page(session: Session, user: User, lead_id, what: str = "", page=0) -> HistoryPage:
    """P8: notes, calls, quick events and the audit trail, newest first, paged."""
    lead = access.get_lead(session, user, lead_id)
    if what not in HISTORY_FILTERS:
        raise ValidationFailed({"what": "Unknown history filter."})
    page = _page(page)
    where = [col(HistoryEntry.lead_id) == lead.id]
    if HISTORY_FILTERS[what]:
        where.append(col(HistoryEntry.kind).in_(HISTORY_FILTERS[what]))
    total = count_rows(session, HistoryEntry, *where)
    entries = session.exec(
        select(HistoryEntry)
        .where(*where)
        .order_by(col(HistoryEntry.created_at).desc(), col(HistoryEntry.id).desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    names = _user_names(session, {e.actor_id for e in entries})
    keys = _key_names(session, {e.api_key_id for e in entries})
    rows: list[HistoryRow] = []
    for e in entries:
        change = ""
        if e.kind == "audit" and e.field:
            change = f"{e.old_value or '—'} → {e.new_value or '—'}"
        rows.append(
            {
                "id": id_of(e),
                "kind": e.kind,
                "kind_text": HISTORY_KINDS.get(e.kind, e.kind),
                "title": e.title,
                "body": e.body,
                "change": change,
                "who": "The lead"
                if e.kind == "reply"
                else names.get(e.actor_id or 0)
                or keys.get(e.api_key_id or 0)
                or ("Website" if e.actor_id is None else "—"),
                "when": fmt_dt(e.created_at, user),
                "edited": fmt_dt(e.updated_at, user),
                "can_edit": e.kind in ("quick_event", "note", "call")
                and (e.actor_id == user.id or access.is_broker(user))
                and access.can_change_lead(user, lead),
            }
        )
    return {"rows": rows, "total": total, "page": page, "pages": pages_of(total)}


def messages_page(session: Session, user: User, lead_id, page=0) -> MessagesPage:
    """P11: messages sent to the lead, with delivery state; each openable."""
    data = history_page(session, user, lead_id, "messages", page)
    ids = [r["id"] for r in data["rows"]]
    state = {}
    if ids:
        for hid, status, _sent, opened in session.exec(
            select(
                OutgoingEmail.history_entry_id,
                OutgoingEmail.status,
                OutgoingEmail.sent_at,
                OutgoingEmail.opened_at,
            ).where(col(OutgoingEmail.history_entry_id).in_(ids))
        ).all():
            state[hid] = (
                "Opened"
                if opened
                else {"sent": "Sent", "queued": "Queued", "failed": "Failed"}.get(status, status)
            )
    rows: list[MessageRow] = [{**r, "delivery": state.get(r["id"], "—")} for r in data["rows"]]
    return {"rows": rows, "total": data["total"], "page": data["page"], "pages": data["pages"]}
