"""The API app: a FastAPI app for /api/v1 (its OpenAPI document generated at
/api/v1/openapi.json) and the CSV download, mounted on the Reflex backend."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from leadapp.db import get_engine

from . import errors, events, export, lead_accounts, leads, listings, mail_routes
from .deps import ApiContext
from .ratelimit import RedisBucket, TokenBucket, from_env
from .schemas import add_doc_only_schemas

TITLE = "leadapp website API"
DESCRIPTION = (
    "Website activity, website accounts and leads for integrations. Authenticate with "
    "`Authorization: Bearer <key>` (a key a broker creates in Settings); the key acts with "
    "broker scope in its brokerage."
)


def _v1(ctx: ApiContext) -> FastAPI:
    v1 = FastAPI(
        title=TITLE,
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    v1.state.api = ctx
    errors.install(v1)
    v1.include_router(events.router)
    v1.include_router(lead_accounts.router)
    v1.include_router(leads.router)
    v1.include_router(mail_routes.router)
    v1.include_router(listings.router)  # listings feed, the website's organizer

    def openapi() -> dict:
        if v1.openapi_schema is None:
            doc = get_openapi(
                title=TITLE,
                version="1.0.0",
                description=DESCRIPTION,
                routes=v1.routes,
                servers=[{"url": "/api/v1"}],
            )
            add_doc_only_schemas(doc)
            v1.openapi_schema = doc
        return v1.openapi_schema

    v1.openapi = openapi  # type: ignore[method-assign]
    return v1


def build_api(
    engine: sa.Engine | None = None, limiter: TokenBucket | RedisBucket | None = None
) -> FastAPI:
    """The API app. `engine` and `limiter` default to the configured database and env rate."""
    ctx = ApiContext(
        engine=(lambda: engine) if engine is not None else get_engine,
        limiter=limiter or from_env(),
    )
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.api = ctx
    errors.install(app)
    app.mount("/api/v1", _v1(ctx))
    app.include_router(export.router)
    return app
