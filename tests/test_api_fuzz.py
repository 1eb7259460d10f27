"""The OpenAPI document, exercised by a property-based API tester (schemathesis): whatever the
document allows, the server answers without a 5xx and as the document says."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from api_server import serving
from stockbot.api.openapi import document
from stockbot.store.apikeys import create_key

from transcript import Floor

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import positive_data_acceptance  # noqa: E402


@pytest.fixture
def live(db):  # type: ignore[no-untyped-def]
    floor = Floor(db).people()
    floor.item("M8", stock=100, barcode="6901234567890")
    floor.item("M6", stock=5)
    with serving(db, floor.runtime) as server:
        server.service.api.rate = 100_000  # the limit is its own test
        yield server, create_key(db, "fuzzer", "admin")


SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_whatever_the_document_allows_gets_no_server_error_and_a_documented_answer(operation, live):
    server, key = live

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def call(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(base_url=server.url, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code < 500, response.text
        # A well-formed request may still be refused (an item nobody has, a cursor this server
        # did not give out): that 422 is the product, so "valid data is accepted" is not checked.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    call()
