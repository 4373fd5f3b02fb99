"""API routes of the listings feed and the website's organizer (C1-C3, P7, P14).

In the existing Starlette style (the `keyed` wrapper of api/app.py: API key, rate limit,
JSON body, one transaction in a thread, the shared error shapes):

- POST /api/v1/listings — up to 500 RESO listings, {"listings": [...]} or a bare array;
  201 when all were stored, 422 with per-index errors when some were not (the valid ones
  are stored either way).
- GET /api/v1/leads/{id}/organizer — saved searches and favourites, who made each.
- PATCH /api/v1/leads/{id}/saved-searches/{sid} — criteria, alerts_enabled, name.
- DELETE /api/v1/leads/{id}/saved-searches/{sid}, DELETE /api/v1/leads/{id}/favorites/{fid}.
"""

from __future__ import annotations

from starlette.routing import Route

from leadapp.services import listings_feed, organizer_api
from leadapp.services.errors import NotFound, ValidationFailed


def _id(request, name: str, what: str) -> int:
    raw = request.path_params[name]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound(f"That {what} does not exist.")
    return int(raw)


def routes(keyed, user_of) -> list[Route]:
    def post_listings(session, key, request, body):
        items = body.get("listings") if isinstance(body, dict) else body
        if isinstance(body, dict) and set(body) != {"listings"}:
            raise ValidationFailed({"body": 'Send {"listings": [...]} (RESO field names).'})
        if not isinstance(items, list) or not items:
            raise ValidationFailed({"listings": "Send a non-empty list of listings."})
        res = listings_feed.upsert_listings(session, user_of(key), items).to_dict()
        return (422 if res["errors"] else 201), res

    def get_organizer(session, key, request, body):
        return 200, organizer_api.read(session, user_of(key), _id(request, "lead_id", "lead"))

    def patch_search(session, key, request, body):
        return 200, organizer_api.update_search(
            session,
            user_of(key),
            _id(request, "lead_id", "lead"),
            _id(request, "search_id", "saved search"),
            body,
        )

    def delete_search(session, key, request, body):
        organizer_api.delete_search(
            session,
            user_of(key),
            _id(request, "lead_id", "lead"),
            _id(request, "search_id", "saved search"),
        )
        return 200, {"deleted": True}

    def delete_favorite(session, key, request, body):
        organizer_api.delete_favorite(
            session,
            user_of(key),
            _id(request, "lead_id", "lead"),
            _id(request, "fav_id", "favourite"),
        )
        return 200, {"deleted": True}

    return [
        Route("/listings", keyed(post_listings, needs_body=True), methods=["POST"]),
        Route("/leads/{lead_id}/organizer", keyed(get_organizer), methods=["GET"]),
        Route(
            "/leads/{lead_id}/saved-searches/{search_id}",
            keyed(patch_search, needs_body=True),
            methods=["PATCH"],
        ),
        Route(
            "/leads/{lead_id}/saved-searches/{search_id}", keyed(delete_search), methods=["DELETE"]
        ),
        Route("/leads/{lead_id}/favorites/{fav_id}", keyed(delete_favorite), methods=["DELETE"]),
    ]


def openapi_paths() -> dict:
    """The OpenAPI entries of these routes (merged into api/openapi.py's document)."""
    from .openapi import _BODY_ERRORS, _COMMON, _ERRREF, _resp

    def path(name):
        return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}

    obj = {"type": "object"}
    body = {"required": True, "content": {"application/json": {"schema": obj}}}
    gone = {"404": _resp("No such lead, search or favourite in this brokerage.", _ERRREF)}
    return {
        "/listings": {
            "post": {
                "operationId": "postListings",
                "summary": (
                    f"Upsert up to {listings_feed.MAX_BATCH} listings by MLS number (ListingId),"
                    " in RESO Data Dictionary field names; a bare array or {listings: [...]}."
                ),
                "requestBody": body,
                "responses": {
                    "201": _resp("All stored: created, updated, unchanged, changes.", obj),
                    "403": _resp("The key may not load listings.", _ERRREF),
                    "422": _resp("Some or all invalid: errors per index (valid ones stored).", obj),
                    **_COMMON,
                    **_BODY_ERRORS,
                },
            }
        },
        "/leads/{lead_id}/organizer": {
            "get": {
                "operationId": "getOrganizer",
                "summary": "The lead's saved searches and favourites, with who made each.",
                "parameters": [path("lead_id")],
                "responses": {"200": _resp("The organizer.", obj), **gone, **_COMMON},
            }
        },
        "/leads/{lead_id}/saved-searches/{search_id}": {
            "patch": {
                "operationId": "updateSavedSearch",
                "summary": "Change a saved search's criteria, alert switch or name.",
                "parameters": [path("lead_id"), path("search_id")],
                "requestBody": body,
                "responses": {
                    "200": _resp("The saved search.", obj),
                    "422": _resp("Invalid criteria.", _ERRREF),
                    **gone,
                    **_COMMON,
                    **_BODY_ERRORS,
                },
            },
            "delete": {
                "operationId": "deleteSavedSearch",
                "summary": "Delete a saved search.",
                "parameters": [path("lead_id"), path("search_id")],
                "responses": {"200": _resp("Deleted.", obj), **gone, **_COMMON},
            },
        },
        "/leads/{lead_id}/favorites/{fav_id}": {
            "delete": {
                "operationId": "deleteFavorite",
                "summary": "Remove a favourite.",
                "parameters": [path("lead_id"), path("fav_id")],
                "responses": {"200": _resp("Deleted.", obj), **gone, **_COMMON},
            }
        },
    }
