"""Dependencies of the API routes: the key (with its rate limit), the JSON body, the transaction.

A keyed route declares them as parameters, in this order:

    def post_thing(key: Key, body: JsonBody, session: Tx) -> ...

- `Key`: the API key from `Authorization: Bearer <key>` (or `X-API-Key`), checked in a short
  transaction of its own before anything else, so an anonymous client cannot make the server
  read its body; then the key's rate limit. 401 / 429 otherwise.
- `JsonBody`: the request body parsed as JSON, read only after the key passed and never more
  than MAX_BODY bytes (413 past that, 400 when it is not JSON).
- `Tx`: one session whose transaction commits when the route (and its answer's serialization)
  succeeded and rolls back on any error. Sync routes run in a worker thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from leadapp.db import session_scope
from leadapp.models import ApiKey, User
from leadapp.services import activity, apikeys, history

from .errors import ApiError
from .ratelimit import TokenBucket

MAX_BODY = 4 * 1024 * 1024


@dataclass
class ApiContext:
    """What the routes share: the database and the per-key limit."""

    engine: Callable[[], sa.Engine]
    limiter: Any  # TokenBucket or RedisBucket: take(key) -> seconds to wait


def context(request: Request) -> ApiContext:
    return request.app.state.api


Ctx = Annotated[ApiContext, Depends(context)]

_bearer = HTTPBearer(auto_error=False, description="A key a broker created in Settings.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key.")


async def api_key(
    ctx: Ctx,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> ApiKey:
    presented = bearer.credentials.strip() if bearer else (header or "")

    def check() -> ApiKey:
        with session_scope(ctx.engine()) as session:
            key = apikeys.authenticate(session, presented)
        if key is None:
            raise ApiError(
                401,
                "A valid API key is required (Authorization: Bearer <key>); "
                "this one is missing, unknown or revoked.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        wait = ctx.limiter.take(key.id)
        if wait:
            raise ApiError(
                429,
                "Too many requests for this API key; slow down.",
                headers={"Retry-After": TokenBucket.retry_after(wait)},
            )
        return key

    key = await run_in_threadpool(check)
    # The request's writes (which have no acting user) name the key in the history.
    history.acting_api_key.set(key.id)
    return key


Key = Annotated[ApiKey, Depends(api_key)]


def _too_large() -> ApiError:
    return ApiError(413, f"The body is larger than {MAX_BODY // (1024 * 1024)} MB.")


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body, read as it streams in and abandoned once it passes `limit` bytes (None)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request, key: Key) -> Any:
    """The body as JSON (None when empty); depends on the key so it is read only after it."""
    raw = await read_capped(request, MAX_BODY)
    if raw is None:
        raise _too_large()
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "The body is not valid JSON.") from None


JsonBody = Annotated[Any, Depends(json_body)]


def transaction(ctx: Ctx) -> Iterator[Session]:
    with session_scope(ctx.engine()) as session:
        yield session


# scope="function": the commit runs when the route returns, before the answer is sent.
Tx = Annotated[Session, Depends(transaction, scope="function")]


def acting_user(key: ApiKey) -> User:
    """The user a key acts as: broker scope in its brokerage (services/activity.api_user)."""
    return activity.api_user(key.brokerage_id, key.name)
