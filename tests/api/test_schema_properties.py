"""Every /api/v1 operation, any input: never a 5xx, and every answer as its schema says.

Schemathesis reads the published OpenAPI document and generates valid and invalid
requests for each operation, sent in-process to the WSGI application as a signed-in
citizen (operations that need no sign-in ignore the cookie). Hypothesis runs
derandomized with a bounded number of examples, so the run is the same every time.
"""

import itertools

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gosportal.wsgi import application
from tests.conftest import sign_in_as
from tests.factories import UserFactory

EXAMPLES = 100  # per generation mode, over all operations together

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def citizen_cookie(db):
    client = sign_in_as(Client(), UserFactory())
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


# The in-process WSGI handler closes the database connection after each request, as a
# real server does, so the test runs outside a wrapping transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_any_input_without_5xx_and_as_documented(
    api_schema, citizen_cookie, mode
):
    @given(case=api_schema.as_strategy(mode))
    @settings(
        derandomize=True,
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        case.call_and_validate(headers={"Cookie": citizen_cookie}, checks=CHECKS)

    answers_as_documented()


# Random generation rarely lands on the ends of a range, where overflows live (a
# deadline after 31.12.9999 answered 500): every operation is also called with every
# combination of the extreme values of its query parameters' types.
EDGES = {
    "date": ["0001-01-01", "9999-12-01", "9999-12-31"],
    "date-time": ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"],
    "integer": [-(2**63), -1, 0, 1, 366, 367, 2**31, 2**63],
    "string": ["", "x" * 5000, "\u0000", "../.."],
}


def edge_values(parameter) -> list:
    schema = parameter.definition.get("schema", {})
    values = list(EDGES.get(schema.get("format", ""), EDGES.get(schema.get("type"), [])))
    values += [schema[bound] for bound in ("minimum", "maximum") if bound in schema]
    return values or [""]


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_the_extremes_of_its_parameters(api_schema, citizen_cookie):
    calls = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        query = [p for p in operation.iter_parameters() if p.location == "query"]
        for values in itertools.product(*(edge_values(p) for p in query)):
            case = operation.Case(query=dict(zip((p.name for p in query), values, strict=True)))
            case.call_and_validate(headers={"Cookie": citizen_cookie}, checks=CHECKS)
            calls += 1
    assert calls >= 24  # the deadline's 3 dates × 8 numbers at least


# Loading the schema is a request through the WSGI handler, which checks the database
# connection before each request.
@pytest.mark.django_db(transaction=True)
def test_the_walk_finds_the_operations(api_schema):
    # A new operation is fuzzed without touching this file; this pins that the walk
    # above finds the operations at all.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert ("GET", "/api/v1/calendar/deadline") in {
        (op.method.upper(), op.path) for op in operations
    }
