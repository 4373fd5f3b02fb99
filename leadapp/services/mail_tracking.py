"""What leads do with their email (C5, C6, R1): opens, clicks, unsubscribes, bounces.

Every function here takes a signed token (services/mail_tokens.py) and answers None or
False for a token that is forged, for another purpose or names no email: the routes then
answer a neutral page or a 4xx and nothing changes. Each change is one row update.

- An open is counted once per fetch (`open_count`, `opened_at` the first); a fetch within
  MACHINE_OPEN_SECONDS of delivery is a mail-privacy proxy's prefetch
  (`machine_open_count`) and is not engagement.
- A click only redirects to a URL that was in that email (`links`); it counts
  `click_count`, and the email's first click is an `email_click` activity of the lead,
  which feeds the rating (R1) through services/activity/.
- Unsubscribe: suppression rows per address and kind (`all` or one of
  enums.UNSUBSCRIBE_KINDS); a bounce is the kind `bounced`. Only the lead (through the
  link's page) can take an unsubscribe back; staff never can.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TypedDict

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import EmailSuppression, Lead, OutgoingEmail, as_utc, utcnow
from leadapp.models.enums import UNSUBSCRIBE_KINDS, UNSUBSCRIBE_OF_KIND

from . import mail_tokens
from .bulk import insert_ignore
from .rows import matched, stored_ids, table_of

log = logging.getLogger("leadapp.mail")
MACHINE_OPEN_SECONDS = 10
# 1x1 transparent GIF
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _suppressed_kinds(session: Session, brokerage_id: int, address: str) -> dict[str, datetime]:
    rows = session.exec(
        select(col(EmailSuppression.kind), col(EmailSuppression.created_at)).where(
            col(EmailSuppression.brokerage_id) == brokerage_id,
            col(EmailSuppression.address) == address.strip().lower(),
        )
    ).all()
    return {k: as_utc(at) for k, at in rows}


def blocked_reason(session: Session, row: OutgoingEmail) -> str:
    """Why this email must not go out ('' = it may)."""
    if not row.to_address or "@" not in row.to_address:
        return "no email address"
    kinds = _suppressed_kinds(session, row.brokerage_id, row.to_address)
    if "bounced" in kinds:
        return "the address bounced earlier"
    if row.marketing:
        if "all" in kinds:
            return "unsubscribed from all marketing email"
        cat = UNSUBSCRIBE_OF_KIND.get(row.kind)
        if cat in kinds:
            return f"unsubscribed from {UNSUBSCRIBE_KINDS[cat].lower()}"
    return ""


def is_suppressed(session: Session, brokerage_id: int, address: str, kind: str) -> bool:
    """For senders that decide before queueing: would an email of `kind` be skipped?"""
    kinds = _suppressed_kinds(session, brokerage_id, address or "")
    cat = UNSUBSCRIBE_OF_KIND.get(kind)
    return "bounced" in kinds or (cat is not None and ("all" in kinds or cat in kinds))


def _add(session: Session, brokerage_id: int, address: str, kind: str, lead_id, reason, source):
    insert_ignore(
        session,
        table_of(EmailSuppression),
        brokerage_id=brokerage_id,
        address=address.strip().lower(),
        kind=kind,
        lead_id=lead_id,
        reason=reason[:500],
        source=source,
        created_at=utcnow(),
    )


def suppress_bounce(session: Session, row: OutgoingEmail, reason: str) -> None:
    _add(session, row.brokerage_id, row.to_address, "bounced", row.lead_id, reason, "smtp")


def _email(session: Session, token: str, purpose: str) -> tuple[OutgoingEmail, int] | None:
    got = mail_tokens.read(session, token, purpose)
    if got is None:
        log.info("mail link rejected: bad %s token", purpose)
        return None
    row = session.get(OutgoingEmail, got[0])
    if row is None:
        log.info("mail link rejected: no email %s", got[0])
        return None
    return row, got[1]


def record_open(session: Session, token: str, now: datetime | None = None) -> bool:
    got = _email(session, token, "open")
    if got is None:
        return False
    row, _ = got
    now = now or utcnow()
    machine = (
        row.sent_at is not None
        and (now - as_utc(row.sent_at)).total_seconds() < MACHINE_OPEN_SECONDS
    )
    t = table_of(OutgoingEmail).c
    values = (
        {"machine_open_count": t.machine_open_count + 1}
        if machine
        else {"open_count": t.open_count + 1, "opened_at": sa.func.coalesce(t.opened_at, now)}
    )
    session.execute(sa.update(table_of(OutgoingEmail)).where(t.id == row.id).values(**values))
    return True


def click(session: Session, token: str, now: datetime | None = None) -> tuple[str | None, int]:
    """(URL to redirect to or None, id of an email whose first click this was, else 0)."""
    got = _email(session, token, "click")
    if got is None:
        return None, 0
    row, link = got
    links = row.links or []
    if not 0 <= link < len(links):
        log.info("mail link rejected: email %s has no link %s", row.id, link)
        return None, 0
    now = now or utcnow()
    t = table_of(OutgoingEmail).c
    first = matched(
        session.execute(
            sa.update(table_of(OutgoingEmail))
            .where(t.id == row.id, t.clicked_at.is_(None))
            .values(click_count=t.click_count + 1, clicked_at=now)
        )
    )
    if not first:
        session.execute(
            sa.update(table_of(OutgoingEmail))
            .where(t.id == row.id)
            .values(click_count=t.click_count + 1)
        )
    return links[link], ((row.id or 0) if first and row.lead_id else 0)


def unsubscribe_target(session: Session, token: str) -> OutgoingEmail | None:
    got = _email(session, token, "unsubscribe")
    return got[0] if got else None


def preferences(session: Session, row: OutgoingEmail) -> dict:
    """What the link's page shows: the address and which kinds it refused (with dates)."""
    kinds = _suppressed_kinds(session, row.brokerage_id, row.to_address)
    return {"address": row.to_address, "kinds": kinds}


def set_preferences(
    session: Session, row: OutgoingEmail, refused: set[str], source: str = "page"
) -> None:
    """The lead's own choice: exactly `refused` (subset of UNSUBSCRIBE_KINDS | {'all'})."""
    refused = {k for k in refused if k == "all" or k in UNSUBSCRIBE_KINDS}
    current = _suppressed_kinds(session, row.brokerage_id, row.to_address)
    added = refused - set(current)
    for kind in added:
        _add(session, row.brokerage_id, row.to_address, kind, row.lead_id, "", source)
    if row.marketing and added & {"all", UNSUBSCRIBE_OF_KIND.get(row.kind)}:
        _mark_unsubscribed(session, row)
    gone = [k for k in current if k != "bounced" and k not in refused]
    if gone:
        session.execute(
            sa.delete(EmailSuppression).where(
                col(EmailSuppression.brokerage_id) == row.brokerage_id,
                col(EmailSuppression.address) == row.to_address.strip().lower(),
                col(EmailSuppression.kind).in_(gone),
            )
        )


def one_click(session: Session, token: str) -> bool:
    """RFC 8058 one-click: unsubscribe from all marketing email at once."""
    row = unsubscribe_target(session, token)
    if row is None:
        return False
    _add(session, row.brokerage_id, row.to_address, "all", row.lead_id, "", "one_click")
    _mark_unsubscribed(session, row)
    return True


def _mark_unsubscribed(session: Session, row: OutgoingEmail) -> None:
    """The email the lead unsubscribed through (the first time counts), for its statistics."""
    session.execute(
        sa.update(OutgoingEmail)
        .where(col(OutgoingEmail.id) == row.id, col(OutgoingEmail.unsubscribed_at).is_(None))
        .values(unsubscribed_at=utcnow())
    )


class MailStatus(TypedDict):
    bounced: tuple[datetime, str] | None  # when, and the server's reason
    unsubscribed: dict[str, datetime]  # kind (or "all") -> when


def lead_mail_status(session: Session, lead: Lead) -> MailStatus:
    """For the lead page: {"bounced": (date, reason) | None, "unsubscribed": {kind: date}}."""
    if not lead.email:
        return {"bounced": None, "unsubscribed": {}}
    rows = session.exec(
        select(EmailSuppression).where(
            col(EmailSuppression.brokerage_id) == lead.brokerage_id,
            col(EmailSuppression.address) == lead.email.strip().lower(),
        )
    ).all()
    bounced = next(((as_utc(r.created_at), r.reason) for r in rows if r.kind == "bounced"), None)
    return {
        "bounced": bounced,
        "unsubscribed": {r.kind: as_utc(r.created_at) for r in rows if r.kind != "bounced"},
    }


def status_lines(session: Session, lead: Lead, tz_name: str = "UTC") -> list[str]:
    """The lead page's words for it: bounced and unsubscribed, each with its date."""
    from zoneinfo import ZoneInfo

    try:
        tz = ZoneInfo(tz_name or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    got = lead_mail_status(session, lead)
    lines = []
    if got["bounced"]:
        at, reason = got["bounced"]
        lines.append(
            f"Email bounced on {at.astimezone(tz):%b %-d, %Y}"
            + (f" ({reason[:120]})" if reason else "")
            + ": nothing is sent to this address."
        )
    for kind, at in sorted(got["unsubscribed"].items(), key=lambda kv: kv[1]):
        what = "all marketing email" if kind == "all" else UNSUBSCRIBE_KINDS.get(kind, kind).lower()
        lines.append(f"Unsubscribed from {what} on {at.astimezone(tz):%b %-d, %Y}.")
    return lines


def refuse_resubscribe(session: Session, lead: Lead, kind: str) -> None:
    """Staff cannot sign a lead up again for mail the lead refused (only the lead can)."""
    from .errors import ServiceError

    got = lead_mail_status(session, lead)
    refused = got["unsubscribed"]
    at = refused.get("all") or refused.get(kind)
    if at is not None:
        what = "all marketing email" if "all" in refused else UNSUBSCRIBE_KINDS[kind].lower()
        raise ServiceError(
            f"{lead.email} unsubscribed from {what} on {at:%b %-d, %Y}; only they can "
            "subscribe again, from the link in any email they received."
        )


def refused_lead_ids(session: Session, brokerage_id: int, lead_ids, kind: str) -> set[int]:
    """Of `lead_ids`, those whose address unsubscribed from `kind` (or all): bulk writers
    skip them as `refuse_resubscribe` refuses one."""
    ids = list(lead_ids)
    if not ids:
        return set()
    return set(
        stored_ids(
            session.exec(
                select(col(Lead.id)).where(
                    col(Lead.id).in_(ids),
                    sa.exists().where(
                        col(EmailSuppression.brokerage_id) == brokerage_id,
                        col(EmailSuppression.address) == sa.func.lower(col(Lead.email)),
                        col(EmailSuppression.kind).in_(["all", kind]),
                    ),
                )
            ).all()
        )
    )
