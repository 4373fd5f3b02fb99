"""The lead list's Add lead form (L8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from leadapp.models import User
from leadapp.services import access, people, texting_consent
from leadapp.services import leads as lead_svc
from leadapp.services.errors import ValidationFailed
from leadapp.services.rows import id_of

ADD_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "extra_emails",
    "extra_phones",
    "street",
    "city",
    "state",
    "postal_code",
    "birthday",
    "anniversary",
    "lead_type",
    "assigned_agent_id",
    "source",
    "texting_consent",
    "consent_method",
)


def add_lead(session: Session, user: User, form: Mapping[str, Any]) -> int:
    """L8: create a lead from the Add lead form; errors come back by form field.

    The field rules are services/validation.py (the importer's); "more emails/phones" are
    comma-separated. Returns the new lead's id.
    """
    if not isinstance(form, Mapping):
        raise ValidationFailed({"email": "Email is required."})
    data: dict[str, Any] = {k: str(form.get(k) or "")[:2000] for k in ADD_FIELDS if k in form}
    for key in ("extra_emails", "extra_phones"):
        if key in data:
            data[key] = people.split_list(data[key])
    if not access.is_broker(user):
        data.pop("assigned_agent_id", None)
    method = data.pop("consent_method", "")
    consent = bool(method) or data.pop("texting_consent", "").lower() in ("1", "true", "yes", "on")
    data.pop("texting_consent", None)
    if consent and method not in texting_consent.GIVEN_BY:
        raise ValidationFailed({"consent_method": "Say how the lead gave texting consent."})
    try:
        lead = lead_svc.create_lead(session, user, data)
    except ValidationFailed as exc:
        errors: dict[str, str] = {}
        for key, msg in exc.errors.items():
            errors.setdefault(key.split(".")[0], msg)
        raise ValidationFailed(errors) from None
    if consent:  # TCPA: recorded with who, when and how
        session.flush()
        texting_consent._apply(session, user, lead, True, method)
    return id_of(lead)
