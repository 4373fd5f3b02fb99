"""Replies stop drips (C5): an inbound email (raw RFC 822, as mail providers' inbound
webhooks deliver it) is filed on the lead it answers, the agent is told, and the lead's
active campaigns are paused (made inactive, as an agent's Deactivate would).

The lead is found by In-Reply-To / References (a Message-ID leadapp sent), else by the
sender's address among the brokerage's leads. The reply is a history entry of kind
`reply` (actor none: the lead wrote it) whose `field`/`new_value` hold "message_id" and
the reply's own Message-ID, so a webhook delivering it twice files it once.
"""

from __future__ import annotations

import logging
import re
from email import message_from_bytes, policy
from email.utils import parseaddr

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Brokerage,
    Campaign,
    CampaignSubscription,
    HistoryEntry,
    Lead,
    OutgoingEmail,
    User,
    utcnow,
)

from . import mail
from .campaigns import pull_back
from .errors import NotFound, ValidationFailed
from .history import add_entry, audit
from .rows import get_row

log = logging.getLogger("leadapp.mail")
MAX_BYTES = 2 * 1024 * 1024
_MSGID = re.compile(r"<[^<>\s]{1,245}>")


def _text_of(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):
        text = part.get_payload(decode=True).decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    # drop the quoted original below the reply
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(">") or re.match(r"^On .{4,200} wrote:$", line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()[:20000]


def receive(session: Session, brokerage_id: int, raw: bytes) -> dict:
    if not raw or len(raw) > MAX_BYTES:
        raise ValidationFailed({"message": "Send one raw RFC 822 message of at most 2 MB."})
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        sender = parseaddr(str(msg.get("From", "")))[1].strip().lower()
        subject = str(msg.get("Subject", "") or "").strip()
        own_id = str(msg.get("Message-ID", "") or "").strip()[:400]
        refs = _MSGID.findall(f"{msg.get('In-Reply-To', '')} {msg.get('References', '')}")
        body = _text_of(msg)
    except Exception:
        log.info("inbound mail rejected: not parseable")
        raise ValidationFailed({"message": "This is not an RFC 822 email message."}) from None
    if "@" not in sender or not (msg.get("Date") or msg.get("Received") or subject or body):
        raise ValidationFailed({"message": "The message has no sender (From) address."})

    lead, matched = None, ""
    if refs:
        row = session.exec(
            select(OutgoingEmail)
            .where(
                col(OutgoingEmail.brokerage_id) == brokerage_id,
                col(OutgoingEmail.message_id).in_(refs[-20:]),
                col(OutgoingEmail.lead_id).is_not(None),
            )
            .order_by(col(OutgoingEmail.id).desc())
        ).first()
        if row is not None:
            lead, matched = session.get(Lead, row.lead_id), "in_reply_to"
    if lead is None:
        lead = session.exec(
            select(Lead)
            .where(
                col(Lead.brokerage_id) == brokerage_id,
                sa.func.lower(col(Lead.email)) == sender,
                col(Lead.status) != "deleted",
            )
            .order_by(col(Lead.id).desc())
        ).first()
        matched = "sender" if lead else ""
    if lead is None:
        log.info("inbound mail from %s matched no lead of brokerage %s", sender, brokerage_id)
        raise NotFound("No lead of this brokerage matches this reply.")

    if own_id:
        dup = session.exec(
            select(col(HistoryEntry.id)).where(
                col(HistoryEntry.lead_id) == lead.id,
                col(HistoryEntry.kind) == "reply",
                col(HistoryEntry.field) == "message_id",
                col(HistoryEntry.new_value) == own_id,
            )
        ).first()
        if dup:
            return {"lead_id": lead.id, "history_entry_id": dup, "paused": 0, "duplicate": True}

    entry = add_entry(
        session,
        lead,
        None,
        "reply",
        title=(f"Reply: {subject}" if subject else "Reply")[:200],
        body=body,
        field="message_id",
        new_value=own_id or None,
    )
    paused = _pause_campaigns(session, lead)
    _notify(session, lead, subject, body, paused)
    session.flush()
    return {
        "lead_id": lead.id,
        "history_entry_id": entry.id,
        "paused": paused,
        "matched_by": matched,
        "duplicate": False,
    }


def _pause_campaigns(session: Session, lead: Lead) -> int:
    from .lead_subscriptions import recount

    now = utcnow()
    # what is queued and not yet sent stops too (a completed subscription whose last step
    # was only queued is active again, then paused below)
    pull_back(
        session,
        now,
        "The lead replied",
        subscription_ids=[
            i
            for i in session.exec(
                select(col(CampaignSubscription.id)).where(
                    col(CampaignSubscription.lead_id) == lead.id
                )
            ).all()
            if i is not None
        ],
    )
    subs = session.exec(
        select(CampaignSubscription, Campaign)
        .join(Campaign, col(Campaign.id) == col(CampaignSubscription.campaign_id))
        .where(
            col(CampaignSubscription.lead_id) == lead.id,
            col(CampaignSubscription.status) == "active",
        )
    ).all()
    for sub, campaign in subs:
        sub.status, sub.ended_at, sub.next_send_at = "inactive", now, None
        session.add(sub)
        audit(
            session,
            lead,
            None,
            "subscriptions",
            campaign.name,
            None,
            title="Campaign paused: the lead replied",
        )
    if subs:
        recount(session, lead)
    return len(subs)


def _notify(session: Session, lead: Lead, subject: str, body: str, paused: int) -> None:
    agent = session.get(User, lead.assigned_agent_id) if lead.assigned_agent_id else None
    to = (
        agent.email
        if agent and agent.is_active
        else get_row(session, Brokerage, lead.brokerage_id).primary_email
    )
    name = " ".join(p for p in (lead.first_name, lead.last_name) if p) or lead.email
    mail.queue(
        session,
        brokerage_id=lead.brokerage_id,
        lead_id=lead.id,
        to=to,
        subject=f"{name} replied: {subject}"[:300],
        body=f"{name} ({lead.email}) replied:\n\n{body[:4000]}"
        + (
            f"\n\n{paused} active campaign{'s' if paused != 1 else ''} paused for this lead."
            if paused
            else ""
        ),
        kind="notice",
        marketing=False,
    )
