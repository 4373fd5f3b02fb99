"""Outgoing mail (C5): every email is queued in `outgoing_email`, then delivered over SMTP.

`queue()` records the email inside the caller's transaction (so a message and its
history entry commit together); `deliver_queued()` renders what is due through the one
template set (services/mail_render.py), signs it with DKIM when the brokerage has a key,
and sends it through the configured SMTP server (STARTTLS, or SMTPS on port 465).

- Claims: a worker takes its rows with one conditional UPDATE (`status = 'queued'` →
  `'sending'` with its own claim token), so two workers delivering at once never send an
  email twice. A claim left by a crashed worker is released after CLAIM_TIMEOUT.
- Suppression: a bounced address gets nothing; an unsubscribed one gets no marketing of
  the kinds it refused (services/mail_tracking.py). Such rows end as `skipped`.
- A permanent refusal (5xx) marks the email `bounced` and suppresses the address; a
  temporary one (4xx, connection errors) retries after RETRY_DELAYS, then `failed`.
Without REFLEX_SMTP_HOST mail stays queued. Texts (channel "text") wait for an SMS
gateway and are never sent to leads without texting consent.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import smtplib
import ssl
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import OutgoingEmail, utcnow
from leadapp.models.enums import UNSUBSCRIBE_OF_KIND
from leadapp.settings import smtp_settings

from . import mail_render, mail_tracking
from .rows import table_of

log = logging.getLogger("leadapp.mail")

MARKETING_KINDS = frozenset(UNSUBSCRIBE_OF_KIND)
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 30, 120)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM_TIMEOUT = timedelta(minutes=15)
PERMANENT_DATA_CODES = {550, 551, 552, 553, 554}


def queue(
    session: Session,
    *,
    brokerage_id: int,
    to: str,
    subject: str,
    kind: str,
    body: str = "",
    template: str = "message",
    context: dict | None = None,
    marketing: bool | None = None,
    lead_id: int | None = None,
    created_by_id: int | None = None,
    sender_user_id: int | None = None,
    channel: str = "email",
    **links,
) -> OutgoingEmail:
    """Queue one email (or text) in the caller's transaction; see DEVELOPERS.md "Email".

    `body` is plain text (blank lines separate paragraphs); `template` one of
    mail_render.TEMPLATES and `context` its values (JSON-able: "paragraphs", "listings",
    "cta", "headline"). `marketing` defaults from `kind` (campaign, market report, alert,
    daily update, greeting): marketing carries the unsubscribe link and headers and is not
    sent to an address that unsubscribed. The sender (From name, signature, Reply-To) is
    `sender_user_id`, else `created_by_id`, else the lead's agent at delivery.
    """
    email = OutgoingEmail(
        brokerage_id=brokerage_id,
        lead_id=lead_id,
        to_address=(to or "").strip(),
        subject=subject[:300],
        body=body,
        kind=kind,
        channel=channel,
        created_by_id=created_by_id,
        sender_user_id=sender_user_id or created_by_id,
        template=template,
        context=context,
        marketing=(kind in MARKETING_KINDS) if marketing is None else marketing,
        **links,
    )
    session.add(email)
    return email


# Columns of a queued row that queue_many fills in when a row leaves them out.
_QUEUE_DEFAULTS = {
    "body": "",
    "channel": "email",
    "status": "queued",
    "error": "",
    "template": "message",
    "context": None,
    "created_by_id": None,
    "sender_user_id": None,
    "lead_id": None,
    "click_count": 0,
    "attempts": 0,
    "open_count": 0,
    "machine_open_count": 0,
}


def queue_many(session: Session, rows: list[dict]) -> list[int]:
    """Queue many emails at once (a scheduled sender's batch); returns their ids in order.

    Each row holds queue()'s arguments by column name (`brokerage_id`, `to_address`,
    `subject`, `kind`, and any of `body`, `template`, `context`, `lead_id`, `marketing`,
    the link columns ...); the same defaults apply. One multi-row INSERT ... RETURNING per
    thousand rows in the caller's transaction, no ORM object per email.
    """
    if not rows:
        return []
    now = utcnow()
    values = []
    for r in rows:
        v = _QUEUE_DEFAULTS | r
        v["to_address"] = (v["to_address"] or "").strip()
        v["subject"] = v["subject"][:300]
        v.setdefault("marketing", v["kind"] in MARKETING_KINDS)
        v["sender_user_id"] = v["sender_user_id"] or v["created_by_id"]
        v.setdefault("created_at", now)
        values.append(v)
    keys = sorted({k for v in values for k in v})
    table = table_of(OutgoingEmail)
    stmt = sa.insert(table).returning(table.c.id)
    result = session.execute(stmt, [{k: v.get(k) for k in keys} for v in values])
    # A multi-row INSERT gives its rows increasing ids in VALUES order (SQLite's rowid,
    # PostgreSQL's sequence), and each batch follows the one before, so the sorted ids
    # are the rows' ids in order (RETURNING itself promises no order).
    return sorted(int(i) for i in result.scalars())


def preview(session: Session, row: OutgoingEmail) -> tuple[str, str]:
    """(html, text) of an email: as sent when it was, else as it would be rendered now."""
    from email import message_from_string, policy

    if row.raw_message:
        msg = message_from_string(row.raw_message, policy=policy.default)
    else:
        msg, _ = mail_render.render(session, row, sender_default=smtp_settings()["sender"])
    html = msg.get_body(("html",))
    text = msg.get_body(("plain",))
    return (html.get_content() if html else ""), (text.get_content() if text else "")


def _claim(
    session: Session,
    now: datetime,
    limit: int,
    kinds: tuple[str, ...] | None = None,
    skip_kinds: tuple[str, ...] = (),
) -> list[OutgoingEmail]:
    session.execute(
        sa.update(OutgoingEmail)
        .where(
            col(OutgoingEmail.status) == "sending",
            col(OutgoingEmail.claimed_at) < now - CLAIM_TIMEOUT,
        )
        .values(status="queued", claim=None)
    )
    stmt = select(col(OutgoingEmail.id)).where(
        col(OutgoingEmail.status) == "queued",
        col(OutgoingEmail.channel) == "email",
        sa.or_(
            col(OutgoingEmail.next_attempt_at).is_(None), col(OutgoingEmail.next_attempt_at) <= now
        ),
    )
    if kinds is not None:
        stmt = stmt.where(col(OutgoingEmail.kind).in_(kinds))
    if skip_kinds:
        stmt = stmt.where(col(OutgoingEmail.kind).not_in(skip_kinds))
    ids = session.exec(stmt.order_by(col(OutgoingEmail.id)).limit(limit)).all()
    if not ids:
        session.commit()
        return []
    claim = secrets.token_hex(8)
    session.execute(
        sa.update(OutgoingEmail)
        .where(col(OutgoingEmail.id).in_(ids), col(OutgoingEmail.status) == "queued")
        .values(status="sending", claim=claim, claimed_at=now)
    )
    session.commit()
    return list(
        session.exec(
            select(OutgoingEmail)
            .where(col(OutgoingEmail.claim) == claim)
            .order_by(col(OutgoingEmail.id))
        ).all()
    )


def _connect(cfg: dict) -> smtplib.SMTP:
    if cfg.get("ssl") or int(cfg["port"]) == 465:
        smtp = smtplib.SMTP_SSL(
            cfg["host"],
            cfg["port"],
            timeout=30,
            context=cfg.get("ssl_context") or ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(cfg["host"], cfg["port"], timeout=30)
        if cfg.get("starttls"):
            smtp.starttls(context=cfg.get("ssl_context") or ssl.create_default_context())
    if cfg.get("user"):
        smtp.login(cfg["user"], cfg["password"])
    return smtp


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _retry(row: OutgoingEmail, now: datetime, reason: str) -> str:
    row.attempts += 1
    row.error = reason[:1000]
    row.claim = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status, row.next_attempt_at = "failed", None
        return "failed"
    row.status = "queued"
    row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]
    return "retry"


def _send_one(session: Session, smtp: smtplib.SMTP, row: OutgoingEmail, cfg: dict, now) -> str:
    try:
        msg, links = mail_render.render(session, row, sender_default=cfg["sender"])
        raw = mail_render.to_bytes(session, msg, row.brokerage_id)
    except Exception as exc:  # a template or key problem: this email cannot be built
        log.exception("email %s could not be rendered", row.id)
        row.status, row.error, row.claim = "failed", f"not rendered: {exc}"[:1000], None
        return "failed"
    envelope_from = mail_render.identity(session, row.brokerage_id).sending_address or cfg["sender"]
    try:
        smtp.sendmail(envelope_from, [row.to_address], raw)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        reason = f"{code} {_text(text)}"
        if code >= 500:
            row.status, row.error, row.claim = "bounced", reason[:1000], None
            mail_tracking.suppress_bounce(session, row, reason)
            return "bounced"
        return _retry(row, now, reason)
    except smtplib.SMTPResponseException as exc:
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code in PERMANENT_DATA_CODES:
            row.status, row.error, row.claim = "bounced", reason[:1000], None
            mail_tracking.suppress_bounce(session, row, reason)
            return "bounced"
        if exc.smtp_code >= 500:
            row.attempts += 1
            row.status, row.error, row.claim = "failed", reason[:1000], None
            return "failed"
        return _retry(row, now, reason)
    row.status, row.sent_at, row.error, row.claim = "sent", now, "", None
    row.attempts += 1
    row.message_id = msg["Message-ID"]
    row.raw_message = raw.decode("utf-8", errors="replace")
    row.links = links
    return "sent"


def deliver_queued(
    session: Session,
    limit: int = 200,
    settings: dict | None = None,
    now: datetime | None = None,
    kinds: tuple[str, ...] | None = None,
    skip_kinds: tuple[str, ...] = (),
) -> tuple[int, int]:
    """Send up to `limit` due emails; returns (sent, not sent). One commit per email.

    `kinds` / `skip_kinds` split the queue between jobs (account emails go out at once).
    """
    cfg = settings or smtp_settings()
    if not cfg["host"]:
        return 0, 0
    now = now or utcnow()
    rows = _claim(session, now, limit, kinds, skip_kinds)
    if not rows:
        return 0, 0
    sent = other = 0
    smtp: smtplib.SMTP | None = None
    try:
        for i, row in enumerate(rows):
            blocked = mail_tracking.blocked_reason(session, row)
            if blocked:
                row.status, row.error, row.claim = "skipped", blocked, None
                other += 1
            else:
                try:
                    if smtp is None:
                        smtp = _connect(cfg)
                    outcome = _send_one(session, smtp, row, cfg, now)
                except (OSError, smtplib.SMTPException) as exc:
                    # the connection broke: this email retries later, the rest go back
                    log.warning("SMTP %s:%s: %s", cfg["host"], cfg["port"], exc)
                    _retry(row, now, f"connection: {exc}")
                    session.add(row)
                    session.commit()
                    _release(session, rows[i + 1 :])
                    return sent, other + 1
                if outcome == "sent":
                    sent += 1
                else:
                    other += 1
            session.add(row)
            session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return sent, other


def _release(session: Session, rows: list[OutgoingEmail]) -> None:
    if rows:
        session.execute(
            sa.update(OutgoingEmail)
            .where(
                col(OutgoingEmail.id).in_([r.id for r in rows]),
                col(OutgoingEmail.status) == "sending",
            )
            .values(status="queued", claim=None)
        )
        session.commit()


def retry_now(session: Session, row: OutgoingEmail) -> None:
    """Put a failed email back in the queue (the outbox's Retry)."""
    if row.status != "failed":
        from .errors import ServiceError

        raise ServiceError("Only a failed email can be retried.")
    row.status, row.attempts, row.next_attempt_at, row.error = "queued", 0, None, ""
    session.add(row)
