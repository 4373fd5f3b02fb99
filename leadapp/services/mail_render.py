"""Rendering an email (C5): one Jinja2 template set for every sender, HTML + plain text.

`leadapp/templates/email/` holds `layout.html`/`layout.txt` (brokerage header with logo and
colour, the agent's signature, the footer with the postal address and unsubscribe link)
and content templates extending it: `message` (paragraphs), `listings` (paragraphs and
listing cards), `greeting` (a headline and paragraphs). A new template is a pair
`<name>.html` + `<name>.txt` extending the layouts.

Every link a template writes goes through `track(url)`: it is recorded on the email row
(`links`) and replaced by a signed click redirect, so the redirect only ever leads to a URL
that was in that email.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import dkim
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from sqlmodel import Session

from leadapp.models import Brokerage, BrokerageMail, Lead, OutgoingEmail, User

from . import mail_tokens
from .rows import get_row

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "email"
TEMPLATES = ("message", "listings", "greeting")
DEFAULT_COLOR = "#1f4e79"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _linebreaks(text) -> Markup:
    return Markup("<br>").join(escape(line) for line in str(text).split("\n"))


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters["linebreaks"] = _linebreaks
_text_env = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def identity(session: Session, brokerage_id: int) -> BrokerageMail:
    """The brokerage's mail settings (defaults when it never saved any)."""
    return session.get(BrokerageMail, brokerage_id) or BrokerageMail(brokerage_id=brokerage_id)


def paragraphs(body: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def _agent(user: User | None) -> dict | None:
    if user is None:
        return None
    return {
        "name": user.name,
        "phone": user.phone or "",
        "email": user.email,
        "photo_url": getattr(user, "photo_url", "") or "",
    }


def render(
    session: Session,
    row: OutgoingEmail,
    *,
    sender_default: str,
    tracking: bool = True,
) -> tuple[EmailMessage, list[str]]:
    """The MIME message of a queued email and the list of URLs its links lead to."""
    brokerage = get_row(session, Brokerage, row.brokerage_id)
    ident = identity(session, row.brokerage_id)
    lead = session.get(Lead, row.lead_id) if row.lead_id else None
    # the sender: who queued it, else the lead's agent (marketing goes out in their name)
    sender_id = row.sender_user_id or (
        lead.assigned_agent_id if lead and row.kind != "notice" else None
    )
    sender = session.get(User, sender_id) if sender_id else None
    ctx = dict(row.context or {})
    links: list[str] = []

    def track(url: str) -> str:
        url = str(url)
        if not tracking or row.id is None or not url.lower().startswith(("http://", "https://")):
            return url
        if url not in links:
            links.append(url)
        return mail_tokens.url(session, row.id, "click", links.index(url))

    unsubscribe = (
        mail_tokens.url(session, row.id, "unsubscribe") if row.marketing and row.id else ""
    )
    values = {
        "subject": row.subject,
        "paragraphs": ctx.pop("paragraphs", None) or paragraphs(row.body),
        "listings": ctx.pop("listings", []),
        "cta": ctx.pop("cta", None),
        "headline": ctx.pop("headline", ""),
        "brand": {
            "name": brokerage.name,
            "color": ident.brand_color if _COLOR.match(ident.brand_color or "") else DEFAULT_COLOR,
            "logo_url": ident.logo_url,
            "postal_address": ident.postal_address,
        },
        "agent": _agent(sender),
        "lead": {"first_name": lead.first_name if lead else ""},
        "unsubscribe_url": unsubscribe,
        "pixel_url": mail_tokens.url(session, row.id, "open") if tracking and row.id else "",
        "track": track,
        **ctx,
    }
    name = row.template if row.template in TEMPLATES else "message"
    html = _env.get_template(f"{name}.html").render(values)
    text = _text_env.get_template(f"{name}.txt").render(values).strip() + "\n"

    msg = EmailMessage()
    address = ident.sending_address or sender_default
    display = sender.name if sender and ident.from_name == "agent" else brokerage.name
    msg["From"] = _address(display, address)
    msg["To"] = row.to_address
    reply = sender.email if sender and ident.reply_to == "agent" else brokerage.primary_email
    if reply and reply.lower() != address.lower():
        msg["Reply-To"] = reply
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(localtime=False)
    domain = address.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = row.message_id or make_msgid(idstring=f"leadapp-{row.id}", domain=domain)
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg, links


def _address(display: str, address: str) -> str:
    user, _, domain = address.partition("@")
    try:
        return str(Address(display_name=display, username=user, domain=domain))
    except (ValueError, IndexError):
        return address


SIGNED_HEADERS = [
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"Reply-To",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"MIME-Version",
    b"Content-Type",
]


def to_bytes(session: Session, msg: EmailMessage, brokerage_id: int) -> bytes:
    """The message as sent: DKIM-signed when the brokerage configured a key."""
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    ident = identity(session, brokerage_id)
    if ident.dkim_private_key and ident.dkim_domain and ident.dkim_selector:
        present = [h for h in SIGNED_HEADERS if msg.get(h.decode()) is not None]
        sig = dkim.sign(
            raw,
            ident.dkim_selector.encode(),
            ident.dkim_domain.encode(),
            ident.dkim_private_key.encode(),
            include_headers=present,
        )
        raw = sig + raw
    return raw
