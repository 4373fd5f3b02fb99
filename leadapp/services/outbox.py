"""The outbox (C5): every email leadapp queued, with its delivery and engagement.

Brokers see all of their brokerage's email; agents the email of their own leads.
Filters (`kind`, `status`, `from`, `to` dates in the user's zone, `lead`, `page`) are
plain strings from the URL; invalid values are dropped. `status` also takes `opened`
and `clicked`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Lead, OutgoingEmail, User, as_utc
from leadapp.models.enums import EMAIL_KINDS, EMAIL_STATUSES

from . import access, mail
from .errors import NotFound, get_in_brokerage

PAGE_SIZE = 50
STATUS_FILTERS = {**EMAIL_STATUSES, "opened": "Opened", "clicked": "Clicked"}


def _tz(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def fmt(value: datetime | None, user: User) -> str:
    if value is None:
        return ""
    return as_utc(value).astimezone(_tz(user)).strftime("%b %-d, %Y %-I:%M %p")


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def clean_filters(raw: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    if raw.get("kind") in EMAIL_KINDS:
        out["kind"] = raw["kind"]
    if raw.get("status") in STATUS_FILTERS:
        out["status"] = raw["status"]
    for key in ("from", "to"):
        d = _date(raw.get(key))
        if d:
            out[key] = d.isoformat()
    for key in ("lead", "page"):
        try:
            n = int(str(raw.get(key, ""))[:9])
        except ValueError:
            continue
        if n > (0 if key == "lead" else 1):
            out[key] = str(n)
    return out


def _visible(user: User):
    """WHERE clause: the emails `user` may see."""
    if access.is_broker(user):
        return col(OutgoingEmail.brokerage_id) == user.brokerage_id
    return sa.and_(
        col(OutgoingEmail.brokerage_id) == user.brokerage_id,
        col(OutgoingEmail.lead_id).in_(
            select(col(Lead.id)).where(
                col(Lead.brokerage_id) == user.brokerage_id, col(Lead.assigned_agent_id) == user.id
            )
        ),
    )


def list_emails(session: Session, user: User, raw_filters: dict) -> dict:
    f = clean_filters(raw_filters or {})
    where = [_visible(user)]
    if "lead" in f:
        # one lead's email: whoever may see the lead (an agent also a pool lead's)
        lead = access.get_lead(session, user, int(f["lead"]))
        where = [col(OutgoingEmail.brokerage_id) == lead.brokerage_id]
    if "kind" in f:
        where.append(col(OutgoingEmail.kind) == f["kind"])
    status = f.get("status")
    if status == "opened":
        where.append(col(OutgoingEmail.opened_at).is_not(None))
    elif status == "clicked":
        where.append(col(OutgoingEmail.clicked_at).is_not(None))
    elif status:
        where.append(col(OutgoingEmail.status) == status)
    tz = _tz(user)
    if "from" in f:
        where.append(
            col(OutgoingEmail.created_at)
            >= datetime.combine(date.fromisoformat(f["from"]), time.min, tz)
        )
    if "to" in f:
        end = datetime.combine(date.fromisoformat(f["to"]) + timedelta(days=1), time.min, tz)
        where.append(col(OutgoingEmail.created_at) < end)
    if "lead" in f:
        where.append(col(OutgoingEmail.lead_id) == int(f["lead"]))
    total = session.exec(select(sa.func.count()).select_from(OutgoingEmail).where(*where)).one()
    page = int(f.get("page", "1"))
    rows = session.exec(
        select(OutgoingEmail, col(Lead.first_name), col(Lead.last_name))
        .join(Lead, col(Lead.id) == col(OutgoingEmail.lead_id), isouter=True)
        .where(*where)
        .order_by(col(OutgoingEmail.created_at).desc(), col(OutgoingEmail.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    senders = _senders(session, [r for r, _, _ in rows])
    return {
        "rows": [_row(r, first, last, senders, user) for r, first, last in rows],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": f,
    }


def _senders(session: Session, rows: list[OutgoingEmail]) -> dict[int, str]:
    ids = {r.sender_user_id or r.created_by_id for r in rows} - {None}
    if not ids:
        return {}
    named = session.exec(select(col(User.id), col(User.name)).where(col(User.id).in_(ids))).all()
    return {uid: name for uid, name in named if uid is not None}


def sent_by(row: OutgoingEmail, senders: dict[int, str]) -> str:
    """G4: who or what sent it: the user who wrote it, else the automation that queued it."""
    if row.kind == "message" or row.created_by_id and row.kind not in mail.MARKETING_KINDS:
        return senders.get(row.created_by_id or row.sender_user_id or 0, "leadapp")
    auto = {
        "campaign": "Campaign",
        "market_report": "Market report",
        "alert": "Listing alert",
        "daily_update": "Daily update",
        "greeting": "Automatic greeting",
    }.get(row.kind, EMAIL_KINDS.get(row.kind, row.kind))
    who = senders.get(row.created_by_id or 0)
    return f"{auto} · {who}" if who else auto


def status_label(row: OutgoingEmail) -> str:
    if row.status == "sent" and row.clicked_at:
        return "Clicked"
    if row.status == "sent" and row.opened_at:
        return "Opened"
    return EMAIL_STATUSES.get(row.status, row.status)


def _row(row: OutgoingEmail, first, last, senders, user: User) -> dict:
    name = " ".join(p for p in (first, last) if p) if row.lead_id else ""
    return {
        "id": row.id,
        "created": fmt(row.created_at, user),
        "sent": fmt(row.sent_at, user),
        "to": row.to_address,
        "subject": row.subject,
        "kind": EMAIL_KINDS.get(row.kind, row.kind),
        "channel": row.channel,
        "status": row.status,
        "status_label": status_label(row),
        "opens": row.open_count,
        "clicks": row.click_count,
        "lead_id": row.lead_id or 0,
        "lead_name": name or (row.to_address if row.lead_id else ""),
        "error": row.error,
        "sent_by": sent_by(row, senders),
        "can_retry": row.status == "failed",
    }


def _get(session: Session, user: User, email_id) -> OutgoingEmail:
    row = get_in_brokerage(
        session, OutgoingEmail, email_id, user.brokerage_id, "That email does not exist."
    )
    if not access.is_broker(user):
        lead = session.get(Lead, row.lead_id) if row.lead_id else None
        if lead is None or not access.can_view_lead(session, user, lead):
            raise NotFound("That email does not exist.")
    return row


def lead_emails(session: Session, user: User, lead_id, limit: int = 10) -> dict:
    """The lead page's Messages tab: the latest email of every kind sent to the lead."""
    lead = access.get_lead(session, user, lead_id)
    data = list_emails(session, user, {"lead": str(lead.id)})
    return {"rows": data["rows"][:limit], "total": data["total"]}


def open_email(session: Session, user: User, email_id) -> dict:
    """One email as sent (or, while queued, as it will be rendered)."""
    row = _get(session, user, email_id)
    html, text = mail.preview(session, row) if row.channel == "email" else ("", row.body)
    first = last = None
    if row.lead_id:
        lead = session.get(Lead, row.lead_id)
        first, last = (lead.first_name, lead.last_name) if lead else (None, None)
    data = _row(row, first, last, _senders(session, [row]), user)
    data.update(
        html=html,
        text=text,
        opened=fmt(row.opened_at, user),
        clicked=fmt(row.clicked_at, user),
        machine_opens=row.machine_open_count,
        attempts=row.attempts,
    )
    return data


def retry(session: Session, user: User, email_id) -> None:
    row = _get(session, user, email_id)
    mail.retry_now(session, row)
