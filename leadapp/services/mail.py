"""Outgoing mail (C5): every email is queued in `outgoing_email`, then delivered over SMTP.

`queue()` records the email inside the caller's transaction (so a message and its
history entry commit together); `deliver_queued()` sends what is queued through the
configured SMTP server and marks each row sent or failed. Without REFLEX_SMTP_HOST
mail stays queued. Texts (channel "text") wait for an SMS gateway and are never sent
to leads without texting consent.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from sqlmodel import Session, select

from leadapp.models import OutgoingEmail, utcnow
from leadapp.settings import smtp_settings

log = logging.getLogger("leadapp.mail")


def queue(
    session: Session,
    *,
    brokerage_id: int,
    to: str,
    subject: str,
    body: str,
    kind: str,
    lead_id: int | None = None,
    created_by_id: int | None = None,
    channel: str = "email",
    **links,
) -> OutgoingEmail:
    email = OutgoingEmail(
        brokerage_id=brokerage_id,
        lead_id=lead_id,
        to_address=to,
        subject=subject[:300],
        body=body,
        kind=kind,
        channel=channel,
        created_by_id=created_by_id,
        **links,
    )
    session.add(email)
    return email


def _message(row: OutgoingEmail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(idstring=f"leadapp-{row.id}")
    msg.set_content(row.body or "")
    return msg


def deliver_queued(
    session: Session,
    limit: int = 200,
    settings: dict | None = None,
    kinds: tuple[str, ...] | None = None,
    skip_kinds: tuple[str, ...] = (),
) -> tuple[int, int]:
    """Send up to `limit` queued emails; returns (sent, failed). Commits per email.

    `kinds` / `skip_kinds` split the queue between jobs (account emails go out at once).
    """
    cfg = settings or smtp_settings()
    if not cfg["host"]:
        return 0, 0
    stmt = select(OutgoingEmail).where(
        OutgoingEmail.status == "queued", OutgoingEmail.channel == "email"
    )
    if kinds is not None:
        stmt = stmt.where(OutgoingEmail.kind.in_(kinds))
    if skip_kinds:
        stmt = stmt.where(OutgoingEmail.kind.not_in(skip_kinds))
    rows = session.exec(stmt.order_by(OutgoingEmail.id).limit(limit)).all()
    if not rows:
        return 0, 0
    sent = failed = 0
    try:
        smtp = smtplib.SMTP(cfg["host"], cfg["port"], timeout=30)
    except OSError as exc:
        log.warning("SMTP server %s:%s unreachable: %s", cfg["host"], cfg["port"], exc)
        return 0, 0
    with smtp:
        if cfg.get("starttls"):
            smtp.starttls()
        if cfg.get("user"):
            smtp.login(cfg["user"], cfg["password"])
        for row in rows:
            try:
                smtp.send_message(_message(row, cfg["sender"]))
                row.status, row.sent_at, row.error = "sent", utcnow(), ""
                sent += 1
            except smtplib.SMTPRecipientsRefused as exc:
                row.status, row.error = "failed", str(exc)[:1000]
                failed += 1
            except smtplib.SMTPException as exc:
                log.warning("SMTP error for email %s: %s", row.id, exc)
                break  # leave the rest queued for the next run
            session.add(row)
            session.commit()
    return sent, failed
