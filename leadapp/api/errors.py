"""Error answers of the HTTP API: one body shape, `{"error": ..., "errors": {...}}`.

Routes raise `ApiError` (status, message, headers) or let a service error through; the
handlers installed by `install(app)` turn each into its status (a lost or refused database
connection: 503 with Retry-After), and its `InternalErrors` middleware answers 500 for
anything else, after the transaction rolled back.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadapp.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed

from .schemas import Error

log = logging.getLogger("leadapp.api")


class ApiError(Exception):
    """An answer other than success: `status`, a message, optional per-field errors/headers."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors, headers


def error_response(
    status: int,
    message: str,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict = {"error": message}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


def _field_of(loc) -> str:
    """The field a FastAPI validation error names: the last part of its location."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return (parts[-1] if parts else "body")[:40]


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.errors, exc.headers)


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ValidationFailed):
        return error_response(422, str(exc), exc.errors)
    if isinstance(exc, NotFound):
        return error_response(404, str(exc))
    if isinstance(exc, PermissionDenied):
        return error_response(403, str(exc))
    return error_response(409, str(exc))


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    log.warning("integrity error in %s", request.url.path, exc_info=exc)
    return error_response(409, "The data changed while the request ran; send it again.")


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database dropped or refused the connection (a restart, a failover, too busy):
    the transaction is gone, nothing of the request was stored, and it may be sent again."""
    log.warning("database unavailable in %s: %s", request.url.path, str(exc).split("\n")[0])
    return error_response(
        503,
        "The database is not answering; nothing was stored. Send the request again shortly.",
        headers={"Retry-After": "5"},
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own parameter checks answer like the services' ValidationFailed."""
    assert isinstance(exc, RequestValidationError)
    errors: dict[str, str] = {}
    for e in exc.errors():
        errors.setdefault(_field_of(e.get("loc", ())), str(e.get("msg", "Invalid value.")))
    return error_response(422, "; ".join(f"{k}: {v}" for k, v in errors.items()), errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(405, "Method not allowed.")
    message = "Not found." if exc.status_code == 404 else str(exc.detail)
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, message, headers=headers)


def install(app: FastAPI) -> None:
    """The error handlers of an API app."""
    app.add_middleware(InternalErrors)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)


class InternalErrors:
    """ASGI middleware: an unexpected exception answers 500 in the error shape.

    It runs after the route's transaction rolled back; Starlette's own ServerErrorMiddleware
    would answer plain text and re-raise instead."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("API error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await error_response(500, "Internal error; nothing was stored.")(scope, receive, send)


# The error answers every keyed route may give, for the OpenAPI document.
KEY_ERRORS: dict[int | str, dict] = {
    401: {
        "model": Error,
        "description": "Missing, unknown or revoked API key.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    429: {
        "model": Error,
        "description": "Over the key's request rate.",
        "headers": {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds."}},
    },
}
BODY_ERRORS: dict[int | str, dict] = {
    400: {"model": Error, "description": "The body is not JSON."},
    413: {"model": Error, "description": "The body is too large."},
}
