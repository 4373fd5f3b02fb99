"""Notifications (N1): stored per user, shown by the header's bell, optionally e-mailed.

`send(session, brokerage_id, user_ids, kind, title, ...)` writes one row per user in the
caller's transaction (`send_many(session, brokerage_id, [Note, ...])`: many at once, in the
same few statements), queues an e-mail (services/mail.queue) for the users who chose e-mail
for that kind, and notes a live change of kind "notify" for each user: after commit it
reaches every open tab of that user through services/live.py (Redis across workers), where
the bell re-reads its unread count. A user who signs in later sees the stored rows.

In-app notifications are always on; e-mail is a per-user choice per kind (`KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Notification, NotificationPref, User, utcnow

from . import live, mail
from .errors import NotFound, ValidationFailed
from .people import display_name
from .rows import id_of, matched, stored_ids, table_of

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


@dataclass(frozen=True)
class Note:
    """One notification to some users (see `send_many`)."""

    user_ids: tuple[int, ...]
    kind: str
    title: str
    body: str = ""
    lead_id: int | None = None


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
    return send_many(
        session, brokerage_id, [Note(tuple(user_ids), kind, title, body, lead_id)], now
    )


def send_many(
    session: Session, brokerage_id: int, notes: list[Note], now: datetime | None = None
) -> int:
    """Many notifications in three statements whatever their number (a batch of events, an
    import): one insert, one read of who wants which kind by e-mail, the e-mails' insert."""
    rows, recipients = [], []
    at = now or utcnow()
    for n in notes:
        if n.kind not in KINDS:
            raise ValueError(f"unknown notification kind {n.kind!r}")
        ids = sorted({int(u) for u in n.user_ids if u})[:MAX_BULK]
        recipients.append(ids)
        rows += [
            {
                "brokerage_id": brokerage_id,
                "user_id": u,
                "kind": n.kind,
                "lead_id": n.lead_id,
                "title": n.title[:200],
                "body": n.body[:1000],
                "created_at": at,
                "read_at": None,
            }
            for u in ids
        ]
    if not rows:
        return 0
    session.execute(sa.insert(table_of(Notification)), rows)
    everyone = sorted({r["user_id"] for r in rows})
    for u in everyone:
        live.note(session, brokerage_id, u, "notify")
    emailed: dict[tuple[int, str], str] = {}
    for start in range(0, len(everyone), MAX_BULK):
        for uid, kind, email in session.execute(
            select(col(User.id), col(NotificationPref.kind), col(User.email))
            .join(NotificationPref, col(NotificationPref.user_id) == col(User.id))
            .where(
                col(NotificationPref.user_id).in_(everyone[start : start + MAX_BULK]),
                col(NotificationPref.kind).in_(sorted({n.kind for n in notes})),
                col(NotificationPref.email),
                col(User.is_active),
            )
        ):
            emailed[(uid, kind)] = email
    if emailed:
        for n, ids in zip(notes, recipients, strict=True):
            for u in ids:
                if (u, n.kind) in emailed:
                    mail.queue(
                        session,
                        brokerage_id=brokerage_id,
                        to=emailed[(u, n.kind)],
                        kind="notice",
                        lead_id=n.lead_id,
                        subject=n.title,
                        body=(n.body + "\n\n" if n.body else "")
                        + (f"Open the lead in leadapp: /leads/{n.lead_id}\n" if n.lead_id else ""),
                    )
    return len(rows)


def brokers_of(session: Session, brokerage_id: int) -> list[int]:
    return stored_ids(
        session.exec(
            select(col(User.id)).where(
                col(User.brokerage_id) == brokerage_id,
                col(User.role) == "broker",
                col(User.is_active),
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
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
    ).scalar_one()


def recent(session: Session, user: User, limit: int = LIST_SIZE) -> list[dict]:
    rows = session.exec(
        select(Notification)
        .where(col(Notification.user_id) == user.id)
        .order_by(col(Notification.id).desc())
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
        col(Notification.user_id) == user.id, col(Notification.read_at).is_(None)
    )
    if notification_id is not None:
        try:
            nid = int(notification_id)
        except (TypeError, ValueError):
            raise NotFound("That notification does not exist.") from None
        q = q.where(col(Notification.id) == nid)
    n = matched(session.execute(q.values(read_at=utcnow())))
    if n:
        live.note(session, user.brokerage_id, user.id, "notify")
    return n


def preferences(session: Session, user: User) -> list[dict]:
    chosen = dict(
        session.execute(
            select(col(NotificationPref.kind), col(NotificationPref.email)).where(
                col(NotificationPref.user_id) == user.id
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
        session.add(NotificationPref(user_id=id_of(user), kind=kind, email=email))
    else:
        pref.email = email
        session.add(pref)
