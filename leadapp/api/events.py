"""POST /api/v1/events: one website event or a batch (W1); see docs/website-api.md."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from leadapp.services import activity
from leadapp.services.activity import MAX_BATCH
from leadapp.services.errors import ValidationFailed

from .deps import JsonBody, Key, Tx
from .errors import BODY_ERRORS, KEY_ERRORS
from .schemas import BatchResult, Error, Event, EventBatch, EventResult, body_doc

router = APIRouter(tags=["events"])


@router.post(
    "/events",
    operation_id="postEvents",
    summary=f"Report one website event, or a batch of up to {MAX_BATCH}.",
    status_code=201,
    response_model=EventResult | BatchResult,
    response_model_exclude_unset=True,
    response_description="Stored (or, for a repeated idempotency key, stored before). A single "
    "event answers an EventResult, a batch a BatchResult.",
    responses={
        422: {
            "model": Error | BatchResult,
            "description": "Invalid event(s): a message per field; for a batch, the valid "
            "items are stored and the invalid ones listed with their errors.",
        },
        **KEY_ERRORS,
        **BODY_ERRORS,
    },
    openapi_extra=body_doc(Event, EventBatch),
)
def post_events(key: Key, body: JsonBody, session: Tx):
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
        return {k: v for k, v in r.items() if k != "index"}
    if out["errors"]:
        # the valid items are stored: the transaction commits, the answer says 422
        return JSONResponse(out, status_code=422)
    return out
