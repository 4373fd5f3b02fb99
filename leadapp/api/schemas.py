"""Pydantic models of the HTTP API: what the routes answer and what they accept.

Responses are `response_model`s: FastAPI serializes every answer through them and the
OpenAPI document is generated from them. Request bodies and the lead filters are described
by models too (`body_doc`, `query_doc` put them in the document), but the services validate
what arrives, with the same messages as the UI's forms, so that a batch stores its valid
events and names the field of each invalid one (a model validating the whole body would
refuse the whole batch with generic messages).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from leadapp.models.enums import ACTIVITY_KINDS, LEAD_STATUSES, LEAD_TYPES, PRIORITIES, STAGES
from leadapp.services.activity import MAX_BATCH
from leadapp.services.texting_consent import GIVEN_BY, WITHDRAWN_BY


def _fmt(fmt: str, desc: str = "") -> Any:
    """A string field documented with an OpenAPI format (dates are passed through as text)."""
    return Field(..., description=desc or None, json_schema_extra={"format": fmt})


# ----------------------------------------------------------------- errors
class Error(BaseModel):
    """Every error answer: a message, and for bad input a message per field."""

    error: str
    errors: dict[str, str] | None = Field(None, description="A message per field.")


# ----------------------------------------------------------------- events (W1)
class Event(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(
        ...,
        description="Also accepted: labels and spellings such as 'sign-up' or 'Listing view'.",
        json_schema_extra={"enum": list(ACTIVITY_KINDS)},
    )
    email: str = Field(
        ..., description="The lead's email; a sign-up from an unknown email creates the lead."
    )
    name: str | None = Field(None, max_length=200, description="Sign-up only: full name.")
    first_name: str | None = Field(None, max_length=100, description="Sign-up only.")
    last_name: str | None = Field(None, max_length=100, description="Sign-up only.")
    phone: str | None = Field(None, max_length=60, description="Sign-up only.")
    password: str | None = Field(
        None,
        min_length=8,
        max_length=200,
        description="Sign-up only: the lead's website password (stored hashed).",
    )
    source: str | None = Field(
        None, max_length=60, description="Sign-up only; default 'Website sign-up'."
    )
    mls_number: str | None = Field(None, max_length=32)
    criteria: dict[str, Any] | None = Field(
        None, description="Search criteria (searches, saved searches)."
    )
    details: str | None = Field(None, max_length=2000, description="E.g. the message of a request.")
    occurred_at: str | None = Field(
        None,
        description="ISO 8601; default: when received.",
        json_schema_extra={"format": "date-time"},
    )
    idempotency_key: str | None = Field(
        None,
        max_length=128,
        description="The same key sent again stores nothing new and answers as the first time.",
    )


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Event] = Field(..., min_length=1, max_length=MAX_BATCH)


class EventResult(BaseModel):
    activity_id: int
    lead_id: int
    lead_created: bool


class BatchItem(BaseModel):
    index: int
    activity_id: int | None = None
    lead_id: int | None = None
    lead_created: bool | None = None
    errors: dict[str, str] | None = None


class BatchResult(BaseModel):
    results: list[BatchItem]
    stored: int
    duplicates: int
    errors: int


# ----------------------------------------------------------------- website accounts (W2)
class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    password: str


class LoginResult(BaseModel):
    lead_id: int
    email: str
    first_name: str | None = None
    last_name: str | None = None


# ----------------------------------------------------------------- leads
class LeadInput(BaseModel):
    """The fields an integration may set; `stars` (R1) is computed and cannot be set."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    extra_emails: list[str] | None = Field(None, max_length=10)
    extra_phones: list[str] | None = Field(None, max_length=10)
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    birthday: str | None = Field(None, description="mm/dd/yyyy or yyyy-mm-dd")
    anniversary: str | None = Field(None, description="mm/dd/yyyy or yyyy-mm-dd")
    lead_type: str | None = Field(None, description=", ".join(LEAD_TYPES))
    source: str | None = None
    property_type_wanted: str | None = None
    price_min: str | None = None
    price_max: str | None = None
    move_timeframe: str | None = None
    closing_date: str | None = None
    ps_due_date: str | None = None
    stage: str | None = Field(None, json_schema_extra={"enum": list(STAGES)})
    status: str | None = Field(None, json_schema_extra={"enum": list(LEAD_STATUSES)})
    priority: str | None = Field(None, json_schema_extra={"enum": list(PRIORITIES)})
    assigned_agent_id: int | None = Field(None, description="null = the unassigned pool")


class LeadCreate(LeadInput):
    email: str  # type: ignore[assignment]  # required on create


class Lead(BaseModel):
    id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    extra_emails: list[str]
    extra_phones: list[str]
    street: str
    city: str
    state: str
    postal_code: str
    birthday: str | None = Field(json_schema_extra={"format": "date"})
    anniversary: str | None = Field(json_schema_extra={"format": "date"})
    lead_type: str | None = Field(json_schema_extra={"enum": [*LEAD_TYPES, None]})
    status: str = Field(json_schema_extra={"enum": list(LEAD_STATUSES)})
    stage: str = Field(json_schema_extra={"enum": list(STAGES)})
    priority: str = Field(json_schema_extra={"enum": list(PRIORITIES)})
    source: str
    assigned_agent_id: int | None
    stars: int = Field(
        ge=0, le=3, description="R1 rating: computed from website activity, never set by hand."
    )
    last_activity_at: str | None = Field(json_schema_extra={"format": "date-time"})
    has_website_account: bool
    created_at: str = _fmt("date-time")
    updated_at: str = _fmt("date-time")


class LeadPage(BaseModel):
    data: list[Lead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class LeadFilters(BaseModel):
    """The query parameters of GET /leads (all optional)."""

    q: str | None = Field(None, description="Name, email or phone contains.")
    email: str | None = Field(None, description="Exact email.")
    status: str | None = Field(None, json_schema_extra={"enum": list(LEAD_STATUSES)})
    stage: str | None = Field(None, json_schema_extra={"enum": list(STAGES)})
    lead_type: str | None = Field(None, json_schema_extra={"enum": list(LEAD_TYPES)})
    source: str | None = Field(None, description="Exact lead source.")
    agent_id: str | None = Field(
        None, description="An agent id, or 'none' for the unassigned pool."
    )
    stars: int | None = Field(None, ge=0, le=3)
    created_since: str | None = Field(None, json_schema_extra={"format": "date-time"})
    updated_since: str | None = Field(None, json_schema_extra={"format": "date-time"})
    limit: int | None = Field(None, ge=1, le=200, description="Page size (default 50).")
    cursor: str | None = Field(None, description="next_cursor of the previous page.")


# ----------------------------------------------------------------- texting consent (TCPA)
class ConsentChange(BaseModel):
    given: bool = Field(description="true: consent given; false: withdrawn.")
    method: str | None = Field(
        description="How (the code sent), when the change was recorded with one.",
        json_schema_extra={"enum": [*GIVEN_BY, *WITHDRAWN_BY, None]},
    )
    how: str = Field(description="The change in words, as the lead's history shows it.")
    note: str
    by: str = Field(description="Who recorded it: a user, an API key or the website.")
    at: str = _fmt("date-time")


class TextingConsent(BaseModel):
    lead_id: int
    given: bool = Field(description="Campaign text messages go only to leads with consent.")
    changes: list[ConsentChange] = Field(description="Every change, newest first.")


class TextingConsentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given: bool = Field(description="true: the lead gave consent; false: withdrew it.")
    method: str = Field(
        description="How. Given: "
        + ", ".join(f"{k} ({v})" for k, v in GIVEN_BY.items())
        + ". Withdrawn: "
        + ", ".join(f"{k} ({v})" for k, v in WITHDRAWN_BY.items())
        + ".",
        json_schema_extra={"enum": [*sorted({*GIVEN_BY, *WITHDRAWN_BY})]},
    )
    note: str | None = Field(None, max_length=500, description="Where, which form, ...")


# ----------------------------------------------------------------- document helpers
REF = "#/components/schemas/{model}"
DOC_ONLY_MODELS: list[type[BaseModel]] = [
    Event,
    EventBatch,
    Login,
    LeadInput,
    LeadCreate,
    TextingConsentInput,
]


def body_doc(*models: type[BaseModel]) -> dict:
    """`openapi_extra` describing a required JSON body of one of `models`."""
    refs = [{"$ref": REF.format(model=m.__name__)} for m in models]
    schema = refs[0] if len(refs) == 1 else {"oneOf": refs}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def query_doc(model: type[BaseModel]) -> dict:
    """`openapi_extra` listing the fields of `model` as optional query parameters."""
    params = []
    for name, prop in model.model_json_schema()["properties"].items():
        prop = dict(prop)
        desc = prop.pop("description", "")
        prop.pop("title", None)
        prop.pop("default", None)
        if "anyOf" in prop:  # `X | None`: a query parameter is absent rather than null
            prop.update(next(s for s in prop.pop("anyOf") if s.get("type") != "null"))
        params.append(
            {"name": name, "in": "query", "required": False, "description": desc, "schema": prop}
        )
    return {"parameters": params}


def add_doc_only_schemas(doc: dict) -> None:
    """Put the request models referenced by `body_doc` into the document's components."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for m in DOC_ONLY_MODELS:
        js = m.model_json_schema(ref_template=REF)
        schemas.update(js.pop("$defs", {}))
        schemas[m.__name__] = js
