"""GET/POST /api/v1/leads and GET/PATCH /api/v1/leads/{lead_id} (services/api_leads.py);
GET/PUT /api/v1/leads/{lead_id}/texting-consent (services/texting_consent.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from leadapp.services import api_leads, texting_consent
from leadapp.services.errors import NotFound

from .deps import JsonBody, Key, Tx, acting_user
from .errors import BODY_ERRORS, KEY_ERRORS
from .schemas import (
    Error,
    Lead,
    LeadCreate,
    LeadFilters,
    LeadInput,
    LeadPage,
    TextingConsent,
    TextingConsentInput,
    body_doc,
    query_doc,
)

router = APIRouter(tags=["leads"])

NOT_FOUND = {404: {"model": Error, "description": "No such lead in this brokerage."}}
INVALID = {422: {"model": Error, "description": "Invalid fields."}}


def _lead_id(raw: str) -> int:
    """Ids are plain decimal digits; anything else is a lead that does not exist."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound("That lead does not exist.")
    return int(raw)


@router.get(
    "/leads",
    operation_id="listLeads",
    summary="Leads, oldest first, with filters and cursor paging.",
    response_model=LeadPage,
    response_description="A page of leads.",
    responses={422: {"model": Error, "description": "A bad filter."}, **KEY_ERRORS},
    openapi_extra=query_doc(LeadFilters),
)
def list_leads(request: Request, key: Key, session: Tx):
    # the service checks every filter (unknown names included) with the UI's messages
    return api_leads.list_leads(session, acting_user(key), dict(request.query_params))


@router.post(
    "/leads",
    operation_id="createLead",
    summary="Create a lead (email required and unique).",
    status_code=201,
    response_model=Lead,
    response_description="Created.",
    responses={**INVALID, **KEY_ERRORS, **BODY_ERRORS},
    openapi_extra=body_doc(LeadCreate),
)
def create_lead(key: Key, body: JsonBody, session: Tx):
    return api_leads.create(session, acting_user(key), body)


@router.get(
    "/leads/{lead_id}",
    operation_id="getLead",
    response_model=Lead,
    response_description="The lead.",
    responses={**NOT_FOUND, **KEY_ERRORS},
)
def get_lead(lead_id: str, key: Key, session: Tx):
    return api_leads.get_one(session, acting_user(key), _lead_id(lead_id))


@router.patch(
    "/leads/{lead_id}",
    operation_id="updateLead",
    summary="Change fields, stage, status, priority or agent; the rating cannot be set.",
    response_model=Lead,
    response_description="Updated.",
    responses={**NOT_FOUND, **INVALID, **KEY_ERRORS, **BODY_ERRORS},
    openapi_extra=body_doc(LeadInput),
)
def update_lead(lead_id: str, key: Key, body: JsonBody, session: Tx):
    return api_leads.update(session, acting_user(key), _lead_id(lead_id), body)


@router.get(
    "/leads/{lead_id}/texting-consent",
    operation_id="getTextingConsent",
    summary="Texting consent (TCPA): whether it is given, and every change with who and how.",
    response_model=TextingConsent,
    response_description="The consent and its changes, newest first.",
    responses={**NOT_FOUND, **KEY_ERRORS},
)
def get_texting_consent(lead_id: str, key: Key, session: Tx):
    return texting_consent.api_get(session, acting_user(key), _lead_id(lead_id))


@router.put(
    "/leads/{lead_id}/texting-consent",
    operation_id="setTextingConsent",
    summary="Record that the lead gave or withdrew texting consent, and how.",
    description="Campaign text steps read the consent when they are due, so a withdrawal "
    "stops texts at once. Asking for the state the lead is already in records nothing.",
    response_model=TextingConsent,
    response_description="The consent and its changes, newest first.",
    responses={**NOT_FOUND, **INVALID, **KEY_ERRORS, **BODY_ERRORS},
    openapi_extra=body_doc(TextingConsentInput),
)
def put_texting_consent(lead_id: str, key: Key, body: JsonBody, session: Tx):
    return texting_consent.api_put(session, acting_user(key), _lead_id(lead_id), body)
