"""The OpenAPI 3.0 document of /api/v1, written by hand to match app.py exactly.

tests/unit/test_api_fuzz.py runs schemathesis over it (no 5xx, responses conform).
"""

from __future__ import annotations

from leadapp.models.enums import ACTIVITY_KINDS, LEAD_STATUSES, LEAD_TYPES, PRIORITIES, STAGES
from leadapp.services.activity import MAX_BATCH

_STR = {"type": "string"}
_NSTR = {"type": "string", "nullable": True}
_ERR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": _STR,
        "errors": {
            "type": "object",
            "additionalProperties": _STR,
            "description": "A message per field.",
        },
    },
}


def _resp(desc: str, schema: dict | None = None, headers: dict | None = None) -> dict:
    r: dict = {"description": desc}
    if schema is not None:
        r["content"] = {"application/json": {"schema": schema}}
    if headers:
        r["headers"] = headers
    return r


_ERRREF = {"$ref": "#/components/schemas/Error"}
_COMMON = {
    "401": _resp(
        "Missing, unknown or revoked API key.", _ERRREF, {"WWW-Authenticate": {"schema": _STR}}
    ),
    "429": _resp(
        "Over the key's request rate.",
        _ERRREF,
        {"Retry-After": {"schema": _STR, "description": "Seconds to wait."}},
    ),
}
_BODY_ERRORS = {
    "400": _resp("The body is not JSON.", _ERRREF),
    "413": _resp("The body is too large.", _ERRREF),
}

EVENT = {
    "type": "object",
    "required": ["kind", "email"],
    "additionalProperties": False,
    "properties": {
        "kind": {
            "type": "string",
            "enum": list(ACTIVITY_KINDS),
            "description": (
                "Also accepted: labels and spellings such as 'sign-up' or 'Listing view'."
            ),
        },
        "email": {
            "type": "string",
            "description": "The lead's email; a sign-up from an unknown email creates the lead.",
        },
        "name": {"type": "string", "maxLength": 200, "description": "Sign-up only: full name."},
        "first_name": {"type": "string", "maxLength": 100, "description": "Sign-up only."},
        "last_name": {"type": "string", "maxLength": 100, "description": "Sign-up only."},
        "phone": {"type": "string", "maxLength": 60, "description": "Sign-up only."},
        "password": {
            "type": "string",
            "minLength": 8,
            "maxLength": 200,
            "description": "Sign-up only: the lead's website password (stored hashed).",
        },
        "source": {
            "type": "string",
            "maxLength": 60,
            "description": "Sign-up only; default 'Website sign-up'.",
        },
        "mls_number": {"type": "string", "maxLength": 32},
        "criteria": {
            "type": "object",
            "description": "Search criteria (searches, saved searches).",
        },
        "details": {
            "type": "string",
            "maxLength": 2000,
            "description": "E.g. the message of a request.",
        },
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "description": "Default: when received.",
        },
        "idempotency_key": {
            "type": "string",
            "maxLength": 128,
            "description": (
                "The same key sent again stores nothing new and answers as the first time."
            ),
        },
    },
}
EVENT_RESULT = {
    "type": "object",
    "required": ["activity_id", "lead_id", "lead_created"],
    "properties": {
        "activity_id": {"type": "integer"},
        "lead_id": {"type": "integer"},
        "lead_created": {"type": "boolean"},
    },
}
BATCH_ITEM = {
    "type": "object",
    "required": ["index"],
    "properties": {
        "index": {"type": "integer"},
        "activity_id": {"type": "integer"},
        "lead_id": {"type": "integer"},
        "lead_created": {"type": "boolean"},
        "errors": {"type": "object", "additionalProperties": _STR},
    },
}
BATCH_RESULT = {
    "type": "object",
    "required": ["results", "stored", "duplicates", "errors"],
    "properties": {
        "results": {"type": "array", "items": BATCH_ITEM},
        "stored": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "errors": {"type": "integer"},
    },
}
LEAD_FIELDS = {
    "email": _STR,
    "first_name": _STR,
    "last_name": _STR,
    "phone": _STR,
    "extra_emails": {"type": "array", "items": _STR, "maxItems": 10},
    "extra_phones": {"type": "array", "items": _STR, "maxItems": 10},
    "street": _STR,
    "city": _STR,
    "state": _STR,
    "postal_code": _STR,
    "birthday": {"type": "string", "nullable": True, "description": "mm/dd/yyyy or yyyy-mm-dd"},
    "anniversary": {"type": "string", "nullable": True, "description": "mm/dd/yyyy or yyyy-mm-dd"},
    "lead_type": {"type": "string", "nullable": True, "description": ", ".join(LEAD_TYPES)},
    "source": _STR,
    "property_type_wanted": _STR,
    "price_min": {"type": "string", "nullable": True},
    "price_max": {"type": "string", "nullable": True},
    "move_timeframe": _STR,
    "closing_date": _NSTR,
    "ps_due_date": _NSTR,
    "stage": {"type": "string", "enum": list(STAGES)},
    "status": {"type": "string", "enum": list(LEAD_STATUSES)},
    "priority": {"type": "string", "enum": list(PRIORITIES)},
    "assigned_agent_id": {
        "type": "integer",
        "nullable": True,
        "description": "null = the unassigned pool",
    },
}
LEAD_IN = {"type": "object", "additionalProperties": False, "properties": LEAD_FIELDS}
LEAD_CREATE = {**LEAD_IN, "required": ["email"]}
LEAD = {
    "type": "object",
    "required": [
        "id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "extra_emails",
        "extra_phones",
        "street",
        "city",
        "state",
        "postal_code",
        "birthday",
        "anniversary",
        "lead_type",
        "status",
        "stage",
        "priority",
        "source",
        "assigned_agent_id",
        "stars",
        "last_activity_at",
        "has_website_account",
        "created_at",
        "updated_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "email": _STR,
        "first_name": _STR,
        "last_name": _STR,
        "phone": _STR,
        "extra_emails": {"type": "array", "items": _STR},
        "extra_phones": {"type": "array", "items": _STR},
        "street": _STR,
        "city": _STR,
        "state": _STR,
        "postal_code": _STR,
        "birthday": {"type": "string", "format": "date", "nullable": True},
        "anniversary": {"type": "string", "format": "date", "nullable": True},
        "lead_type": {"type": "string", "enum": list(LEAD_TYPES), "nullable": True},
        "status": {"type": "string", "enum": list(LEAD_STATUSES)},
        "stage": {"type": "string", "enum": list(STAGES)},
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "source": _STR,
        "assigned_agent_id": {"type": "integer", "nullable": True},
        "stars": {
            "type": "integer",
            "minimum": 0,
            "maximum": 3,
            "description": "R1 rating: computed from website activity, never set by hand.",
        },
        "last_activity_at": {"type": "string", "format": "date-time", "nullable": True},
        "has_website_account": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}


def _q(name: str, desc: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": desc,
        "schema": schema or _STR,
    }


def openapi_document() -> dict:
    from .feed_routes import openapi_paths

    lead_id = {"name": "lead_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "leadapp website API",
            "version": "1.0.0",
            "description": "Website activity, website accounts and leads for integrations. "
            "Authenticate with `Authorization: Bearer <key>` (a key a broker creates in "
            "Settings); the key acts with broker scope in its brokerage.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": _ERR,
                "Event": EVENT,
                "EventResult": EVENT_RESULT,
                "BatchResult": BATCH_RESULT,
                "Lead": LEAD,
                "LeadInput": LEAD_IN,
                "LeadCreate": LEAD_CREATE,
            },
        },
        "paths": {
            "/events": {
                "post": {
                    "operationId": "postEvents",
                    "summary": f"Report one website event, or a batch of up to {MAX_BATCH}.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Event"},
                                        {
                                            "type": "object",
                                            "required": ["events"],
                                            "additionalProperties": False,
                                            "properties": {
                                                "events": {
                                                    "type": "array",
                                                    "minItems": 1,
                                                    "maxItems": MAX_BATCH,
                                                    "items": {"$ref": "#/components/schemas/Event"},
                                                }
                                            },
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _resp(
                            "Stored (or, for a repeated idempotency key, stored before). A single "
                            "event "
                            "answers an EventResult, a batch a BatchResult.",
                            {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/EventResult"},
                                    {"$ref": "#/components/schemas/BatchResult"},
                                ]
                            },
                        ),
                        "422": _resp(
                            "Invalid event(s): a message per field; for a batch, the valid items "
                            "are "
                            "stored and the invalid ones listed with their errors.",
                            {"oneOf": [_ERRREF, {"$ref": "#/components/schemas/BatchResult"}]},
                        ),
                        **_COMMON,
                        **_BODY_ERRORS,
                    },
                }
            },
            "/accounts/login": {
                "post": {
                    "operationId": "websiteLogin",
                    "summary": "Check a lead's website password (W2).",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["email", "password"],
                                    "additionalProperties": False,
                                    "properties": {"email": _STR, "password": _STR},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _resp(
                            "Signed in.",
                            {
                                "type": "object",
                                "required": ["lead_id", "email"],
                                "properties": {
                                    "lead_id": {"type": "integer"},
                                    "email": _STR,
                                    "first_name": _STR,
                                    "last_name": _STR,
                                },
                            },
                        ),
                        "401": _resp("Wrong email or password, or a bad API key.", _ERRREF),
                        "422": _resp("Email or password missing.", _ERRREF),
                        "429": _COMMON["429"],
                        **_BODY_ERRORS,
                    },
                }
            },
            "/leads": {
                "get": {
                    "operationId": "listLeads",
                    "summary": "Leads, oldest first, with filters and cursor paging.",
                    "parameters": [
                        _q("q", "Name, email or phone contains."),
                        _q("email", "Exact email."),
                        _q("status", "", {"type": "string", "enum": list(LEAD_STATUSES)}),
                        _q("stage", "", {"type": "string", "enum": list(STAGES)}),
                        _q("lead_type", "", {"type": "string", "enum": list(LEAD_TYPES)}),
                        _q("source", "Exact lead source."),
                        _q("agent_id", "An agent id, or 'none' for the unassigned pool."),
                        _q("stars", "", {"type": "integer", "minimum": 0, "maximum": 3}),
                        _q("created_since", "", {"type": "string", "format": "date-time"}),
                        _q("updated_since", "", {"type": "string", "format": "date-time"}),
                        _q(
                            "limit",
                            "Page size (default 50).",
                            {"type": "integer", "minimum": 1, "maximum": 200},
                        ),
                        _q("cursor", "next_cursor of the previous page."),
                    ],
                    "responses": {
                        "200": _resp(
                            "A page of leads.",
                            {
                                "type": "object",
                                "required": ["data", "next_cursor"],
                                "properties": {
                                    "data": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Lead"},
                                    },
                                    "next_cursor": _NSTR,
                                },
                            },
                        ),
                        "422": _resp("A bad filter.", _ERRREF),
                        **_COMMON,
                    },
                },
                "post": {
                    "operationId": "createLead",
                    "summary": "Create a lead (email required and unique).",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/LeadCreate"}
                            }
                        },
                    },
                    "responses": {
                        "201": _resp("Created.", {"$ref": "#/components/schemas/Lead"}),
                        "422": _resp("Invalid fields.", _ERRREF),
                        **_COMMON,
                        **_BODY_ERRORS,
                    },
                },
            },
            "/leads/{lead_id}": {
                "get": {
                    "operationId": "getLead",
                    "parameters": [lead_id],
                    "responses": {
                        "200": _resp("The lead.", {"$ref": "#/components/schemas/Lead"}),
                        "404": _resp("No such lead in this brokerage.", _ERRREF),
                        **_COMMON,
                    },
                },
                "patch": {
                    "operationId": "updateLead",
                    "parameters": [lead_id],
                    "summary": (
                        "Change fields, stage, status, priority or agent; the rating cannot be set."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/LeadInput"}
                            }
                        },
                    },
                    "responses": {
                        "200": _resp("Updated.", {"$ref": "#/components/schemas/Lead"}),
                        "404": _resp("No such lead in this brokerage.", _ERRREF),
                        "422": _resp("Invalid fields.", _ERRREF),
                        **_COMMON,
                        **_BODY_ERRORS,
                    },
                },
            },
            **openapi_paths(),
        },
    }
