"""W2 routes for a lead's own website account: change password, forgot password, reset.

    POST /api/v1/accounts/password        {"email", "current_password", "new_password"}
    POST /api/v1/accounts/forgot-password {"email", "reset_url"}   -> 202 whatever the email
    POST /api/v1/accounts/reset-password  {"token", "new_password"}

Refused passwords count towards the same lock as users' sign-in (services/throttle.py):
10 in 15 minutes per (email, client address) answer 429 with Retry-After.
Handlers follow the `keyed` contract of app.py: (session, key, request, body) -> (status, json).
"""

from __future__ import annotations

import math

from starlette.routing import Route

from leadapp.models import utcnow
from leadapp.services import lead_accounts, throttle
from leadapp.services.errors import ServiceError, ValidationFailed


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


def _address(request) -> str:
    return request.client.host if request.client else ""


def routes(keyed, api_error) -> list[Route]:
    def locked(exc: throttle.Locked):
        wait = max(1, math.ceil((exc.until - utcnow()).total_seconds()))
        return api_error(429, str(exc), headers={"Retry-After": str(wait)})

    def post_password(session, key, request, body):
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
            raise locked(exc) from None
        except ValidationFailed as exc:
            raise ValidationFailed(
                {("new_password" if k == "password" else k): v for k, v in exc.errors.items()}
            ) from None
        except ServiceError as exc:
            raise api_error(401, str(exc)) from None
        return 200, {"ok": True}

    def post_forgot(session, key, request, body):
        f = _fields(body, ("email", "reset_url"))
        lead_accounts.request_reset(session, key.brokerage_id, f["email"], f["reset_url"])
        return 202, {
            "ok": True,
            "message": "If that email has a website account, a reset link is on its way.",
        }

    def post_reset(session, key, request, body):
        f = _fields(body, ("token", "new_password"))
        try:
            lead_accounts.reset(session, key.brokerage_id, f["token"], f["new_password"])
        except ValidationFailed as exc:
            raise ValidationFailed(
                {("new_password" if k == "password" else k): v for k, v in exc.errors.items()}
            ) from None
        except ServiceError as exc:
            raise api_error(400, str(exc)) from None
        return 200, {"ok": True}

    return [
        Route("/accounts/password", keyed(post_password, needs_body=True), methods=["POST"]),
        Route("/accounts/forgot-password", keyed(post_forgot, needs_body=True), methods=["POST"]),
        Route("/accounts/reset-password", keyed(post_reset, needs_body=True), methods=["POST"]),
    ]
