"""A brokerage's email identity (C5): sending address, From/Reply-To, logo, colour, postal
address (the footer CAN-SPAM asks for) and an optional DKIM key. Brokers change it;
the private key is never read back, only replaced or cleared."""

from __future__ import annotations

import re

from sqlmodel import Session

from leadapp.models import BrokerageMail, User, utcnow

from . import access
from .errors import ValidationFailed
from .mail_render import DEFAULT_COLOR, identity
from .validation import check_optional_email

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DOMAIN_RE = re.compile(r"^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SELECTOR_RE = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$")
FROM_CHOICES = {"agent": "The lead's agent", "brokerage": "The brokerage"}


def get(session: Session, user: User) -> dict:
    access.require_broker(user, "see the email settings")
    m = identity(session, user.brokerage_id)
    return {
        "sending_address": m.sending_address,
        "from_name": m.from_name,
        "reply_to": m.reply_to,
        "logo_url": m.logo_url,
        "brand_color": m.brand_color or DEFAULT_COLOR,
        "postal_address": m.postal_address,
        "dkim_domain": m.dkim_domain,
        "dkim_selector": m.dkim_selector,
        "dkim_key_set": bool(m.dkim_private_key),
    }


def _text(form: dict, key: str, limit: int) -> str:
    value = form.get(key)
    return re.sub(r"\s+", " ", str(value)).strip()[: limit + 1] if value is not None else ""


def save(session: Session, user: User, form: dict) -> dict:
    access.require_broker(user, "change the email settings")
    if not isinstance(form, dict):
        raise ValidationFailed({"sending_address": "Nothing to save."})
    errors: dict[str, str] = {}
    m = session.get(BrokerageMail, user.brokerage_id) or BrokerageMail(
        brokerage_id=user.brokerage_id
    )
    try:
        sending = check_optional_email(_text(form, "sending_address", 320))
    except ValueError as exc:
        errors["sending_address"] = str(exc)
        sending = ""
    from_name = _text(form, "from_name", 16) or "agent"
    reply_to = _text(form, "reply_to", 16) or "agent"
    if from_name not in FROM_CHOICES:
        errors["from_name"] = "Choose the agent or the brokerage."
    if reply_to not in FROM_CHOICES:
        errors["reply_to"] = "Choose the agent or the brokerage."
    logo = _text(form, "logo_url", 500)
    if logo and (len(logo) > 500 or not logo.lower().startswith("https://")):
        errors["logo_url"] = "The logo is a https:// address of an image, at most 500 characters."
    color = _text(form, "brand_color", 16) or DEFAULT_COLOR
    if not COLOR_RE.match(color):
        errors["brand_color"] = "A colour like #1f4e79."
    postal = _text(form, "postal_address", 300)
    if len(postal) > 300:
        errors["postal_address"] = "At most 300 characters."
    domain = _text(form, "dkim_domain", 200).lower()
    selector = _text(form, "dkim_selector", 63).lower()
    key = str(form.get("dkim_private_key") or "").strip()
    clear_key = str(form.get("dkim_clear") or "").lower() in ("on", "true", "1", "yes")
    if domain and not DOMAIN_RE.match(domain):
        errors["dkim_domain"] = "A domain name like bayside-realty.com."
    if selector and not SELECTOR_RE.match(selector):
        errors["dkim_selector"] = "Letters, digits, dots and dashes, like leadapp2026."
    if key:
        if len(key) > 8000 or "PRIVATE KEY-----" not in key:
            errors["dkim_private_key"] = (
                "Paste the PEM private key (-----BEGIN ... PRIVATE KEY-----)."
            )
        else:
            from dkim.crypto import parse_pem_private_key

            try:
                parse_pem_private_key(key.encode())
            except Exception:
                errors["dkim_private_key"] = "This is not an RSA private key leadapp can sign with."
    will_have_key = (bool(key) or bool(m.dkim_private_key)) and not clear_key
    if will_have_key and not (domain and selector):
        errors.setdefault("dkim_domain", "A DKIM key needs its domain and selector.")
    if (
        sending
        and domain
        and not sending.endswith("@" + domain)
        and not sending.endswith("." + domain)
    ):
        errors.setdefault("dkim_domain", "Sign with the domain of the sending address.")
    if errors:
        raise ValidationFailed(errors)
    m.sending_address, m.from_name, m.reply_to = sending, from_name, reply_to
    m.logo_url, m.brand_color, m.postal_address = logo, color, postal
    m.dkim_domain, m.dkim_selector = domain, selector
    if clear_key:
        m.dkim_private_key = ""
    elif key:
        m.dkim_private_key = key
    m.updated_at = utcnow()
    session.add(m)
    session.flush()
    return get(session, user)
