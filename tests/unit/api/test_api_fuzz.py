"""Fuzz the API from its own OpenAPI document (schemathesis): no 5xx, responses conform."""

from __future__ import annotations

import os
from typing import cast

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leadapp.api import build_api
from leadapp.api.ratelimit import TokenBucket
from leadapp.services import leads

# Semantic validation (email format, unknown leads) legitimately rejects schema-valid data,
# so positive_data_acceptance is not among the checks.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Every health check but the deprecated ones (what iterating HealthCheck yields); the cast
# because hypothesis leaves HealthCheckMeta.__iter__ unannotated, which types the items as
# the metaclass.
ALL_HEALTH_CHECKS = cast("list[HealthCheck]", list(HealthCheck))


@pytest.fixture
def api_schema(engine, session, org, key):
    for i in range(3):
        leads.create_lead(session, org.broker, {"email": f"f{i}@example.com"})
    session.commit()
    app = build_api(engine, TokenBucket(10_000, 10_000))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    schema.config.headers = {"Authorization": f"Bearer {key}"}
    return schema


def test_api_fuzz_finds_no_5xx_and_responses_conform(api_schema):
    ops = [r.ok() for r in api_schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in ops} == {
        "POST /events",
        "POST /accounts/login",
        "POST /accounts/password",
        "POST /accounts/forgot-password",
        "POST /accounts/reset-password",
        "GET /leads",
        "POST /leads",
        "GET /leads/{lead_id}",
        "PATCH /leads/{lead_id}",
        "GET /leads/{lead_id}/texting-consent",
        "PUT /leads/{lead_id}/texting-consent",
        "POST /mail/inbound",
        "POST /listings",
        "GET /leads/{lead_id}/organizer",
        "PATCH /leads/{lead_id}/saved-searches/{search_id}",
        "DELETE /leads/{lead_id}/saved-searches/{search_id}",
        "DELETE /leads/{lead_id}/favorites/{fav_id}",
    }
    seen: set = set()
    for op in ops:

        @given(case=op.as_strategy())
        @settings(
            max_examples=int(os.environ.get("LEADAPP_FUZZ_EXAMPLES", "40")),
            deadline=None,
            suppress_health_check=ALL_HEALTH_CHECKS,
            database=None,
        )
        def run(case):
            r = case.call_and_validate(checks=CHECKS)
            # run() is called right below, inside this loop iteration
            seen.add((op.method.upper(), op.path, r.status_code == 401 and "API key" in r.text))  # noqa: B023

        run()
    # the key was sent: every operation answered something other than 401
    for op in ops:
        assert any(
            m == op.method.upper() and p == op.path and not key_refused
            for m, p, key_refused in seen
        ), op.path
