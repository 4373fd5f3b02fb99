"""W2 routes for a lead's own website account: sign-in, change password, forgot, reset.

    POST /api/v1/accounts/login           {"email", "password"}
    POST /api/v1/accounts/password        {"email", "current_password", "new_password"}
    POST /api/v1/accounts/forgot-password {"email", "reset_url"}   -> 202 whatever the email
    POST /api/v1/accounts/reset-password  {"token", "new_password"}

Refused passwords (sign-in and change password alike) count towards the same lock as users'
sign-in (services/throttle.py): 10 in 15 minutes per (brokerage + email, client address)
lock it for 15 minutes, answered 429 with Retry-After. The lock lives in the database, so
every backend worker sees the same count.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request

from leadapp.models import utcnow
from leadapp.services import lead_accounts, throttle
from leadapp.services.errors import ServiceError, ValidationFailed

from .deps import JsonBody, Key, Tx
from .errors import BODY_ERRORS, KEY_ERRORS, ApiError
from .schemas import Error, Login, LoginResult, body_doc

router = APIRouter(tags=["website accounts"])


def _fields(body, names: tuple[str, ...]) -> dict:
    if not isinstance(body, dict):
        raise ValidationFailed({"body": "Send a JSON object with " + ", ".join(names) + "."})
    errors = {
        f: f"{f} is required." for f in names if not isinstance(body.get(f), str) or not body[f]
    }
    extra = sorted(set(body) - set(names))
    if extra:
        errors[str(extra[0])[:40]] = "Unknown field."
    if errors:
        raise ValidationFailed(errors)
    return {f: body[f][:500] for f in names}


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _locked(exc: throttle.Locked) -> ApiError:
    wait = max(1, math.ceil((exc.until - utcnow()).total_seconds()))
    return ApiError(429, str(exc), headers={"Retry-After": str(wait)})


def _new_password_errors(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed(
        {("new_password" if k == "password" else k): v for k, v in exc.errors.items()}
    )


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
        429: {"model": Error, "description": "Too many wrong passwords: locked for a while."},
        **BODY_ERRORS,
    },
    openapi_extra=body_doc(Login),
)
def post_login(request: Request, key: Key, body: JsonBody, session: Tx):
    f = _fields(body, ("email", "password"))
    try:
        lead = lead_accounts.login(
            session, key.brokerage_id, f["email"][:320], f["password"][:200], _address(request)
        )
    except throttle.Locked as exc:
        raise _locked(exc) from None
    except ServiceError as exc:
        raise ApiError(401, str(exc)) from None
    return {
        "lead_id": lead.id,
        "email": lead.email,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
    }


@router.post(
    "/accounts/password",
    operation_id="websiteChangePassword",
    summary="A lead changes their website password (current + new) (W2).",
    responses={
        **KEY_ERRORS,
        401: {"model": Error, "description": "Wrong email or current password."},
        422: {"model": Error, "description": "A field is missing or the new password is weak."},
        429: {"model": Error, "description": "Too many wrong passwords: locked for a while."},
        **BODY_ERRORS,
    },
)
def post_password(request: Request, key: Key, body: JsonBody, session: Tx):
    f = _fields(body, ("email", "current_password", "new_password"))
    try:
        lead_accounts.change_password(
            session,
            key.brokerage_id,
            f["email"],
            f["current_password"],
            f["new_password"],
            _address(request),
        )
    except throttle.Locked as exc:
        raise _locked(exc) from None
    except ValidationFailed as exc:
        raise _new_password_errors(exc) from None
    except ServiceError as exc:
        raise ApiError(401, str(exc)) from None
    return {"ok": True}


@router.post(
    "/accounts/forgot-password",
    operation_id="websiteForgotPassword",
    summary="Email a lead a one-time link to the website's reset page (W2).",
    status_code=202,
    responses={**KEY_ERRORS, 422: {"model": Error, "description": "A field is missing."}},
)
def post_forgot(key: Key, body: JsonBody, session: Tx):
    f = _fields(body, ("email", "reset_url"))
    lead_accounts.request_reset(session, key.brokerage_id, f["email"], f["reset_url"])
    return {
        "ok": True,
        "message": "If that email has a website account, a reset link is on its way.",
    }


@router.post(
    "/accounts/reset-password",
    operation_id="websiteResetPassword",
    summary="Set a new website password with the emailed token (W2).",
    responses={
        **KEY_ERRORS,
        400: {"model": Error, "description": "The link is invalid, expired or used."},
        422: {"model": Error, "description": "A field is missing or the password is weak."},
    },
)
def post_reset(key: Key, body: JsonBody, session: Tx):
    f = _fields(body, ("token", "new_password"))
    try:
        lead_accounts.reset(session, key.brokerage_id, f["token"], f["new_password"])
    except ValidationFailed as exc:
        raise _new_password_errors(exc) from None
    except ServiceError as exc:
        raise ApiError(400, str(exc)) from None
    return {"ok": True}
