"""Schemathesis against the served OpenAPI document: every operation with a write token (valid and invalid
requests), and without a token: no server error; status codes, content types, headers and bodies as the
document says.

Bounded: API_CONTRACT_EXAMPLES generated requests per operation and mode (default 25), the same ones every
run (derandomised), so the whole file takes a few minutes. The operations are listed here, and the test
checks the document has exactly these: a new endpoint cannot skip the contract.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    ("GET", "/api/v1/areas"),
    ("GET", "/api/v1/courses"),
    ("POST", "/api/v1/evidence"),
    ("GET", "/api/v1/exports/national"),
    ("GET", "/api/v1/imports/{job_id}"),
    ("POST", "/api/v1/imports/{kind}"),
    ("GET", "/api/v1/indicators"),
    ("GET", "/api/v1/people/{code}/record"),
    ("GET", "/api/v1/results"),
]


def run(app, method: str, path: str, mode: GenerationMode, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Send EXAMPLES generated requests of one operation and check each answer against the document."""
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_the_document_lists_exactly_these_operations(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    found = sorted(
        (method.upper(), path) for path, item in document["paths"].items() for method in item if method != "parameters"
    )
    assert found == sorted(OPERATIONS)
    assert document["openapi"].startswith("3.")


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_each_operation_conforms_with_a_write_token(app, district, make_token, method, path, mode):
    run(app, method, path, mode, bearer(make_token("write", name="contract")))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_each_operation_conforms_without_a_token(app, district, method, path):
    run(app, method, path, GenerationMode.POSITIVE, {})
