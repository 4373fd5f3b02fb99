"""The HTTP API under /api/v1 (W1, W2), a Starlette app mounted on the Reflex backend.

`build_api()` returns the Starlette app; leadapp/leadapp.py passes it as
`rx.App(api_transformer=build_api())`, so the API answers on the app's own port.
Routes (described by /api/v1/openapi.json, see openapi.py):

- POST /api/v1/events             one website event or {"events": [...]} (up to 500)
- POST /api/v1/accounts/login     a lead's website sign-in
- GET/POST /api/v1/leads          list (filters, cursor paging) / create
- GET/PATCH /api/v1/leads/{id}    one lead / update

Every route but the OpenAPI document needs `Authorization: Bearer <key>` (or
`X-API-Key: <key>`), a key a broker created in Settings; the key acts with broker scope
in its brokerage. Database work runs in worker threads, one transaction per request.
"""

from __future__ import annotations

from .app import build_api

__all__ = ["build_api"]
