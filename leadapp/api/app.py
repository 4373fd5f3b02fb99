"""Routes of the HTTP API (see the package docstring)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

from leadapp.db import get_engine, session_scope
from leadapp.services import activity, api_leads, apikeys, export
from leadapp.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed

from . import feed_routes
from .openapi import openapi_document
from .ratelimit import TokenBucket, from_env, login_limiter

log = logging.getLogger("leadapp.api")
MAX_BODY = 4 * 1024 * 1024


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, errors: dict | None = None, headers: dict | None = None
    ):
        self.status, self.message, self.errors, self.headers = (
            status,
            message,
            errors,
            headers or {},
        )


def _error(
    status: int, message: str, errors: dict | None = None, headers: dict | None = None
) -> JSONResponse:
    body = {"error": message}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


def build_api(engine: sa.Engine | None = None, limiter: TokenBucket | None = None) -> Starlette:
    """The API app. `engine` and `limiter` default to the configured database and env rate."""
    limiter = limiter or from_env()
    logins = login_limiter()

    def eng():
        return engine or get_engine()

    async def read_body(request: Request) -> bytes:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ApiError(413, f"The body is larger than {MAX_BODY // (1024 * 1024)} MB.")
        return body

    def parse_json(body: bytes):
        try:
            return json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, "The body is not valid JSON.") from None

    def keyed(fn: Callable, *, needs_body: bool = False):
        """Route wrapper: API key, rate limit, JSON body, one transaction in a thread, errors."""

        async def endpoint(request: Request) -> Response:
            try:
                auth = request.headers.get("authorization", "")
                presented = (
                    auth[7:].strip()
                    if auth[:7].lower() == "bearer "
                    else request.headers.get("x-api-key", "")
                )
                raw = await read_body(request) if needs_body else b""

                def work():
                    with session_scope(eng()) as session:
                        key = apikeys.authenticate(session, presented)
                        if key is None:
                            raise ApiError(
                                401,
                                "A valid API key is required (Authorization: Bearer <key>); "
                                "this one is missing, unknown or revoked.",
                                headers={"WWW-Authenticate": "Bearer"},
                            )
                        wait = limiter.take(key.id)
                        if wait:
                            raise ApiError(
                                429,
                                "Too many requests for this API key; slow down.",
                                headers={"Retry-After": TokenBucket.retry_after(wait)},
                            )
                        return fn(session, key, request, parse_json(raw) if needs_body else None)

                out = await run_in_threadpool(work)
                if isinstance(out, Response):
                    return out
                status, payload = out
                return JSONResponse(payload, status_code=status)
            except ApiError as exc:
                return _error(exc.status, exc.message, exc.errors, exc.headers)
            except ValidationFailed as exc:
                return _error(422, str(exc), exc.errors)
            except NotFound as exc:
                return _error(404, str(exc))
            except PermissionDenied as exc:
                return _error(403, str(exc))
            except ServiceError as exc:
                return _error(409, str(exc))
            except sa.exc.IntegrityError:
                log.warning("integrity error in %s", request.url.path, exc_info=True)
                return _error(409, "The data changed while the request ran; send it again.")
            except Exception:
                log.exception("API error in %s %s", request.method, request.url.path)
                return _error(500, "Internal error; nothing was stored.")

        return endpoint

    # ------------------------------------------------------------- W1 events
    def post_events(session, key, request, body):
        if isinstance(body, dict) and "events" in body:
            if set(body) != {"events"}:
                raise ValidationFailed({sorted(set(body) - {"events"})[0][:40]: "Unknown field."})
            items, single = body["events"], False
            if not isinstance(items, list):
                raise ValidationFailed({"events": "events must be a list of event objects."})
            if not items:
                raise ValidationFailed({"events": "Send at least one event."})
        elif isinstance(body, dict):
            items, single = [body], True
        else:
            raise ValidationFailed({"body": 'Send one event object, or {"events": [...]}.'})
        out = activity.record_events(session, key.brokerage_id, items)
        if single:
            r = out["results"][0]
            if "errors" in r:
                raise ValidationFailed(r["errors"])
            return 201, {k: v for k, v in r.items() if k != "index"}
        return (422 if out["errors"] else 201), out

    # ------------------------------------------------------------- W2 website login
    def post_login(session, key, request, body):
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
        wait = logins.peek(bucket)
        if wait:
            raise ApiError(
                429,
                "Too many failed sign-ins for this email; try again later.",
                headers={"Retry-After": TokenBucket.retry_after(wait)},
            )
        lead = activity.website_login(session, key.brokerage_id, email, body["password"][:200])
        if lead is None:
            logins.take(bucket)
            raise ApiError(401, "Wrong email or password.")
        return 200, {
            "lead_id": lead.id,
            "email": lead.email,
            "first_name": lead.first_name,
            "last_name": lead.last_name,
        }

    # ------------------------------------------------------------- leads
    def user_of(key):
        return activity.api_user(key.brokerage_id, key.name)

    def get_leads(session, key, request, body):
        return 200, api_leads.list_leads(session, user_of(key), dict(request.query_params))

    def post_leads(session, key, request, body):
        return 201, api_leads.create(session, user_of(key), body)

    def lead_id_of(request):
        raw = request.path_params["lead_id"]
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            raise NotFound("That lead does not exist.")
        return int(raw)

    def get_lead(session, key, request, body):
        return 200, api_leads.get_one(session, user_of(key), lead_id_of(request))

    def patch_lead(session, key, request, body):
        return 200, api_leads.update(session, user_of(key), lead_id_of(request), body)

    # ------------------------------------------------------------ I5 CSV export (signed-in brokers)
    async def export_csv(request: Request) -> Response:
        """GET /export/<token>.csv: one-time token minted by the lead list (services/export.py)."""
        token = request.path_params["token"]

        def work():
            with session_scope(eng()) as session:
                return export.open_download(session, token)

        try:
            export_id, filename = await run_in_threadpool(work)
        except (NotFound, PermissionDenied) as exc:
            return PlainTextResponse(
                str(exc),
                status_code=404 if isinstance(exc, NotFound) else 403,
                headers={"Cache-Control": "no-store"},
            )
        return StreamingResponse(
            export.stream_rows(eng(), export_id),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def not_found(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            return _error(405, "Method not allowed.")
        return _error(exc.status_code, "Not found." if exc.status_code == 404 else str(exc.detail))

    v1 = [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/events", keyed(post_events, needs_body=True), methods=["POST"]),
        Route("/accounts/login", keyed(post_login, needs_body=True), methods=["POST"]),
        Route("/leads", keyed(get_leads), methods=["GET"]),
        Route("/leads", keyed(post_leads, needs_body=True), methods=["POST"]),
        Route("/leads/{lead_id}", keyed(get_lead), methods=["GET"]),
        Route("/leads/{lead_id}", keyed(patch_lead, needs_body=True), methods=["PATCH"]),
        *feed_routes.routes(keyed, user_of),  # listings feed, the website's organizer
    ]
    routes = [
        Mount("/api/v1", routes=v1),
        Route("/export/{token}.csv", export_csv, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: not_found})
