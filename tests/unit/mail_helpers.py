"""Mail tests' helpers: a real SMTP server (aiosmtpd) with scripted answers per recipient,
an email queued to a lead, the queued email of one kind, a DKIM key pair."""

from __future__ import annotations

import base64
import subprocess
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from sqlmodel import col, select

from leadapp.bench.served import free_port
from leadapp.models import Lead, OutgoingEmail
from leadapp.services import mail


class ScriptedHandler:
    """Answers RCPT from `script[address]` (a list of replies, used up in order), else 250."""

    def __init__(self):
        self.messages = []
        self.script: dict[str, list[str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.script.get(address.lower())
        if replies:
            reply = replies.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def parsed(self, i=-1):
        return message_from_bytes(self.messages[i].original_content, policy=policy.default)


class SmtpServer:
    def __init__(self, **kw):
        self.handler = ScriptedHandler()
        self.port = free_port()
        self.ctl = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kw)

    def __enter__(self):
        self.ctl.start()
        return self

    def __exit__(self, *exc):
        self.ctl.stop()

    def cfg(self, **over) -> dict:
        cfg = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": "",
            "password": "",
            "sender": "office@bayside.test",
            "starttls": False,
        }
        cfg.update(over)
        return cfg

    def deliver(self, session, **kw) -> tuple[int, int]:
        """`mail.deliver_queued` through this server: (sent, failed)."""
        return mail.deliver_queued(session, settings=self.cfg(), **kw)


def dkim_keypair(tmp_path) -> tuple[str, str]:
    """A new 2048-bit RSA key (PEM text) and its public half as DNS publishes it (base64 DER)."""
    key = tmp_path / "dkim.pem"
    subprocess.run(
        ["openssl", "genrsa", "-traditional", "-out", str(key), "2048"],
        check=True,
        capture_output=True,
    )
    der = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key.read_text(), base64.b64encode(der).decode()


def queue_for_lead(
    session, lead: Lead, subject: str = "Hello", body: str = "Hello", kind: str = "message", **kw
) -> OutgoingEmail:
    """One email to the lead's address through `mail.queue` (not committed)."""
    return mail.queue(
        session,
        brokerage_id=lead.brokerage_id,
        lead_id=lead.id,
        to=lead.email,
        subject=subject,
        body=body,
        kind=kind,
        **kw,
    )


def emails_of_kind(session, kind: str, lead_id: int | None = None) -> list[OutgoingEmail]:
    """The queued or sent email of one kind (of one lead), oldest first."""
    q = select(OutgoingEmail).where(col(OutgoingEmail.kind) == kind)
    if lead_id is not None:
        q = q.where(col(OutgoingEmail.lead_id) == lead_id)
    return list(session.exec(q.order_by(col(OutgoingEmail.id))).all())
