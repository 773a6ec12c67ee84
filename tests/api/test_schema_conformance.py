"""schemathesis against the served OpenAPI schema, in-process through the WSGI application: no answer may be a
5xx, and every answer must be one the schema describes (status, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    CampaignFactory,
    CustomerFactory,
    NewsFactory,
    StaffFactory,
    SurveyFactory,
    token_for,
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    """As Django's test client does: a request through the WSGI application must not close the connection that holds
    the test's transaction (on PostgreSQL it would, and every later query would fail)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in_manager(db) -> dict:
    """A product manager's token, and a little data for the lists to show (ids 1… exist)."""
    customer = CustomerFactory()
    SurveyFactory(client=customer.client)
    NewsFactory(account=customer)
    CampaignFactory(name="Осенние вклады", active=False)
    return {"Authorization": f"Bearer {token_for(StaffFactory(product_manager=True))}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, signed_in_manager):
    if case.operation.method.upper() == "DELETE" and case.operation.path == "/auth/session":
        # Signing out would revoke the token the other examples use: each example signs in afresh.
        signed_in_manager = {"Authorization": f"Bearer {token_for(StaffFactory(product_manager=True))}"}
    response = case.call(headers=signed_in_manager)
    case.validate_response(response, checks=CHECKS, headers=signed_in_manager)
