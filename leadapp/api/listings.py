"""The listings feed and the website's organizer (C1-C3, P7, P14) on the API.

- POST /api/v1/listings: up to 500 RESO listings, {"listings": [...]} or a bare array;
  201 when all were stored, 422 with a message per index when some were not (the valid
  ones are stored either way, the transaction commits).
- GET /api/v1/leads/{lead_id}/organizer: saved searches and favourites, who made each.
- PATCH /api/v1/leads/{lead_id}/saved-searches/{search_id}: criteria, alerts_enabled, name.
- DELETE /api/v1/leads/{lead_id}/saved-searches/{search_id} and
  DELETE /api/v1/leads/{lead_id}/favorites/{fav_id}.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from leadapp.services import listings_feed, organizer_api
from leadapp.services.errors import NotFound, ValidationFailed

from .deps import JsonBody, Key, Tx, acting_user
from .errors import BODY_ERRORS, KEY_ERRORS
from .schemas import Error

router = APIRouter(tags=["listings"])


class FeedItemError(BaseModel):
    index: int
    mls_number: str | None
    errors: dict[str, str]


class FeedResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    changes: int = Field(description="Listing changes recorded (new, price, status, ...).")
    errors: list[FeedItemError]


class Deleted(BaseModel):
    deleted: bool


GONE = {404: {"model": Error, "description": "No such lead, search or favourite here."}}


def _id(raw: str, what: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound(f"That {what} does not exist.")
    return int(raw)


@router.post(
    "/listings",
    operation_id="postListings",
    summary=(
        f"Upsert up to {listings_feed.MAX_BATCH} listings by MLS number (ListingId), in RESO"
        " Data Dictionary field names; a bare array or {listings: [...]}."
    ),
    status_code=201,
    response_model=FeedResult,
    response_description="All stored.",
    responses={
        403: {"model": Error, "description": "The key may not load listings."},
        422: {
            "description": (
                "A bad request ({error, errors}), or a FeedResult whose errors list each bad"
                " index (the valid ones stored)."
            ),
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **KEY_ERRORS,
        **BODY_ERRORS,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": ["array", "object"]}}},
        }
    },
)
def post_listings(key: Key, body: JsonBody, session: Tx):
    items: Any = body.get("listings") if isinstance(body, dict) else body
    if isinstance(body, dict) and set(body) != {"listings"}:
        raise ValidationFailed({"body": 'Send {"listings": [...]} (RESO field names).'})
    if not isinstance(items, list) or not items:
        raise ValidationFailed({"listings": "Send a non-empty list of listings."})
    res = listings_feed.upsert_listings(session, acting_user(key), items).to_dict()
    if res["errors"]:
        return JSONResponse(res, status_code=422)
    return res


@router.get(
    "/leads/{lead_id}/organizer",
    operation_id="getOrganizer",
    summary="The lead's saved searches and favourites, with who made each.",
    response_description="The organizer.",
    responses={**GONE, **KEY_ERRORS},
)
def get_organizer(lead_id: str, key: Key, session: Tx) -> dict:
    return organizer_api.read(session, acting_user(key), _id(lead_id, "lead"))


@router.patch(
    "/leads/{lead_id}/saved-searches/{search_id}",
    operation_id="updateSavedSearch",
    summary="Change a saved search's criteria, alert switch or name (history kept).",
    response_description="The saved search.",
    responses={
        **GONE,
        422: {"model": Error, "description": "Invalid."},
        **KEY_ERRORS,
        **BODY_ERRORS,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def patch_search(lead_id: str, search_id: str, key: Key, body: JsonBody, session: Tx) -> dict:
    return organizer_api.update_search(
        session, acting_user(key), _id(lead_id, "lead"), _id(search_id, "saved search"), body
    )


@router.delete(
    "/leads/{lead_id}/saved-searches/{search_id}",
    operation_id="deleteSavedSearch",
    summary="Delete a saved search (history kept).",
    response_model=Deleted,
    responses={**GONE, **KEY_ERRORS},
)
def delete_search(lead_id: str, search_id: str, key: Key, session: Tx):
    organizer_api.delete_search(
        session, acting_user(key), _id(lead_id, "lead"), _id(search_id, "saved search")
    )
    return {"deleted": True}


@router.delete(
    "/leads/{lead_id}/favorites/{fav_id}",
    operation_id="deleteFavorite",
    summary="Remove a favourite (history kept).",
    response_model=Deleted,
    responses={**GONE, **KEY_ERRORS},
)
def delete_favorite(lead_id: str, fav_id: str, key: Key, session: Tx):
    organizer_api.delete_favorite(
        session, acting_user(key), _id(lead_id, "lead"), _id(fav_id, "favourite")
    )
    return {"deleted": True}
