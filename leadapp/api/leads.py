"""GET/POST /api/v1/leads and GET/PATCH /api/v1/leads/{lead_id} (services/api_leads.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from leadapp.services import api_leads
from leadapp.services.errors import NotFound

from .deps import JsonBody, Key, Tx, acting_user
from .errors import BODY_ERRORS, KEY_ERRORS
from .schemas import Error, Lead, LeadCreate, LeadFilters, LeadInput, LeadPage, body_doc, query_doc

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
