"""POST /api/v1/accounts/login: a lead's website sign-in (W2), limited per key and email."""

from __future__ import annotations

from fastapi import APIRouter

from leadapp.services import activity
from leadapp.services.errors import ValidationFailed

from .deps import Ctx, JsonBody, Key, Tx
from .errors import BODY_ERRORS, KEY_ERRORS, ApiError
from .ratelimit import TokenBucket
from .schemas import Error, Login, LoginResult, body_doc

router = APIRouter(tags=["website accounts"])


@router.post(
    "/accounts/login",
    operation_id="websiteLogin",
    summary="Check a lead's website password (W2).",
    response_model=LoginResult,
    response_description="Signed in.",
    responses={
        **KEY_ERRORS,
        401: {"model": Error, "description": "Wrong email or password, or a bad API key."},
        422: {"model": Error, "description": "Email or password missing."},
        **BODY_ERRORS,
    },
    openapi_extra=body_doc(Login),
)
def post_login(ctx: Ctx, key: Key, body: JsonBody, session: Tx):
    if not isinstance(body, dict):
        raise ValidationFailed({"body": 'Send {"email": ..., "password": ...}.'})
    errors = {}
    for f in ("email", "password"):
        if not isinstance(body.get(f), str) or not body.get(f):
            errors[f] = f"{f.capitalize()} is required."
    extra = sorted(set(body) - {"email", "password"})
    if extra:
        errors[str(extra[0])[:40]] = "Unknown field."
    if errors:
        raise ValidationFailed(errors)
    email = body["email"].strip().lower()[:320]
    bucket = (key.id, email)
    wait = ctx.logins.peek(bucket)
    if wait:
        raise ApiError(
            429,
            "Too many failed sign-ins for this email; try again later.",
            headers={"Retry-After": TokenBucket.retry_after(wait)},
        )
    lead = activity.website_login(session, key.brokerage_id, email, body["password"][:200])
    if lead is None:
        ctx.logins.take(bucket)
        raise ApiError(401, "Wrong email or password.")
    return {
        "lead_id": lead.id,
        "email": lead.email,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
    }
