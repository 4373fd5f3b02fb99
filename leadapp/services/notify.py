"""Notifications (N1): stored per user, shown by the header's bell, optionally e-mailed.

`send(session, brokerage_id, user_ids, kind, title, ...)` writes one row per user in the
caller's transaction, queues an e-mail (services/mail.queue) for the users who chose e-mail
for that kind, and notes a live change of kind "notify" for each user: after commit it
reaches every open tab of that user through services/live.py (Redis across workers), where
the bell re-reads its unread count. A user who signs in later sees the stored rows.

In-app notifications are always on; e-mail is a per-user choice per kind (`KINDS`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import Notification, NotificationPref, User, utcnow

from . import live, mail
from .errors import NotFound, ValidationFailed
from .people import display_name

KINDS = {
    "assigned": "New lead assigned to you",
    "offer": "Lead offered to claim",
    "claim": "Lead claimed, rejected or reassigned",
    "reply": "A reply from a lead",
    "reminder": "Task or event reminder while signed out",
    "pool": "New leads in the pool",
    "hot_lead": "Hot-lead alert",
    "routing": "Lead routing problem",
}
LIST_SIZE = 30
MAX_BULK = 5000


def send(
    session: Session,
    brokerage_id: int,
    user_ids,
    kind: str,
    title: str,
    body: str = "",
    lead_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Notify each of `user_ids` (deduplicated); returns how many rows were written."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = sorted({int(u) for u in user_ids if u})[:MAX_BULK]
    if not ids:
        return 0
    at = now or utcnow()
    session.execute(
        sa.insert(Notification.__table__),
        [
            {
                "brokerage_id": brokerage_id,
                "user_id": u,
                "kind": kind,
                "lead_id": lead_id,
                "title": title[:200],
                "body": body[:1000],
                "created_at": at,
                "read_at": None,
            }
            for u in ids
        ],
    )
    for u in ids:
        live.note(session, brokerage_id, u, "notify")
    emailed = session.execute(
        select(User.id, User.email)
        .join(NotificationPref, NotificationPref.user_id == User.id)
        .where(
            NotificationPref.user_id.in_(ids),
            NotificationPref.kind == kind,
            NotificationPref.email,
            User.is_active,
        )
    ).all()
    for _uid, email in emailed:
        mail.queue(
            session,
            brokerage_id=brokerage_id,
            to=email,
            kind="notice",
            lead_id=lead_id,
            subject=title,
            body=(body + "\n\n" if body else "")
            + (f"Open the lead in leadapp: /leads/{lead_id}\n" if lead_id else ""),
        )
    return len(ids)


def brokers_of(session: Session, brokerage_id: int) -> list[int]:
    return list(
        session.exec(
            select(User.id).where(
                User.brokerage_id == brokerage_id, User.role == "broker", User.is_active
            )
        ).all()
    )


def lead_reply(session: Session, lead, subject: str = "", snippet: str = "") -> int:
    """A lead wrote back (inbound mail): tell the lead's agent, or the brokers for a pool lead."""
    to = (
        [lead.assigned_agent_id]
        if lead.assigned_agent_id
        else brokers_of(session, lead.brokerage_id)
    )
    return send(
        session,
        lead.brokerage_id,
        to,
        "reply",
        f"{display_name(lead)} replied" + (f": {subject}" if subject else ""),
        snippet[:300],
        lead_id=lead.id,
    )


# ---------------------------------------------------------------------- the user's own list


def unread_count(session: Session, user: User) -> int:
    return session.execute(
        select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def recent(session: Session, user: User, limit: int = LIST_SIZE) -> list[dict]:
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "href": f"/leads/{n.lead_id}" if n.lead_id else "",
            "lead_id": n.lead_id or 0,
            "unread": n.read_at is None,
            "at": n.created_at.isoformat() if n.created_at else "",
        }
        for n in rows
    ]


def mark_read(session: Session, user: User, notification_id=None) -> int:
    """Mark one of the user's notifications read (or all of them when no id is given)."""
    q = sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        try:
            nid = int(notification_id)
        except (TypeError, ValueError):
            raise NotFound("That notification does not exist.") from None
        q = q.where(Notification.id == nid)
    n = session.execute(q.values(read_at=utcnow())).rowcount
    if n:
        live.note(session, user.brokerage_id, user.id, "notify")
    return n


def preferences(session: Session, user: User) -> list[dict]:
    chosen = dict(
        session.execute(
            select(NotificationPref.kind, NotificationPref.email).where(
                NotificationPref.user_id == user.id
            )
        ).all()
    )
    return [{"kind": k, "label": v, "email": bool(chosen.get(k))} for k, v in KINDS.items()]


def set_preference(session: Session, user: User, kind, email) -> None:
    """E-mail for one kind on or off (in-app notifications are always on)."""
    kind = str(kind or "")[:40]
    if kind not in KINDS:
        raise ValidationFailed({"kind": f"'{kind}' is not a kind of notification."})
    if not isinstance(email, bool):
        raise ValidationFailed({"email": "On or off."})
    pref = session.get(NotificationPref, (user.id, kind))
    if pref is None:
        session.add(NotificationPref(user_id=user.id, kind=kind, email=email))
    else:
        pref.email = email
        session.add(pref)
